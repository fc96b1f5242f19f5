"""Pure rules of the year's end, over plain data: the seeds' defaults, the commendation rules (kept as data
per cycle) and what each proposes, and the year summary's draft written from the level's figures."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rectification.rules import targets_for
from yearend.choices import Rule

# seeds/002 四: "年度工作总结和更新后的基层党组织分类管理台账于12月3日前报区委组织部".
SEED_SUMMARY_DUE = (12, 3)

# The best band of each scheme and the titles above it: what "先进" means in a rule of commendation.
TOP_GRADES = ("brand", "exemplary", "advanced", "good", "excellent_site")

# seeds/000: 考核验收 is "评先表优的重要依据"; the example: 先进 two years running, targets met, no veto,
# the pledges rated 好. Every rule must hold for a candidate to be proposed.
DEFAULT_COMMENDATION_RULES = [
    {"rule": Rule.TOP_GRADE_YEARS.value, "years": 2},
    {"rule": Rule.TARGET_MET.value},
    {"rule": Rule.NO_VETO.value},
    {"rule": Rule.PLEDGE_RESULT.value, "results": ["good"]},
]
MAX_YEARS = 5


def summary_due(year: int) -> datetime.date:
    month, day = SEED_SUMMARY_DUE
    return datetime.date(year, month, day)


def check_rules(rules) -> list[dict]:
    """The rules as stored, or a ValidationError naming the field and the rule at fault."""
    field = "commendation_rules"
    if not isinstance(rules, list) or not rules:
        raise ValidationError({field: _("Give at least one commendation rule.")})
    checked = []
    for number, rule in enumerate(rules, start=1):
        kind = rule.get("rule") if isinstance(rule, dict) else None
        if kind not in Rule.values:
            raise ValidationError({field: _("Rule %(n)d: unknown rule %(rule)s.") % {"n": number, "rule": kind}})
        if kind == Rule.TOP_GRADE_YEARS:
            years = rule.get("years")
            if not isinstance(years, int) or not 1 <= years <= MAX_YEARS:
                raise ValidationError({field: _("Rule %(n)d: the years running must be between 1 and %(max)d.")
                                       % {"n": number, "max": MAX_YEARS}})
            checked.append({"rule": kind, "years": years})
        elif kind == Rule.PLEDGE_RESULT:
            results = rule.get("results")
            if not isinstance(results, list) or not results or not all(isinstance(r, str) for r in results):
                raise ValidationError({field: _("Rule %(n)d: name the pledge results that count.") % {"n": number}})
            checked.append({"rule": kind, "results": results})
        else:
            checked.append({"rule": kind})
    return checked


@dataclass(frozen=True)
class Record:
    """What the rules read of one organization: its grades from this year back (missing years as ""), its
    plan's target grade, whether a veto clause applied this year, its own pledge's result."""

    grades: tuple[str, ...]
    target_grade: str = ""
    vetoed: bool = False
    pledge_result: str = ""


def reasons_met(rules: list[dict], record: Record) -> list[dict] | None:
    """The rules the organization meets, each as a reason to show; None when any fails."""
    reasons = []
    for rule in rules:
        kind = rule["rule"]
        if kind == Rule.TOP_GRADE_YEARS:
            recent = record.grades[: rule["years"]]
            if len(recent) < rule["years"] or not all(grade in TOP_GRADES for grade in recent):
                return None
            reasons.append({"rule": kind, "years": rule["years"], "grade": recent[0]})
        elif kind == Rule.TARGET_MET:
            current = record.grades[0] if record.grades else ""
            if not record.target_grade or not current or current not in targets_for(record.target_grade):
                return None
            reasons.append({"rule": kind, "target_grade": record.target_grade})
        elif kind == Rule.NO_VETO:
            if record.vetoed:
                return None
            reasons.append({"rule": kind})
        elif kind == Rule.PLEDGE_RESULT:
            if record.pledge_result not in rule["results"]:
                return None
            reasons.append({"rule": kind, "result": record.pledge_result})
    return reasons


def describe(reason: dict, labels: dict[str, str]) -> str:
    """One reason in words; ``labels`` maps grade and result codes to their names."""
    kind = reason.get("rule")
    if kind == Rule.TOP_GRADE_YEARS:
        return _("%(grade)s %(years)d years running") % {"grade": labels.get(reason["grade"], reason["grade"]),
                                                         "years": reason["years"]}
    if kind == Rule.TARGET_MET:
        return _("Reached its target grade %(grade)s") % {
            "grade": labels.get(reason["target_grade"], reason["target_grade"])}
    if kind == Rule.NO_VETO:
        return _("No veto clause applied")
    if kind == Rule.PLEDGE_RESULT:
        return _("Its pledge rated %(result)s") % {"result": labels.get(reason["result"], reason["result"])}
    return str(kind)


def targets_paragraph(targets) -> str:
    """The draft's paragraph on the targets in force (selectors.TargetLine): those met, those missed and by how many."""
    if not targets:
        return _("4. Targets. No target is in force at this level this year.")
    def line(target):
        rate = "—" if target.rate is None else f"{target.rate:g}%"
        return _("%(name)s (%(rate)s of %(base)d, at least %(share)s%%)") % {
            "name": target.name, "rate": rate, "base": target.base, "share": f"{target.share:g}"}
    met = [line(t) for t in targets if t.met]
    missed = [line(t) + _(", %(n)d short") % {"n": t.missing} for t in targets if not t.met]
    return _("4. Targets. Met: %(met)s. Missed: %(missed)s.") % {"met": "；".join(met) or _("none"),
                                                                "missed": "；".join(missed) or _("none")}


def draft_text(figures: dict, labels: dict[str, str], targets=()) -> str:
    """A first draft of the year summary written from the level's figures, for the level to edit ("对照年初
    制定的…工作目标，总结成绩和经验", seeds/002 四); ``labels`` names grade codes; ``targets`` are the targets in
    force with their rates (selectors.TargetLine)."""
    graded = sum(figures["grades"].values())
    grades = "、".join(f"{labels.get(code, code)}{count}" for code, count in figures["grades"].items() if count)
    measures = figures["measures"]
    done = measures.get("done", 0) + measures.get("verified", 0)
    results = figures["pledge_results"]
    pledged = sum(figures["pledge_states"].values())
    rated = sum(results.values())
    good = sum(count for key, count in results.items() if key.endswith(":good"))
    paragraphs = [
        _("1. The year's grading. Of the %(organizations)d organizations of %(level)s, %(graded)d have their "
          "grade: %(grades)s.") % {"organizations": figures["organizations"], "level": figures["level"],
                                   "graded": graded, "grades": grades or "—"},
        _("2. Rectification. %(plans)d plans, %(measures)d measures: %(done)d done (%(verified)d verified by the "
          "superior), %(overdue)d overdue.") % {
            "plans": sum(figures["plans"].values()), "measures": sum(measures.values()), "done": done,
            "verified": measures.get("verified", 0), "overdue": figures["overdue"]},
        _("3. Pledges. %(pledged)d pledges made, %(rated)d evaluated, %(good)d rated good.") % {
            "pledged": pledged, "rated": rated, "good": good},
        targets_paragraph(list(targets)),
        _("5. Problems and next year's plans: (to be written by the level)."),
    ]
    return "\n\n".join(paragraphs)
