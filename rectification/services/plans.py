"""The plan and its review (两定两诺两审, seeds/001): drafting problems and measures, submitting, the
superior's review measure by measure, approval (one plan or a whole level at once), and revisions.

Every service runs in one transaction, locks the plan it changes, keeps the level tallies current and
writes its audit event. Refusals are ValidationError (naming the field) or PermissionDenied; nothing
partial is saved.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import audit_record, audit_record_many
from core.versions import refuse_if_newer
from cycles.models import Cycle
from orgs import access as org_access
from orgs import paths
from orgs.models import Organization
from rectification import access, rules, tallies
from rectification.choices import (
    EDITABLE_PLAN_STATES,
    MeasureKind,
    MeasureReview,
    PlanState,
    ProblemSource,
    SupporterKind,
)
from rectification.models import Measure, Plan, PlanVersion, Problem, RectificationSettings, Supporter
from rectification.services.common import (
    check_editable,
    grading_grade,
    locked_plan,
    measure_keys,
    plan_state_saved,
    refuse,
    settings_of,
)
from standards.choices import Grade
from standards.models import Deduction, VetoMark

MEASURE_FIELDS = ("text", "kind", "responsible_person", "deadline", "expected_result", "assisting_unit",
                  "liaison_leader", "resident_cadre")
PROBLEM_FIELDS = ("title", "description", "causes", "source")


# Settings and supporters ------------------------------------------------------------------------


@transaction.atomic
def rectification_settings_update(*, actor, cycle: Cycle, reason: str = "", **values) -> RectificationSettings:
    """The cycle's owner sets the problems required per branch and the rectification dates."""
    cycle = Cycle.objects.select_for_update(of=("self",)).select_related("owner").get(pk=cycle.pk)
    org_access.check(actor, cycle.owner, org_access.MANAGE)
    current = settings_of(cycle)
    names = ("min_problems", "committee_plan_due", "plan_due", "midyear_due", "ends_on")
    unknown = set(values) - set(names)
    if unknown:
        refuse(sorted(unknown)[0], _("This field cannot be changed here."))
    before = {name: str(getattr(current, name)) for name in names}
    for name, value in values.items():
        setattr(current, name, value)
    if not isinstance(current.min_problems, int) or not 0 <= current.min_problems <= 20:
        refuse("min_problems", _("Problems required per branch: enter a whole number from 0 to 20."))
    for name in names[1:]:
        if not isinstance(getattr(current, name), datetime.date):
            refuse(name, _("%(field)s: enter a date (YYYY-MM-DD).") % {
                "field": RectificationSettings._meta.get_field(name).verbose_name})
    if current.ends_on < current.midyear_due:
        refuse("ends_on", _("Rectification ends: the last day cannot come before the mid-year check."))
    after = {name: str(getattr(current, name)) for name in names}
    if after == before and current.pk:
        return current
    current.save()
    audit_record(actor=actor, obj=cycle, organization=cycle.owner, action="rectification.settings",
                 before=before, after=after, reason=reason)
    return current


@transaction.atomic
def supporter_create(*, actor, owner: Organization, kind: str, name: str, post: str = "") -> Supporter:
    """Name an assisting unit, a liaison leader or a resident cadre once, for the measures of the owner's
    subtree; naming the same one again returns it."""
    org_access.check(actor, owner, org_access.EDIT_FACTS)
    if kind not in SupporterKind.values:
        refuse("kind", _("Kind: choose an assisting unit, a liaison leader or a resident cadre."))
    name = (name or "").strip()
    if not name:
        refuse("name", _("%(kind)s: please give the name.") % {"kind": SupporterKind(kind).label})
    if len(name) > 100:
        refuse("name", _("%(kind)s: at most 100 characters.") % {"kind": SupporterKind(kind).label})
    supporter, created = Supporter.objects.get_or_create(owner=owner, kind=kind, name=name,
                                                         defaults={"post": (post or "").strip()[:100],
                                                                   "created_by": actor})
    if created:
        audit_record(actor=actor, obj=supporter, organization=owner, action="supporter.create",
                     after={"kind": kind, "name": name, "post": supporter.post})
    return supporter


# The plan ---------------------------------------------------------------------------------------


def _check_in_cycle(cycle: Cycle, organization: Organization) -> None:
    if organization.pk == cycle.owner_id or not organization.path.startswith(cycle.owner.path):
        raise Http404


@transaction.atomic
def plan_ensure(*, actor, cycle: Cycle, organization: Organization) -> Plan:
    """The organization's plan in the cycle, drafted now if it has none; its current grade is the one the
    cycle's grading gave it."""
    organization = Organization.objects.get(pk=organization.pk)  # its counts as they are now
    _check_in_cycle(cycle, organization)
    access.require(actor, org_access.can_edit_facts(actor, organization), organization)
    return plan_get_or_create(actor=actor, cycle=cycle, organization=organization)


def plan_get_or_create(*, actor, cycle: Cycle, organization: Organization) -> Plan:
    """The organization's plan in the cycle, drafted now if it has none, for a caller that has checked the
    actor's right (plan_ensure; a superior's order from a spot check)."""
    _check_in_cycle(cycle, organization)
    plan = Plan.objects.filter(cycle=cycle, organization=organization).first()
    if plan is not None:
        return plan
    plan, created = Plan.objects.get_or_create(cycle=cycle, organization=organization,
                                               defaults={"current_grade": grading_grade(cycle, organization)})
    if created:
        if organization.children_count:
            plan.overall_targets = [dict(target) for target in rules.DEFAULT_OVERALL_TARGETS]
            plan.save(update_fields=["overall_targets"])
        tallies.apply(cycle=cycle, changes=[(organization.path, set(), tallies.plan_keys(state=plan.state))])
        audit_record(actor=actor, obj=plan, organization=organization, action="plan.create",
                     after={"state": plan.state, "current_grade": plan.current_grade})
    return Plan.objects.select_related("cycle__owner", "organization__parent").get(pk=plan.pk)


def _clean_targets(overall_targets) -> list[dict]:
    cleaned = []
    for number, target in enumerate(overall_targets or [], 1):
        try:
            share = Decimal(str(target.get("share", "")))
        except (InvalidOperation, AttributeError):
            share = None
        if not isinstance(target, dict) or target.get("from") not in Grade.values or target.get("to") not in Grade.values:
            refuse("overall_targets", _("Overall targets, line %(n)d: choose the grade from and the grade to.") % {
                "n": number})
        if share is None or not Decimal(0) < share <= Decimal(1):
            refuse("overall_targets", _("Overall targets, line %(n)d: the share is a percentage above 0 and at most "
                                        "100.") % {"n": number})
        if target["to"] == target["from"] or target["to"] not in rules.targets_for(target["from"]):
            refuse("overall_targets", _("Overall targets, line %(n)d: %(to)s is not above %(from)s.") % {
                "n": number, "to": Grade(target["to"]).label, "from": Grade(target["from"]).label})
        cleaned.append({"from": target["from"], "to": target["to"], "share": str(share)})
    return cleaned


def _check_target(plan: Plan, target_grade: str) -> None:
    if target_grade and target_grade not in Grade.values:
        refuse("target_grade", _("Target grade: %(value)s is not a grade.") % {"value": target_grade})
    if rules.target_below_current(current=plan.current_grade, target=target_grade):
        refuse("target_grade", _("Target grade: %(target)s is below the current grade %(current)s; aim at least at "
                                 "the grade held now.") % {"target": Grade(target_grade).label,
                                                           "current": Grade(plan.current_grade).label})


@transaction.atomic
def plan_update(*, actor, plan: Plan, target_grade: str | None = None, target_stars: int | None = None,
                overall_targets: list[dict] | None = None, version: str | None = None) -> Plan:
    """The plan's targets: its target grade and stars; a committee's overall targets over its subordinates.
    ``version`` is the one the targets form was read at (core.versions)."""
    plan = locked_plan(plan)
    access.require(actor, access.can_edit(actor, plan), plan.organization)
    check_editable(plan)
    refuse_if_newer(plan, version, {name: value for name, value in (("target_grade", target_grade),
                                                                    ("target_stars", target_stars))
                                    if value is not None})
    changes = {}
    if target_grade is not None:
        _check_target(plan, target_grade)
        changes["target_grade"] = target_grade
    if target_stars is not None:
        if not isinstance(target_stars, int) or not 0 <= target_stars <= 5:
            refuse("target_stars", _("Target stars: enter a whole number from 0 to 5."))
        changes["target_stars"] = target_stars
    if overall_targets is not None:
        changes["overall_targets"] = _clean_targets(overall_targets)
    changes = {name: value for name, value in changes.items() if getattr(plan, name) != value}
    if not changes:
        return plan
    before = {name: getattr(plan, name) for name in changes}
    for name, value in changes.items():
        setattr(plan, name, value)
    plan.save(update_fields=[*changes, "updated_at"])
    audit_record(actor=actor, obj=plan, organization=plan.organization, action="plan.update", before=before,
                 after=changes)
    return plan


# Problems ---------------------------------------------------------------------------------------


def _problem_values(values: dict) -> dict:
    cleaned = {name: (values.get(name) or "").strip() for name in ("title", "description", "causes")}
    cleaned["source"] = values.get("source") or ProblemSource.OTHER
    if not cleaned["title"]:
        refuse("title", _("Problem: please say in a few words what the problem is."))
    if len(cleaned["title"]) > 200:
        refuse("title", _("Problem: at most 200 characters; put the details under what is wrong."))
    if cleaned["source"] not in ProblemSource.values:
        refuse("source", _("Found through: choose where the problem was found."))
    return cleaned


def _link_of(plan: Plan, deduction: Deduction | None, veto_mark: VetoMark | None) -> dict:
    for link, name in ((deduction, "deduction"), (veto_mark, "veto_mark")):
        if link is not None and link.sheet.organization_id != plan.organization_id:
            refuse(name, _("This score sheet is not %(name)s's.") % {"name": plan.organization.name})
    return {"deduction": deduction, "veto_mark": veto_mark}


@transaction.atomic
def problem_add(*, actor, plan: Plan, title: str, description: str = "", causes: str = "",
                source: str = ProblemSource.OTHER, deduction: Deduction | None = None,
                veto_mark: VetoMark | None = None) -> Problem:
    """File a problem (问题档案) in the plan."""
    plan = locked_plan(plan)
    access.require(actor, access.can_edit(actor, plan), plan.organization)
    check_editable(plan)
    values = _problem_values({"title": title, "description": description, "causes": causes, "source": source})
    links = _link_of(plan, deduction, veto_mark)
    position = (plan.problems.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    problem = Problem.objects.create(plan=plan, position=position, created_by=actor, **values, **links)
    audit_record(actor=actor, obj=problem, organization=plan.organization, action="problem.add",
                 after={"title": problem.title, "source": problem.source})
    return problem


def deduction_problem_text(deduction: Deduction) -> dict:
    """A problem's words from a deduction: the item's scoring point as the problem, the reason as what is wrong."""
    item = deduction.item
    return {"title": f"{item.indicator.name}：{item.text}"[:200], "description": deduction.reason,
            "source": ProblemSource.DEDUCTION}


@transaction.atomic
def problem_from_deduction(*, actor, cycle: Cycle, deduction: Deduction) -> Problem:
    """One click from a deduction of the organization's score sheet to a problem linked to it (once)."""
    organization = deduction.sheet.organization
    plan = plan_ensure(actor=actor, cycle=cycle, organization=organization)
    existing = plan.problems.filter(deduction=deduction).first()
    if existing is not None:
        return existing
    return problem_add(actor=actor, plan=plan, deduction=deduction, **deduction_problem_text(deduction))


@transaction.atomic
def problem_from_veto(*, actor, cycle: Cycle, veto_mark: VetoMark) -> Problem:
    organization = veto_mark.sheet.organization
    plan = plan_ensure(actor=actor, cycle=cycle, organization=organization)
    existing = plan.problems.filter(veto_mark=veto_mark).first()
    if existing is not None:
        return existing
    return problem_add(actor=actor, plan=plan, title=veto_mark.clause.text[:200], description=veto_mark.evidence,
                       source=ProblemSource.VETO, veto_mark=veto_mark)


@transaction.atomic
def problem_update(*, actor, problem: Problem, **values) -> Problem:
    plan = locked_plan(problem.plan)
    access.require(actor, access.can_edit(actor, plan), plan.organization)
    check_editable(plan)
    problem = Problem.objects.get(pk=problem.pk)
    merged = {name: values.get(name, getattr(problem, name)) for name in PROBLEM_FIELDS}
    cleaned = _problem_values(merged)
    changes = {name: value for name, value in cleaned.items() if getattr(problem, name) != value}
    if not changes:
        return problem
    before = {name: getattr(problem, name) for name in changes}
    for name, value in changes.items():
        setattr(problem, name, value)
    problem.save(update_fields=list(changes))
    audit_record(actor=actor, obj=problem, organization=plan.organization, action="problem.update", before=before,
                 after=changes)
    return problem


@transaction.atomic
def problem_delete(*, actor, problem: Problem) -> None:
    plan = locked_plan(problem.plan)
    access.require(actor, access.can_edit(actor, plan), plan.organization)
    check_editable(plan)
    measures = list(problem.measures.all())
    tallies.apply(cycle=plan.cycle, changes=[(plan.organization.path, measure_keys(m), set()) for m in measures])
    audit_record(actor=actor, obj=problem, organization=plan.organization, action="problem.delete",
                 before={"title": problem.title}, after=None)
    problem.delete()


# Measures ---------------------------------------------------------------------------------------


def _supporter(actor, plan: Plan, value, kind: str, field: str) -> Supporter | None:
    """A supporter chosen by id (or a Supporter), or named by text: named once at the plan's organization's
    superior, so that its sibling branches reuse the same record."""
    if value in (None, ""):
        return None
    if isinstance(value, Supporter):
        supporter = value
    elif isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        try:
            supporter = access.get_supporter_for(actor, value)
        except Http404:
            refuse(field, _("%(kind)s: not found.") % {"kind": SupporterKind(kind).label})
    else:
        owner = plan.organization.parent if plan.organization.parent and org_access.can_edit_facts(
            actor, plan.organization.parent) else plan.organization
        existing = Supporter.objects.filter(kind=kind, name=str(value).strip(), owner_id__in=[
            *paths.ancestor_ids(plan.organization.path), plan.organization.pk]).order_by("-owner__depth").first()
        supporter = existing or supporter_create(actor=actor, owner=owner, kind=kind, name=str(value))
    if supporter.kind != kind:
        refuse(field, _("%(name)s is not a %(kind)s.") % {"name": supporter.name, "kind": SupporterKind(kind).label})
    if not plan.organization.path.startswith(supporter.owner.path):
        refuse(field, _("%(name)s was named by %(owner)s, outside %(org)s.") % {
            "name": supporter.name, "owner": supporter.owner.name, "org": plan.organization.name})
    return supporter


def _measure_values(actor, plan: Plan, values: dict) -> dict:
    """The measure's fields, checked: each refusal names its field."""
    cleaned = {
        "text": (values.get("text") or "").strip(),
        "kind": values.get("kind") or MeasureKind.PLANNED,
        "responsible_person": (values.get("responsible_person") or "").strip(),
        "expected_result": (values.get("expected_result") or "").strip(),
    }
    errors = {}
    if not cleaned["text"]:
        errors["text"] = _("Measure: please say what will be done.")
    if cleaned["kind"] not in MeasureKind.values:
        errors["kind"] = _("Kind of measure: choose solved at once, by a deadline, or needs the superior.")
    if not cleaned["responsible_person"]:
        errors["responsible_person"] = _("Responsible person: please name who answers for this measure.")
    elif len(cleaned["responsible_person"]) > 64:
        errors["responsible_person"] = _("Responsible person: at most 64 characters.")
    deadline = values.get("deadline")
    if isinstance(deadline, str) and deadline:
        try:
            deadline = datetime.date.fromisoformat(deadline)
        except ValueError:
            errors["deadline"] = _("Deadline: %(value)s is not a date (YYYY-MM-DD).") % {"value": deadline}
            deadline = None
    if not deadline and "deadline" not in errors:
        errors["deadline"] = _("Deadline: please give the day by which the measure is done.")
    elif isinstance(deadline, datetime.date):
        ends_on = settings_of(plan.cycle).ends_on
        if deadline > ends_on:
            errors["deadline"] = _("Deadline: %(date)s is after the end of the year's rectification (%(end)s).") % {
                "date": deadline.isoformat(), "end": ends_on.isoformat()}
        elif deadline.year < plan.cycle.year:
            errors["deadline"] = _("Deadline: %(date)s is before the cycle's year %(year)d.") % {
                "date": deadline.isoformat(), "year": plan.cycle.year}
    if errors:
        raise ValidationError(errors)
    cleaned["deadline"] = deadline
    for name, kind in (("assisting_unit", SupporterKind.UNIT), ("liaison_leader", SupporterKind.LEADER),
                       ("resident_cadre", SupporterKind.CADRE)):
        cleaned[name] = _supporter(actor, plan, values.get(name), kind, name)
    return cleaned


def _measure_audit(values: dict) -> dict:
    return {name: (value.isoformat() if isinstance(value, datetime.date) else
                   (value.pk if isinstance(value, Supporter) else value)) for name, value in values.items()}


@transaction.atomic
def measure_add(*, actor, problem: Problem, **values) -> Measure:
    """A measure for a problem: what will be done, its kind, responsible person and deadline (required),
    expected result, assisting unit, liaison leader and resident cadre."""
    plan = locked_plan(problem.plan)
    access.require(actor, access.can_edit(actor, plan), plan.organization)
    check_editable(plan)
    cleaned = _measure_values(actor, plan, values)
    position = (problem.measures.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    measure = Measure.objects.create(plan=plan, problem=problem, position=position, **cleaned)
    tallies.apply(cycle=plan.cycle, changes=[(plan.organization.path, set(), measure_keys(measure))])
    audit_record(actor=actor, obj=measure, organization=plan.organization, action="measure.add",
                 after=_measure_audit(cleaned))
    return measure


@transaction.atomic
def measure_update(*, actor, measure: Measure, version: str | None = None, **values) -> Measure:
    """Change a measure of a plan being drafted or returned; a returned measure, once changed, waits for review
    again. ``version`` is the one the edit form was read at (core.versions)."""
    plan = locked_plan(measure.plan)
    access.require(actor, access.can_edit(actor, plan), plan.organization)
    check_editable(plan)
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    merged = {name: values.get(name, getattr(measure, name)) for name in MEASURE_FIELDS}
    cleaned = _measure_values(actor, plan, merged)
    refuse_if_newer(measure, version, {name: cleaned[name] for name in values if name in cleaned})
    changes = {name: value for name, value in cleaned.items() if getattr(measure, name) != value}
    if not changes:
        return measure
    before_keys = measure_keys(measure)
    before = _measure_audit({name: getattr(measure, name) for name in changes})
    for name, value in changes.items():
        setattr(measure, name, value)
    fields = list(changes)
    if measure.review == MeasureReview.RETURNED:
        measure.review = MeasureReview.PENDING
        fields.append("review")
    measure.save(update_fields=[*fields, "updated_at"])
    tallies.apply(cycle=plan.cycle, changes=[(plan.organization.path, before_keys, measure_keys(measure))])
    audit_record(actor=actor, obj=measure, organization=plan.organization, action="measure.update", before=before,
                 after=_measure_audit(changes))
    return measure


@transaction.atomic
def measure_delete(*, actor, measure: Measure) -> None:
    plan = locked_plan(measure.plan)
    access.require(actor, access.can_edit(actor, plan), plan.organization)
    check_editable(plan)
    measure = Measure.objects.get(pk=measure.pk)
    tallies.apply(cycle=plan.cycle, changes=[(plan.organization.path, measure_keys(measure), set())])
    audit_record(actor=actor, obj=measure, organization=plan.organization, action="measure.delete",
                 before={"text": measure.text}, after=None)
    measure.delete()


@transaction.atomic
def plan_file(*, actor, cycle: Cycle, organization: Organization, target_grade: str = "", target_stars=None,
              problems: list[dict]) -> Plan:
    """File problems with their measures in one go (the secretary's one page, the API, an import): each
    problem a dict of its fields with ``measures``, a list of the measures' fields. All or nothing: one
    refused field refuses the whole, named with its problem and measure."""
    plan = plan_ensure(actor=actor, cycle=cycle, organization=organization)
    if target_grade or target_stars is not None:
        plan = plan_update(actor=actor, plan=plan, target_grade=target_grade or None, target_stars=target_stars)
    for number, values in enumerate(problems, 1):
        try:
            problem = problem_add(actor=actor, plan=plan, **{name: values[name] for name in PROBLEM_FIELDS
                                                               if name in values})
            measures = values.get("measures") or []
            if not measures:
                refuse("measures", _("Give at least one measure."))
            for measure_number, measure in enumerate(measures, 1):
                try:
                    measure_add(actor=actor, problem=problem, **{name: measure.get(name) for name in MEASURE_FIELDS})
                except ValidationError as error:
                    raise ValidationError({field: [_("Measure %(n)d: %(message)s") % {"n": measure_number,
                                                                                      "message": message}
                                                   for message in messages]
                                           for field, messages in error.message_dict.items()}) from None
        except ValidationError as error:
            raise ValidationError({field: [_("Problem %(n)d: %(message)s") % {"n": number, "message": message}
                                           for message in messages]
                                   for field, messages in error.message_dict.items()}) from None
    return plan


# Review -----------------------------------------------------------------------------------------


def _is_branch(organization: Organization) -> bool:
    """A plan over subordinates is a committee's (晋位方案); any other is a branch's (升级办法)."""
    return not organization.children_count


def _submit_problems(plan: Plan) -> list[str]:
    """Why the plan cannot be submitted yet, each naming what to fix."""
    found = []
    settings = settings_of(plan.cycle)
    problems = list(plan.problems.all())
    measures = list(plan.measures.all())
    if _is_branch(plan.organization):
        if len(problems) < settings.min_problems:
            found.append(("problems", _("Problems: %(count)d filed, at least %(min)d are required (问题档案).") % {
                "count": len(problems), "min": settings.min_problems}))
        if not plan.target_grade:
            found.append(("target_grade", _("Target grade: please choose the grade the organization aims at.")))
    elif not plan.overall_targets:
        found.append(("overall_targets", _("Overall targets: a committee's plan commits to overall targets over its "
                                           "subordinates; give at least one.")))
    with_measures = {m.problem_id for m in measures}
    for problem in problems:
        if problem.pk not in with_measures:
            found.append(("measures", _("Problem %(title)s has no measure yet.") % {"title": problem.title}))
    for measure in measures:
        if measure.review == MeasureReview.RETURNED:
            found.append(("measures", _("Measure %(action)s was returned (%(why)s) and is not changed yet.") % {
                "action": measure.text[:30], "why": measure.review_note}))
    if rules.target_below_current(current=plan.current_grade, target=plan.target_grade):
        found.append(("target_grade", _("Target grade: %(target)s is below the current grade %(current)s.") % {
            "target": Grade(plan.target_grade).label, "current": Grade(plan.current_grade).label}))
    return found


@transaction.atomic
def plan_submit(*, actor, plan: Plan) -> Plan:
    """两诺: the organization submits its plan to its direct superior."""
    plan = locked_plan(plan)
    access.require(actor, access.can_edit(actor, plan), plan.organization)
    if plan.state not in EDITABLE_PLAN_STATES:
        refuse("state", _("The plan of %(name)s is %(state)s; it cannot be submitted now.") % {
            "name": plan.organization.name, "state": plan.get_state_display()})
    grade = grading_grade(plan.cycle, plan.organization)
    if grade and grade != plan.current_grade:
        plan.current_grade = grade
    problems = _submit_problems(plan)
    if problems:
        errors: dict[str, list[str]] = {}
        for field, message in problems:
            errors.setdefault(field, []).append(message)
        raise ValidationError(errors)
    before = plan.state
    plan.state, plan.return_reason = PlanState.SUBMITTED, ""
    plan.submitted_by, plan.submitted_at = actor, timezone.now()
    return plan_state_saved(actor=actor, plan=plan, before_state=before, action="plan.submit",
                            fields=["state", "return_reason", "submitted_by", "submitted_at", "current_grade"])


def _check_reviewable(plan: Plan) -> None:
    if plan.state == PlanState.APPROVED:
        refuse("state", _("The plan of %(name)s was already approved by %(user)s at %(time)s.") % {
            "name": plan.organization.name, "user": plan.approved_by.get_username() if plan.approved_by else "—",
            "time": timezone.localtime(plan.approved_at).strftime("%Y-%m-%d %H:%M")})
    if plan.state != PlanState.SUBMITTED:
        refuse("state", _("The plan of %(name)s is %(state)s; only a submitted plan is reviewed.") % {
            "name": plan.organization.name, "state": plan.get_state_display()})


@transaction.atomic
def plan_return(*, actor, plan: Plan, reasons: dict | None = None, reason: str = "") -> Plan:
    """分类指导: the superior returns the plan, with a reason on each measure that is not feasible, timely or
    specific (the others stand accepted), and/or a reason about the plan as a whole."""
    plan = locked_plan(plan)
    access.require(actor, access.can_review(actor, plan), plan.organization)
    _check_reviewable(plan)
    reasons = {int(pk): text.strip() for pk, text in (reasons or {}).items() if text and str(text).strip()}
    if not reasons and not (reason or "").strip():
        refuse("reasons", _("Reasons: say which measures need work and why, or what the plan as a whole lacks."))
    measures = {m.pk: m for m in plan.measures.select_for_update()}
    if set(reasons) - set(measures):
        refuse("reasons", _("Reasons: some of the measures named are not in this plan."))
    for pk, measure in measures.items():
        if pk in reasons:
            measure.review, measure.review_note = MeasureReview.RETURNED, reasons[pk]
        else:
            measure.review, measure.review_note = MeasureReview.ACCEPTED, ""
    Measure.objects.bulk_update(measures.values(), ["review", "review_note"])
    before = plan.state
    lines = [(reason or "").strip()] if (reason or "").strip() else []
    lines += [f"{measures[pk].text[:30]}：{text}" for pk, text in reasons.items()]
    plan.state, plan.return_reason = PlanState.RETURNED, "；".join(lines)
    return plan_state_saved(actor=actor, plan=plan, before_state=before, action="plan.return",
                            fields=["state", "return_reason"], reason=plan.return_reason)


def plan_contents(plan_ids: list[int]) -> dict[int, dict]:
    """Each plan as approved — its targets, problems and measures as plain data kept in its version — in three
    queries however many plans."""
    measures: dict[int, list] = {}
    for m in Measure.objects.filter(plan_id__in=plan_ids).select_related(
            "assisting_unit", "liaison_leader", "resident_cadre").order_by("position", "pk"):
        measures.setdefault(m.problem_id, []).append({
            "id": m.pk, "text": m.text, "kind": m.kind, "responsible_person": m.responsible_person,
            "deadline": m.deadline.isoformat(), "expected_result": m.expected_result,
            "assisting_unit": str(m.assisting_unit or ""), "liaison_leader": str(m.liaison_leader or ""),
            "resident_cadre": str(m.resident_cadre or "")})
    problems: dict[int, list] = {}
    for p in Problem.objects.filter(plan_id__in=plan_ids):
        problems.setdefault(p.plan_id, []).append({"title": p.title, "description": p.description, "causes": p.causes,
                                                   "source": p.source, "measures": measures.get(p.pk, [])})
    return {plan.pk: {"version": plan.version, "current_grade": plan.current_grade, "target_grade": plan.target_grade,
                      "target_stars": plan.target_stars, "overall_targets": plan.overall_targets,
                      "problems": problems.get(plan.pk, [])}
            for plan in Plan.objects.filter(pk__in=plan_ids)}


def plan_content(plan: Plan) -> dict:
    return plan_contents([plan.pk])[plan.pk]


@transaction.atomic
def plan_approve(*, actor, plan: Plan) -> Plan:
    """两审: the superior approves the plan; it is locked, and its content kept as the approved version."""
    plan = locked_plan(plan)
    access.require(actor, access.can_review(actor, plan), plan.organization)
    _check_reviewable(plan)
    plan.measures.update(review=MeasureReview.ACCEPTED, review_note="")
    before = plan.state
    plan.state, plan.return_reason = PlanState.APPROVED, ""
    plan.approved_by, plan.approved_at = actor, timezone.now()
    PlanVersion.objects.create(plan=plan, version=plan.version, content=plan_content(plan), approved_by=actor,
                               approved_at=plan.approved_at)
    return plan_state_saved(actor=actor, plan=plan, before_state=before, action="plan.approve",
                            fields=["state", "return_reason", "approved_by", "approved_at"],
                            after={"version": plan.version})


@transaction.atomic
def plan_approve_many(*, actor, cycle: Cycle, level: Organization, plan_ids: list[int] | None = None) -> int:
    """Approve the submitted plans of a level's direct subordinates at once (all of them, or those named):
    a few statements however many, with their versions, tallies and audit events."""
    access.require(actor, org_access.can_decide_below(actor, level), level)
    plans = Plan.objects.select_for_update(of=("self",)).filter(
        cycle=cycle, organization__parent=level, state=PlanState.SUBMITTED).select_related("organization")
    if plan_ids is not None:
        plans = plans.filter(pk__in=plan_ids)
    plans = list(plans)
    if not plans:
        return 0
    now = timezone.now()
    ids = [plan.pk for plan in plans]
    Measure.objects.filter(plan_id__in=ids).update(review=MeasureReview.ACCEPTED, review_note="")
    Plan.objects.filter(pk__in=ids).update(state=PlanState.APPROVED, return_reason="", approved_by=actor,
                                           approved_at=now, updated_at=now)
    contents = plan_contents(ids)
    versions = []
    for plan in plans:
        plan.state, plan.approved_by, plan.approved_at = PlanState.APPROVED, actor, now
        versions.append(PlanVersion(plan=plan, version=plan.version, content=contents[plan.pk], approved_by=actor,
                                    approved_at=now))
    PlanVersion.objects.bulk_create(versions, batch_size=500)
    tallies.apply(cycle=cycle, changes=[(plan.organization.path, tallies.plan_keys(state=PlanState.SUBMITTED),
                                         tallies.plan_keys(state=PlanState.APPROVED)) for plan in plans])
    audit_record_many(actor=actor, action="plan.approve", changes=[
        (plan, plan.organization, {"state": PlanState.SUBMITTED}, {"state": PlanState.APPROVED,
                                                                   "version": plan.version})
        for plan in plans])
    return len(plans)


@transaction.atomic
def plan_revise(*, actor, plan: Plan, reason: str) -> Plan:
    """Start a new version of an approved plan, to be reviewed again; the approved one stays shown and in
    force (its measures' progress goes on) until the new one is approved."""
    plan = locked_plan(plan)
    access.require(actor, access.can_edit(actor, plan), plan.organization)
    if plan.state != PlanState.APPROVED:
        refuse("state", _("Only an approved plan is revised; this one is %(state)s.") % {
            "state": plan.get_state_display()})
    if not (reason or "").strip():
        refuse("reason", _("Reason: please say why the approved plan changes."))
    before = plan.state
    plan.state, plan.version = PlanState.DRAFT, plan.version + 1
    return plan_state_saved(actor=actor, plan=plan, before_state=before, action="plan.revise",
                            fields=["state", "version"], reason=reason.strip(), after={"version": plan.version})
