"""Reads of the year's end: a level's figures from the kept-current tallies of grading, rectification and
pledges (never a count of the subtree), the tables and charts made of them, the years side by side, and the
level's summary, reports and shortlist."""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from acceptance import selectors as acceptance_selectors
from cycles import access as cycle_access
from cycles import tallies as cycle_tallies
from cycles.choices import GradingState, Step
from cycles.models import Cycle
from orgs import paths
from orgs.choices import Sector
from orgs.models import Organization
from pledges import tallies as pledge_tallies
from pledges.choices import PledgeKind, PledgeResult, PledgeState
from rectification import selectors as rectification_selectors
from rectification.choices import MeasureState, PlanState
from standards.choices import GRADE_ORDER, Grade
from yearend import rules
from yearend.models import Candidate, SecretaryReport, Shortlist, YearendSettings, YearSummary

YEARS_SIDE_BY_SIDE = 5


def settings_of(cycle: Cycle) -> YearendSettings:
    """The cycle's year-end settings: stored ones, else the seeds' defaults (unsaved)."""
    found = YearendSettings.objects.filter(cycle=cycle).first()
    if found is not None:
        return found
    return YearendSettings(cycle=cycle, summary_due=rules.summary_due(cycle.year),
                           commendation_rules=list(rules.DEFAULT_COMMENDATION_RULES))


def level_figures(*, cycle: Cycle, level, today: datetime.date) -> dict:
    """The level's figures of the year, JSON-safe (a summary freezes them when it is submitted): a read of the
    three apps' tallies for the level, a few hundred indexed rows at most at any size of tree."""
    grading = cycle_tallies.level_counts(cycle=cycle, organization=level)
    grades: dict[str, int] = {}
    for key, count in grading[cycle_tallies.GRADE].items():
        grade = key.split(":", 1)[1]
        grades[grade] = grades.get(grade, 0) + count
    rectification = rectification_selectors.level_summary(cycle=cycle, level=level, today=today)
    pledges = pledge_tallies.level_counts(cycle=cycle, organization=level)
    return {
        "year": cycle.year, "level": level.name, "on": today.isoformat(),
        "organizations": level.descendants_count,
        "states": grading[cycle_tallies.STATE], "steps": grading[cycle_tallies.STEP],
        "grades": grades, "sector_grades": grading[cycle_tallies.GRADE], "stars": grading[cycle_tallies.STARS],
        "plans": rectification.plans, "measures": rectification.measures, "overdue": rectification.overdue,
        "pledge_states": pledges[pledge_tallies.STATE], "pledge_results": pledges[pledge_tallies.RESULT],
    }


@dataclass
class Table:
    """A small table of figures: what a chart draws, a download holds and a print page shows. The first
    column names the rows (a chart's categories); each further column is a series."""

    key: str
    title: str
    columns: list[str]
    rows: list[list]


def _grade_label(code: str) -> str:
    return str(Grade(code).label) if code in Grade.values else code


def _ordered_grades(codes) -> list[str]:
    return sorted(codes, key=lambda g: GRADE_ORDER.index(g) if g in GRADE_ORDER else len(GRADE_ORDER))


def progress_table(cycle: Cycle, figures: dict) -> Table:
    """The grading's steps: how many organizations have recorded each of the cycle's steps, of how many."""
    total = sum(figures["states"].values())
    rows = [[str(Step(step).label), figures["steps"].get(step, 0), total] for step in cycle.steps]
    decided = sum(figures["states"].get(s, 0) for s in (GradingState.DECIDED, GradingState.APPROVED))
    rows.append([str(GradingState.DECIDED.label), decided, total])
    return Table("progress", _("Grading steps"), [_("Step"), _("Done"), _("Organizations in all")], rows)


def rectification_table(figures: dict) -> Table:
    rows = [[str(state.label), figures["plans"].get(state.value, 0)] for state in PlanState]
    rows += [[str(state.label), figures["measures"].get(state.value, 0)] for state in MeasureState]
    return Table("rectification", _("Plans and measures"), [_("State"), _("Count")],
                 [[_("Plans") + " · " + label, n] for label, n in rows[:len(PlanState)]]
                 + [[_("Measures") + " · " + label, n] for label, n in rows[len(PlanState):]]
                 + [[_("Measures overdue"), figures["overdue"]]])


def pledges_table(figures: dict) -> Table:
    rows = [[str(state.label)] + [figures["pledge_states"].get(f"{kind.value}:{state.value}", 0) for kind in PledgeKind]
            for state in PledgeState]
    rows += [[_("Rated") + " · " + str(result.label)]
             + [figures["pledge_results"].get(f"{kind.value}:{result.value}", 0) for kind in PledgeKind]
             for result in PledgeResult]
    return Table("pledges", _("Pledges"), [_("State"), *[str(kind.label) for kind in PledgeKind]], rows)


def grades_table(figures: dict) -> Table:
    """Sector × grade, as the level's final grades stand."""
    sectors: dict[str, dict[str, int]] = {}
    for key, count in figures["sector_grades"].items():
        sector, grade = key.split(":", 1)
        sectors.setdefault(sector, {})[grade] = count
    grades = _ordered_grades({g for cells in sectors.values() for g in cells})
    rows = [[str(Sector(sector).label) if sector in Sector.values else sector,
             *[cells.get(grade, 0) for grade in grades]] for sector, cells in sorted(sectors.items())]
    return Table("grades", _("Grades by sector"), [_("Sector"), *[_grade_label(g) for g in grades]], rows)


def year_cycles(*, user, cycle: Cycle, level) -> list[Cycle]:
    """The cycles that hold the level, one per year up to this cycle's (the one opened nearest the level when
    several are), the latest YEARS_SIDE_BY_SIDE."""
    owners = [*paths.ancestor_paths(level.path), level.path]
    found = (Cycle.objects.filter(cycle_access.cycle_scope_q(user), owner__path__in=owners, year__lte=cycle.year)
             .select_related("owner").order_by("-year", "-owner__depth"))
    by_year: dict[int, Cycle] = {}
    for each in found:
        by_year.setdefault(each.year, each)
    return [by_year[year] for year in sorted(by_year)[-YEARS_SIDE_BY_SIDE:]]


def years_table(*, user, cycle: Cycle, level) -> Table:
    """The level's final grades year by year, side by side."""
    per_year = []
    for each in year_cycles(user=user, cycle=cycle, level=level):
        grades: dict[str, int] = {}
        for key, count in cycle_tallies.level_counts(cycle=each, organization=level)[cycle_tallies.GRADE].items():
            grade = key.split(":", 1)[1]
            grades[grade] = grades.get(grade, 0) + count
        per_year.append((each.year, grades))
    codes = _ordered_grades({g for _year, grades in per_year for g in grades})
    rows = [[str(year), *[grades.get(code, 0) for code in codes]] for year, grades in per_year]
    return Table("years", _("Grades year by year"), [_("Year"), *[_grade_label(c) for c in codes]], rows)


def _percent(value) -> float | None:
    return None if value is None else float(round(value * 100, 1))


@dataclass
class TargetLine:
    """A target in force at the level with its rate this year: a chart's bar, a row of its table, a line of the
    summary's draft."""

    name: str
    rate: float | None  # per cent of the organizations that started at the origin; None when none did
    share: float  # the minimum share, per cent
    base: int
    reached: int
    missing: int

    @property
    def met(self) -> bool:
        return self.missing == 0

    @property
    def result(self) -> str:
        if not self.base:
            return _("No organization at the origin")
        return _("Met") if self.met else _("Missed by %(n)d") % {"n": self.missing}


def target_lines(*, cycle: Cycle, level) -> list[TargetLine]:
    """The targets in force at the level, each with its rate read off the acceptance's kept-current moves."""
    lines = []
    for target in acceptance_selectors.target_rates(cycle=cycle, organization=level):
        start, end = acceptance_selectors.target_words(target.origin, target.goal)
        sector = str(Sector(target.sector).label) + " · " if target.sector in Sector.values else ""
        lines.append(TargetLine(f"{sector}{start} → {end}", _percent(target.rate.rate), _percent(target.share),
                                target.rate.base, target.rate.reached, target.rate.missing))
    return lines


def targets_table(*, cycle: Cycle, level) -> Table:
    """Each target's rate beside its minimum share (seeds/002: the share of organizations to upgrade)."""
    rows = [[line.name, line.rate, line.share, line.base, line.reached, line.result]
            for line in target_lines(cycle=cycle, level=level)]
    return Table("targets", _("Rates against targets"), [
        _("Target"), _("Rate (%)"), _("Minimum share (%)"), _("Organizations at the origin"), _("Reached the goal"),
        _("Result")], rows)


def transitions_table(*, cycle: Cycle, level) -> Table:
    """The grade → grade matrix: the start of the year's grade (rows) to the acceptance's (columns)."""
    matrix = acceptance_selectors.transition_matrix(cycle=cycle, organization=level, kind="grade")
    rows = [[acceptance_selectors.label(row), *[matrix.count(row, column) for column in matrix.columns]]
            for row in matrix.rows]
    return Table("transitions", _("Transitions: start of the year → acceptance"), [
        _("At the start of the year"), *[acceptance_selectors.label(column) for column in matrix.columns]], rows)


CHARTS = ("progress", "grades", "rectification", "pledges", "targets", "transitions", "years")


def chart_table(*, user, cycle: Cycle, level, chart: str, today: datetime.date, figures: dict | None = None) -> Table:
    """One dashboard chart's table (``chart`` one of CHARTS)."""
    if chart == "years":
        return years_table(user=user, cycle=cycle, level=level)
    if chart == "targets":
        return targets_table(cycle=cycle, level=level)
    if chart == "transitions":
        return transitions_table(cycle=cycle, level=level)
    figures = figures or level_figures(cycle=cycle, level=level, today=today)
    if chart == "progress":
        return progress_table(cycle, figures)
    if chart == "grades":
        return grades_table(figures)
    if chart == "rectification":
        return rectification_table(figures)
    return pledges_table(figures)


def dashboard_tables(*, user, cycle: Cycle, level, today: datetime.date) -> tuple[dict, list[Table]]:
    """The level's figures and every chart's table, the figures read once."""
    figures = level_figures(cycle=cycle, level=level, today=today)
    return figures, [chart_table(user=user, cycle=cycle, level=level, chart=chart, today=today, figures=figures)
                     for chart in CHARTS]


def summary_tables(cycle: Cycle, figures: dict) -> list[Table]:
    """The tables of a year summary, from its figures (frozen ones once submitted)."""
    return [progress_table(cycle, figures), grades_table(figures), rectification_table(figures),
            pledges_table(figures)]


def summary_of(*, cycle: Cycle, level) -> YearSummary | None:
    return YearSummary.objects.filter(cycle=cycle, organization=level).first()


def summary_figures(*, summary: YearSummary | None, cycle: Cycle, level, today: datetime.date) -> dict:
    """The figures a summary shows: frozen at its submission, current while it is written."""
    if summary is not None and summary.figures:
        return summary.figures
    return level_figures(cycle=cycle, level=level, today=today)


def reports_of(summary: YearSummary | None) -> list[SecretaryReport]:
    return list(summary.reports.all()) if summary is not None else []


def summaries_below(*, cycle: Cycle, level) -> list[tuple]:
    """The level's direct subordinates that have children (the levels that write a summary), each with its
    summary or None: what the superior receives."""
    subordinates = list(Organization.objects.filter(parent=level, dissolved_on__isnull=True, children_count__gt=0)
                        .order_by("code"))
    summaries = {s.organization_id: s for s in YearSummary.objects.filter(
        cycle=cycle, organization__in=subordinates)}
    return [(organization, summaries.get(organization.pk)) for organization in subordinates]


def shortlist_of(*, cycle: Cycle, level) -> Shortlist | None:
    return Shortlist.objects.filter(cycle=cycle, organization=level).first()


def candidates_of(shortlist: Shortlist | None) -> list[Candidate]:
    if shortlist is None:
        return []
    return list(shortlist.candidates.select_related("organization"))


def subtree_q(level, prefix: str = "organization__") -> Q:
    return Q(**{f"{prefix}path__gt": level.path, f"{prefix}path__lt": paths.successor(level.path)})


def _labels() -> dict[str, str]:
    return {**{code: str(label) for code, label in Grade.choices},
            **{code: str(label) for code, label in PledgeResult.choices}}


@dataclass
class CandidateRow:
    candidate: Candidate
    reasons: list[str]


def candidate_rows(shortlist: Shortlist | None) -> list[CandidateRow]:
    """The shortlist's candidates with their reasons in words: the rules met, or the level's reason."""
    labels = _labels()
    rows = []
    for candidate in candidates_of(shortlist):
        reasons = [rules.describe(reason, labels) for reason in candidate.reasons]
        if candidate.added_reason:
            reasons.append(candidate.added_reason)
        rows.append(CandidateRow(candidate, reasons))
    return rows


def rule_lines(rule_list: list[dict]) -> list[str]:
    """The rules in words, as they propose."""
    labels = _labels()
    lines = []
    for rule in rule_list:
        kind = rule.get("rule")
        if kind == "top_grade_years":
            lines.append(_("In the top grade (先进, 好 or above) %(years)d years running") % {"years": rule["years"]})
        elif kind == "target_met":
            lines.append(_("Reached its plan's target grade"))
        elif kind == "pledge_result":
            lines.append(_("Its pledge rated %(results)s") % {
                "results": "、".join(labels.get(r, r) for r in rule.get("results", []))})
        else:
            lines.append(rules.describe(rule, labels))
    return lines


def shortlist_table(shortlist: Shortlist | None, *, title: str) -> Table:
    rows = []
    for number, row in enumerate(candidate_rows(shortlist), start=1):
        candidate = row.candidate
        rows.append([number, candidate.organization.name, candidate.organization.code,
                     str(candidate.get_source_display()), "；".join(row.reasons),
                     _("Removed: %(reason)s") % {"reason": candidate.removed_reason} if candidate.removed
                     else _("On the shortlist")])
    return Table("shortlist", title, [_("No."), _("Organization"), _("Code"), _("Proposed by"), _("Reasons"),
                                      _("State")], rows)
