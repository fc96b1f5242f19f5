"""The yearly cycle and the grading workflow: each transition is one service with its guards.

Every service runs in one transaction, locks the row it moves (so of two reviewers acting at
once exactly one wins and the other is told what happened), keeps the level tallies current,
and writes its audit event. Refusals are ValidationError or PermissionDenied with a Chinese
message; nothing partial is saved.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import audit_record
from cycles import access, selectors, tallies
from cycles.choices import (
    OWN_STEPS,
    PRESETS,
    REPORTED_LIST_STATES,
    SURVEY_QUESTIONS,
    GradingState,
    ListState,
    Step,
    SurveyRating,
)
from cycles.models import (
    Cycle,
    CycleAttachment,
    CycleStandard,
    DeadlineExtension,
    DepartmentInput,
    Grading,
    LevelList,
    StepRecord,
    SurveyAnswer,
)
from orgs import access as org_access
from orgs import paths
from orgs.models import Organization
from standards import defaults as standard_defaults
from standards import selectors as standard_selectors
from standards import services as standard_services
from standards.choices import AssessorKind, Grade
from standards.models import ScoreSheet, Standard
from standards.rules import QuotaRule, grade_for, quota_check, round_score, stars_for

VOTE_KEYS = ("agree", "disagree", "abstain")


def _contribution(grading: Grading) -> set:
    return tallies.contribution(state=grading.state, sector=grading.organization.sector,
                                final_grade=grading.final_grade, final_stars=grading.final_stars)


def _state(grading: Grading) -> dict:
    return {"state": grading.state, "declared_grade": grading.declared_grade, "final_grade": grading.final_grade,
            "final_stars": grading.final_stars}


def _locked(grading: Grading) -> Grading:
    return Grading.objects.select_for_update(of=("self",)).select_related("cycle__owner", "organization__parent").get(pk=grading.pk)


def _refuse(field: str, message: str) -> None:
    raise ValidationError({field: message})


def _save_transition(*, actor, grading: Grading, before_keys: set, before: dict, action: str, reason: str = "",
                     fields: list[str]) -> Grading:
    grading.save(update_fields=[*fields, "updated_at"])
    tallies.apply(cycle=grading.cycle, changes=[(grading.organization.path, before_keys, _contribution(grading))])
    audit_record(actor=actor, obj=grading, organization=grading.organization, action=action, before=before,
                 after=_state(grading), reason=reason)
    return grading


# Cycle ------------------------------------------------------------------------------------------


def _clean_dates(values: dict, allowed: set[str], field: str) -> dict[str, str]:
    cleaned = {}
    for key, value in (values or {}).items():
        if str(key) not in allowed:
            _refuse(field, _("%(key)s is not a step or level of this cycle.") % {"key": key})
        if value in (None, ""):
            continue
        try:
            cleaned[str(key)] = (value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))).isoformat()
        except ValueError:
            _refuse(field, _("%(key)s: %(value)s is not a date (YYYY-MM-DD).") % {"key": key, "value": value})
    return cleaned


def _check_deadlines_given(steps: list[str], deadlines: dict[str, str], lock_after_deadline: bool) -> None:
    """Every step of the chain needs its last day; with steps locked after it, a day already past would
    close the step before anyone could record it."""
    missing = [step for step in steps if step not in deadlines]
    if missing:
        _refuse("deadlines", _("Deadlines: give the last day of %(step)s (every step of the cycle needs one).") % {
            "step": Step(missing[0]).label})
    today = timezone.localdate()
    past = [step for step in steps if datetime.date.fromisoformat(deadlines[step]) < today]
    if lock_after_deadline and past:
        _refuse("deadlines", _("Deadlines: %(step)s's last day %(date)s has already passed, so the step would be "
                               "closed at once; choose a later day, or do not lock steps after their deadline.") % {
            "step": Step(past[0]).label, "date": deadlines[past[0]]})


def _carried_forward(*, actor, standard: Standard, year: int) -> Standard:
    """An earlier year's standard as a new version for ``year``, by the same issuer, with the same
    content and grade scheme (the new year starts from the last)."""
    if not org_access.can_manage(actor, standard.issuer):
        _refuse("standards", _("Standard %(name)s is %(issuer)s's, for %(standard_year)d: only %(issuer)s can make its "
                               "version for %(year)d; choose a standard of %(year)d.") % {
            "name": standard.name, "issuer": standard.issuer.name, "standard_year": standard.year, "year": year})
    name = standard.name.replace(str(standard.year), str(year)) if str(standard.year) in standard.name else standard.name
    return standard_services.standard_create(
        actor=actor, issuer=standard.issuer, sector=standard.sector, year=year, name=name,
        data=standard_selectors.standard_structure(standard=standard), scheme_key=standard.scheme,
        reason=_("Carried forward from %(year)d, version %(version)d.") % {"year": standard.year, "version": standard.version})


@transaction.atomic
def cycle_open(*, actor, owner: Organization, year: int, name: str, steps: list[str] | None = None,
               preset: str = "chenghua", deadlines: dict | None = None, list_deadlines: dict | None = None,
               standards: dict[str, Standard] | None = None, quotas: list[dict] | None = None, notice: str = "",
               survey_enabled: bool = False, lock_after_deadline: bool = True) -> Cycle:
    """Open the year's cycle for the owner's subtree: one grading per active organization below it.

    ``deadlines`` must give every step its last day (the open page and the API always pass them; only
    code loading past years, such as the demo, leaves them out). A standard of an earlier year is
    carried forward as a new version for this year. Each grading keeps the organization's final grade
    in the owner's previous cycle as its baseline.
    """
    owner = Organization.objects.select_for_update().get(pk=owner.pk)
    org_access.check(actor, owner, org_access.MANAGE)
    if preset not in PRESETS and steps is None:
        _refuse("preset", _("Steps: %(value)s is not a preset.") % {"value": preset})
    steps = list(steps if steps is not None else PRESETS[preset])
    if not steps or any(step not in Step.values for step in steps):
        _refuse("steps", _("Steps: choose among the grading steps."))
    steps = [step.value for step in Step if step.value in steps]  # the seeds' order, whatever order was given
    if Step.SUPERIOR_DECISION not in steps:
        _refuse("steps", _("Steps: the superior's determination cannot be left out."))
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        _refuse("year", _("Year: %(value)s is not a valid year.") % {"value": year})
    if not name.strip():
        _refuse("name", _("Name: please name the cycle."))
    if Cycle.objects.filter(owner=owner, year=year).exists():
        _refuse("year", _("Year: %(name)s already has a cycle for %(year)d.") % {"name": owner.name, "year": year})
    cleaned_deadlines = _clean_dates(deadlines, set(steps), "deadlines")
    if deadlines is not None:
        _check_deadlines_given(steps, cleaned_deadlines, lock_after_deadline)
    cleaned_lists = _clean_dates(list_deadlines, {str(n) for n in range(1, 12)}, "list_deadlines")
    standards = dict(standards or {})
    for sector, standard in standards.items():
        if standard.sector != sector or not owner.path.startswith(standard.issuer.path) and \
                not standard.issuer.path.startswith(owner.path):
            _refuse("standards", _("Standard %(name)s does not fit sector %(sector)s of this cycle.") % {
                "name": standard.name, "sector": sector})
        if standard.year > year:
            _refuse("standards", _("Standard %(name)s is for %(standard_year)d, after the cycle's year %(year)d.") % {
                "name": standard.name, "standard_year": standard.year, "year": year})
    for sector, standard in standards.items():
        if standard.year < year:
            standards[sector] = _carried_forward(actor=actor, standard=standard, year=year)
    cycle = Cycle.objects.create(
        owner=owner, year=year, name=name.strip(), steps=steps, deadlines=cleaned_deadlines, list_deadlines=cleaned_lists,
        quotas=quotas if quotas is not None else [
            {"grade": q.grade, "share": str(q.share), "at_most": q.at_most} for q in standard_defaults.QUOTAS["three_grades"]],
        notice=notice, survey_enabled=survey_enabled, lock_after_deadline=lock_after_deadline, opened_by=actor)
    CycleStandard.objects.bulk_create(CycleStandard(cycle=cycle, sector=s, standard=st) for s, st in standards.items())
    # A standard a cycle uses is frozen: changing it from now on makes a new version (standards.services).
    Standard.objects.filter(pk__in=[st.pk for st in standards.values()], frozen_at__isnull=True).update(
        frozen_at=timezone.now())
    previous = selectors.previous_cycle(owner=owner, year=year)
    _create_gradings(cycle, previous)
    audit_record(actor=actor, obj=cycle, organization=owner, action="cycle.open",
                 after={"year": year, "steps": steps, "deadlines": cleaned_deadlines,
                        "previous_cycle": previous.pk if previous else None})
    return cycle


def _keep_baselines(gradings, previous: Cycle) -> int:
    """Each grading's baseline: its organization's final grade and stars in the previous cycle."""
    last = Grading.objects.filter(cycle=previous, organization=OuterRef("organization"),
                                  state__in=[GradingState.DECIDED, GradingState.APPROVED])
    return gradings.filter(Exists(last)).update(
        baseline_cycle=previous, baseline_grade=Subquery(last.values("final_grade")[:1]),
        baseline_stars=Subquery(last.values("final_stars")[:1]))


def _create_gradings(cycle: Cycle, previous: Cycle | None) -> None:
    """One grading per active organization under the owner, with its baseline from the previous cycle, and
    the levels' first tallies: two statements, whatever the size of the tree."""
    q = connection.ops.quote_name
    org_table, grading_table = q(Organization._meta.db_table), q(Grading._meta.db_table)
    tally_table = q(tallies.Tally._meta.db_table)
    now = timezone.now()
    owner = cycle.owner

    low, high = owner.path, paths.successor(owner.path)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {grading_table} (cycle_id, organization_id, state, declared_grade, final_grade, decision_reason, "
            f"return_reason, baseline_cycle_id, baseline_grade, baseline_stars, updated_at) "
            f"SELECT %s, o.id, %s, '', '', '', '', last.cycle_id, COALESCE(last.final_grade, ''), last.final_stars, %s "
            f"FROM {org_table} o LEFT JOIN {grading_table} last ON last.organization_id = o.id AND last.cycle_id = %s "
            f"AND last.state IN (%s, %s) "
            f"WHERE o.path > %s AND o.path < %s AND o.dissolved_on IS NULL",
            [cycle.pk, GradingState.PREPARING, now, previous.pk if previous else None, GradingState.DECIDED,
             GradingState.APPROVED, low, high])
        # Every grading starts as "preparing": a level counts its active descendants, a kept-current column.
        cursor.execute(
            f"INSERT INTO {tally_table} (cycle_id, organization_id, dimension, {q('key')}, {q('count')}) "
            f"SELECT %s, id, %s, %s, descendants_count FROM {org_table} "
            f"WHERE path >= %s AND path < %s AND dissolved_on IS NULL AND descendants_count > 0",
            [cycle.pk, tallies.STATE, GradingState.PREPARING, low, high])


def grading_ensure(*, cycle: Cycle, organization: Organization) -> Grading:
    """The organization's grading in the cycle; one is added for an organization created after the cycle opened."""
    grading = Grading.objects.filter(cycle=cycle, organization=organization).first()
    if grading is not None:
        return grading
    if not access.in_cycle(cycle, organization) or organization.pk == cycle.owner_id:
        raise ValidationError({"organization": _("%(name)s is not graded in this cycle.") % {"name": organization.name}})
    with transaction.atomic():
        grading, created = Grading.objects.get_or_create(cycle=cycle, organization=organization)
        if created:
            tallies.apply(cycle=cycle, changes=[(organization.path, set(), _contribution(grading))])
            previous = selectors.previous_cycle(owner=cycle.owner, year=cycle.year)
            if previous is not None and _keep_baselines(Grading.objects.filter(pk=grading.pk), previous):
                grading.refresh_from_db()
    return grading


@transaction.atomic
def cycle_update(*, actor, cycle: Cycle, deadlines: dict | None = None, list_deadlines: dict | None = None,
                 notice: str | None = None, quotas: list[dict] | None = None, reason: str = "") -> Cycle:
    """Change a cycle's deadlines (for every organization), notice or quota rules. A changed deadline
    needs a reason; nothing is saved or recorded when nothing changes."""
    cycle = Cycle.objects.select_for_update(of=("self",)).select_related("owner").get(pk=cycle.pk)
    org_access.check(actor, cycle.owner, org_access.MANAGE)
    before = {"deadlines": cycle.deadlines, "list_deadlines": cycle.list_deadlines, "quotas": cycle.quotas,
              "notice": cycle.notice}
    changes = {}
    if deadlines is not None:
        changes["deadlines"] = _clean_dates(deadlines, set(cycle.steps), "deadlines")
        dropped = [step for step in cycle.steps if step in cycle.deadlines and step not in changes["deadlines"]]
        if dropped:
            _refuse("deadlines", _("Deadlines: %(step)s needs a last day; change it rather than clearing it.") % {
                "step": Step(dropped[0]).label})
    if list_deadlines is not None:
        changes["list_deadlines"] = _clean_dates(list_deadlines, {str(n) for n in range(1, 12)}, "list_deadlines")
    if notice is not None:
        changes["notice"] = notice
    if quotas is not None:
        changes["quotas"] = quotas
    changes = {name: value for name, value in changes.items() if before[name] != value}
    if not changes:
        return cycle
    if ({"deadlines", "list_deadlines"} & set(changes)) and not reason.strip():
        _refuse("reason", _("Reason for the change: a deadline changes for every organization; please say why."))
    for name, value in changes.items():
        setattr(cycle, name, value)
    cycle.save(update_fields=list(changes))
    audit_record(actor=actor, obj=cycle, organization=cycle.owner, action="cycle.update",
                 before={name: before[name] for name in changes}, after=changes, reason=reason.strip())
    return cycle


@transaction.atomic
def deadline_extend(*, actor, cycle: Cycle, organization: Organization, step: str, until: datetime.date,
                    reason: str) -> DeadlineExtension:
    """The cycle's owner gives one organization a later last day for one step, with a reason (the way
    out for a branch whose step has closed). Extending again replaces the day; the same day is a no-op."""
    cycle = Cycle.objects.select_for_update(of=("self",)).select_related("owner").get(pk=cycle.pk)
    if organization.pk == cycle.owner_id or not access.in_cycle(cycle, organization):
        raise Http404
    access.require(actor, org_access.can_manage(actor, cycle.owner), organization)
    if step not in cycle.steps:
        _refuse("step", _("Step: %(step)s is not a step of this cycle.") % {
            "step": Step(step).label if step in Step.values else step})
    if not isinstance(until, datetime.date):
        _refuse("until", _("Extended until: enter a date (YYYY-MM-DD)."))
    if until < timezone.localdate():
        _refuse("until", _("Extended until: %(date)s has already passed; choose today or a later day.") % {
            "date": until.isoformat()})
    deadline = selectors._deadline(cycle, step)
    if deadline and until <= deadline:
        _refuse("until", _("Extended until: the cycle's deadline for %(step)s is %(date)s already; choose a later day.") % {
            "step": Step(step).label, "date": deadline.isoformat()})
    if not (reason or "").strip():
        _refuse("reason", _("Reason for the extension: please say why %(name)s gets more time.") % {
            "name": organization.name})
    extension = DeadlineExtension.objects.select_for_update().filter(cycle=cycle, organization=organization,
                                                                     step=step).first()
    before = {"step": step, "until": extension.until.isoformat() if extension else (deadline.isoformat() if deadline else None)}
    if extension is not None and extension.until == until:
        return extension
    if extension is None:
        extension = DeadlineExtension(cycle=cycle, organization=organization, step=step)
    extension.until, extension.reason, extension.granted_by = until, reason.strip(), actor
    extension.save()
    # Recorded on the organization's grading, whose history then shows it.
    audit_record(actor=actor, obj=grading_ensure(cycle=cycle, organization=organization), organization=organization,
                 action="deadline.extend", before=before, after={"step": step, "until": until.isoformat()},
                 reason=extension.reason)
    return extension


@transaction.atomic
def cycle_attachment_add(*, actor, cycle: Cycle, title: str, file) -> CycleAttachment:
    """Attach a file (实施方案, 附件) to the deployment notice that everyone in the subtree sees."""
    cycle = Cycle.objects.select_for_update(of=("self",)).select_related("owner").get(pk=cycle.pk)
    org_access.check(actor, cycle.owner, org_access.MANAGE)
    if not file:
        _refuse("file", _("File: please choose the file to attach."))
    title = (title or "").strip() or file.name.rsplit("/", 1)[-1]
    attachment = CycleAttachment.objects.create(cycle=cycle, title=title[:200], file=file)
    audit_record(actor=actor, obj=cycle, organization=cycle.owner, action="cycle.attachment", after={"title": attachment.title})
    return attachment


# The organization's own steps -------------------------------------------------------------------


def _check_open_step(cycle: Cycle, step: str, today: datetime.date, organization: Organization) -> None:
    deadline = selectors.step_deadline(cycle=cycle, organization=organization, step=step)
    if selectors.step_closed(cycle=cycle, deadline=deadline, today=today):
        _refuse("step", _("%(step)s closed on %(date)s; ask %(owner)s to extend the deadline.") % {
            "step": Step(step).label, "date": deadline.isoformat(), "owner": cycle.owner.name})


def _scheme_grades(cycle: Cycle, organization: Organization) -> list[str]:
    standard = _standard_for(cycle, organization)
    if standard is not None:
        return [band["grade"] for band in standard.bands]
    return [band.grade for band in standard_defaults.THREE_GRADES.bands]


def _standard_for(cycle: Cycle, organization: Organization) -> Standard | None:
    link = CycleStandard.objects.filter(cycle=cycle, sector=organization.sector).select_related("standard").first()
    return link.standard if link else None


def _satisfaction_vetoed(cycle: Cycle, graded: list[tuple[Organization, str]]) -> list[str]:
    """Why each (organization, grade) cannot be given: the organization is below a satisfaction veto clause,
    which grades it directly at the lowest grade (seeds/002) — at the self-assessment, the determination and
    the approval alike. A few queries per sector, however many organizations."""
    by_sector: dict[str, list[tuple[Organization, str]]] = {}
    for organization, grade in graded:
        by_sector.setdefault(organization.sector, []).append((organization, grade))
    found = []
    for sector, group in by_sector.items():
        link = CycleStandard.objects.filter(cycle=cycle, sector=sector).select_related("standard").first()
        if link is None:
            continue
        lowest = link.standard.bands[-1]["grade"]
        above = [(organization, grade) for organization, grade in group if grade and grade != lowest]
        vetoes = standard_selectors.satisfaction_vetoes(standard=link.standard,
                                                        organization_ids=[org.pk for org, _grade in above])
        found += [_("%(why)s, so %(name)s is graded %(lowest)s whatever the score (veto clause).") % {
            "why": vetoes[org.pk], "name": org.name, "lowest": Grade(lowest).label} for org, _grade in above if org.pk in vetoes]
    return found


def _satisfaction_veto(cycle: Cycle, organization: Organization, grade: str) -> str | None:
    vetoed = _satisfaction_vetoed(cycle, [(organization, grade)])
    return vetoed[0] if vetoed else None


@transaction.atomic
def step_record(*, actor, grading: Grading, step: str, held_on: datetime.date, participants: int = 0,
                grade: str = "", votes: dict | None = None, notes: str = "", attachment=None) -> StepRecord:
    """Record one of the organization's own steps, in the cycle's order, before its deadline."""
    grading = _locked(grading)
    access.require(actor, access.can_record(actor, grading), grading.organization)
    cycle = grading.cycle
    if step not in OWN_STEPS or not cycle.requires(step):
        _refuse("step", _("%(step)s is not a step the organization records in this cycle.") % {
            "step": Step(step).label if step in Step.values else step})
    if grading.state not in (GradingState.PREPARING, GradingState.RETURNED):
        _refuse("step", _("%(name)s has already submitted; its steps can change only if the superior returns them.")
                % {"name": grading.organization.name})
    _check_open_step(cycle, step, timezone.localdate(), grading.organization)
    own_steps = [s for s in cycle.steps if s in OWN_STEPS]
    recorded = set(grading.records.values_list("step", flat=True))
    missing = [s for s in own_steps[: own_steps.index(step)] if s not in recorded]
    if missing:
        _refuse("step", _("%(step)s comes after %(missing)s, which is not recorded yet.") % {
            "step": Step(step).label, "missing": Step(missing[0]).label})
    errors = {}
    votes = {key: value for key, value in (votes or {}).items() if value not in (None, "")}
    for key, value in votes.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            errors["votes"] = _("Vote counts: %(key)s must be a whole number of 0 or more.") % {"key": key}
    if not isinstance(participants, int) or participants < 0:
        errors["participants"] = _("Participants: enter a whole number of 0 or more.")
    elif "votes" not in errors and sum(votes.values()) > participants:
        errors["votes"] = _("Vote counts: %(votes)d votes in all, more than the %(participants)d participants.") % {
            "votes": sum(votes.values()), "participants": participants}
    grades = _scheme_grades(cycle, grading.organization)
    if step == Step.SELF_ASSESSMENT:
        sheet = _self_sheet(cycle, grading.organization)
        if sheet is not None:
            grade = sheet.grade
        if grade not in grades:
            errors["grade"] = _("Result: enter the self-assessment's score sheet or choose a grade.")
        elif vetoed := _satisfaction_veto(cycle, grading.organization, grade):
            errors["grade"] = _("Result: %(why)s") % {"why": vetoed}
    elif step == Step.MEETING_REVIEW:
        if set(votes) - set(VOTE_KEYS) or not votes:
            errors["votes"] = _("Vote counts: give agree, disagree and abstain for the declared grade.")
    elif grade and grade not in grades:
        errors["grade"] = _("Result: %(value)s is not a grade of this standard.") % {"value": grade}
    elif not grade and not votes:
        errors["grade"] = _("Result: choose a grade or enter the vote counts.")
    elif votes and set(votes) - set(grades):
        errors["votes"] = _("Vote counts: give a count for grades of this standard only.")
    if errors:
        raise ValidationError(errors)
    if step not in (Step.SELF_ASSESSMENT, Step.MEETING_REVIEW) and not grade and votes:
        grade = max(votes, key=lambda key: (votes[key], -grades.index(key)))  # the grade with most votes
    was_done = grading.records.filter(step=step, needs_work="").exists()
    record, created = StepRecord.objects.update_or_create(
        grading=grading, step=step,
        defaults={"held_on": held_on, "participants": participants, "grade": grade, "votes": votes, "notes": notes.strip(),
                  "attachment": attachment or "", "needs_work": "", "recorded_by": actor})
    if not was_done:
        tallies.apply(cycle=cycle, changes=[(grading.organization.path, set(), {(tallies.STEP, step)})])
    if step == Step.SELF_ASSESSMENT:
        sheet = _self_sheet(cycle, grading.organization)
        grading.declared_grade = grade
        grading.self_total = sheet.total if sheet else None
        grading.save(update_fields=["declared_grade", "self_total", "updated_at"])
    audit_record(actor=actor, obj=grading, organization=grading.organization, action=f"step.{step}",
                 after={"grade": grade, "votes": votes, "participants": participants, "held_on": held_on.isoformat()},
                 reason=notes)
    return record


def _self_sheet(cycle: Cycle, organization: Organization) -> ScoreSheet | None:
    standard = _standard_for(cycle, organization)
    if standard is None:
        return None
    return ScoreSheet.objects.filter(organization=organization, standard=standard, assessor_kind=AssessorKind.SELF).first()


@transaction.atomic
def grading_submit(*, actor, grading: Grading) -> Grading:
    """The organization submits its declaration to its superior once its own steps are all recorded."""
    grading = _locked(grading)
    access.require(actor, access.can_record(actor, grading), grading.organization)
    if grading.state not in (GradingState.PREPARING, GradingState.RETURNED):
        _refuse("state", _("%(name)s's grading is %(state)s; it cannot be submitted now.") % {
            "name": grading.organization.name, "state": grading.get_state_display()})
    records = {r.step: r for r in grading.records.all()}
    for step in (s for s in grading.cycle.steps if s in OWN_STEPS):
        if step not in records:
            _refuse("state", _("%(step)s is not recorded yet.") % {"step": Step(step).label})
        if records[step].needs_work:
            _refuse("state", _("%(step)s was returned and is not recorded again yet.") % {"step": Step(step).label})
    if not grading.declared_grade:
        last = [records[s] for s in grading.cycle.steps if s in records and records[s].grade]
        grading.declared_grade = last[-1].grade if last else ""
    if vetoed := _satisfaction_veto(grading.cycle, grading.organization, grading.declared_grade):
        _refuse("declared_grade", _("Declared grade: %(why)s Record the self-assessment again.") % {"why": vetoed})
    before, before_keys = _state(grading), _contribution(grading)
    grading.state = GradingState.SUBMITTED
    grading.return_reason = ""
    return _save_transition(actor=actor, grading=grading, before_keys=before_keys, before=before, action="grading.submit",
                            fields=["state", "declared_grade", "return_reason"])


# The superior -----------------------------------------------------------------------------------


def _level_list_locked(cycle: Cycle, level_id: int) -> LevelList | None:
    return LevelList.objects.select_for_update().filter(cycle=cycle, organization_id=level_id).first()


def _check_list_open(grading: Grading) -> None:
    level_list = _level_list_locked(grading.cycle, grading.organization.parent_id)
    if level_list and level_list.state in REPORTED_LIST_STATES:
        _refuse("state", _("%(level)s has already submitted its list; it must be returned before a determination changes.")
                % {"level": grading.organization.parent.name})


@transaction.atomic
def grading_return(*, actor, grading: Grading, reasons: dict[str, str]) -> Grading:
    """The superior returns a submission, with a reason on each step that needs work (the others stand)."""
    grading = _locked(grading)
    access.require(actor, access.can_decide(actor, grading), grading.organization)
    if grading.state not in (GradingState.SUBMITTED, GradingState.DECIDED):
        _refuse("state", _("%(name)s's grading is %(state)s; only a submitted or determined grading can be returned.") % {
            "name": grading.organization.name, "state": grading.get_state_display()})
    _check_list_open(grading)
    reasons = {step: reason.strip() for step, reason in (reasons or {}).items() if reason and reason.strip()}
    if not reasons:
        _refuse("reasons", _("Reasons: say what needs work on at least one step."))
    records = {r.step: r for r in grading.records.select_for_update()}
    undone = set()
    for step, reason in reasons.items():
        if step not in records:
            label = Step(step).label if step in Step.values else step
            _refuse("reasons", _("%(step)s has no record to return.") % {"step": label})
        if not records[step].needs_work:
            undone.add((tallies.STEP, step))
        records[step].needs_work = reason
        records[step].save(update_fields=["needs_work"])
    tallies.apply(cycle=grading.cycle, changes=[(grading.organization.path, undone, set())])
    before, before_keys = _state(grading), _contribution(grading)
    grading.state = GradingState.RETURNED
    grading.final_grade, grading.final_stars = "", None
    grading.return_reason = "；".join(f"{Step(step).label}：{reason}" for step, reason in reasons.items())
    return _save_transition(actor=actor, grading=grading, before_keys=before_keys, before=before, action="grading.return",
                            reason=grading.return_reason, fields=["state", "final_grade", "final_stars", "return_reason"])


def _stars_for(cycle: Cycle, grading: Grading, grade: str) -> int:
    """Stars from the superior's score sheet, else the self-assessment's, read in the standard's star
    bands — only when the sheet's own grade is the grade determined (otherwise the score says nothing)."""
    standard = _standard_for(cycle, grading.organization)
    if standard is None:
        return 0
    sheet = (ScoreSheet.objects.filter(organization=grading.organization, standard=standard, assessor_kind=AssessorKind.SUPERIOR)
             .first() or _self_sheet(cycle, grading.organization))
    if sheet is None or grade_for(sheet.total, standard_services.scheme_of(standard), vetoed=sheet.vetoed) != grade:
        return 0
    return stars_for(sheet.total, standard_services.star_bands_of(standard), vetoed=sheet.vetoed)


@transaction.atomic
def grading_decide(*, actor, grading: Grading, grade: str, reason: str = "", revise: bool = False) -> Grading:
    """上级党组织评定: the superior sets the grade; a grade other than the declared one needs a reason.

    A determination is changed only on purpose (``revise``), so of two reviewers deciding the same
    submission at once the second is told it was already determined instead of overwriting it.
    """
    grading = _locked(grading)
    access.require(actor, access.can_decide(actor, grading), grading.organization)
    if grading.state == GradingState.DECIDED and not revise:
        _refuse("state", _("%(name)s was already determined as %(grade)s by %(user)s at %(time)s.") % {
            "name": grading.organization.name, "grade": grading.get_final_grade_display(),
            "user": grading.decided_by.get_username() if grading.decided_by else "—",
            "time": timezone.localtime(grading.decided_at).strftime("%Y-%m-%d %H:%M") if grading.decided_at else "—"})
    if grading.state not in (GradingState.SUBMITTED, GradingState.DECIDED):
        _refuse("state", _("%(name)s's grading is %(state)s; it cannot be determined now.") % {
            "name": grading.organization.name, "state": grading.get_state_display()})
    _check_list_open(grading)
    _check_open_step(grading.cycle, Step.SUPERIOR_DECISION, timezone.localdate(), grading.organization)
    grades = _scheme_grades(grading.cycle, grading.organization)
    if grade not in grades:
        _refuse("grade", _("Grade: %(value)s is not a grade of this standard.") % {"value": grade})
    if vetoed := _satisfaction_veto(grading.cycle, grading.organization, grade):
        _refuse("grade", _("Grade: %(why)s") % {"why": vetoed})
    if grade != grading.declared_grade and not reason.strip():
        _refuse("reason", _("Reason: the grade differs from the declared %(declared)s; please say why.") % {
            "declared": Grade(grading.declared_grade).label if grading.declared_grade else "—"})
    before, before_keys = _state(grading), _contribution(grading)
    grading.state = GradingState.DECIDED
    grading.final_grade = grade
    grading.final_stars = _stars_for(grading.cycle, grading, grade)
    grading.decision_reason = reason.strip()
    grading.decided_by, grading.decided_at = actor, timezone.now()
    return _save_transition(actor=actor, grading=grading, before_keys=before_keys, before=before, action="grading.decide",
                            reason=reason, fields=["state", "final_grade", "final_stars", "decision_reason", "decided_by",
                                                   "decided_at"])


@transaction.atomic
def department_input_record(*, actor, grading: Grading, department: str, score: Decimal, comment: str = "") -> DepartmentInput:
    """An input from another department (目督办, 信访局, 民政局) to a street committee's grading."""
    grading = _locked(grading)
    access.require(actor, access.can_decide(actor, grading), grading.organization)
    if not department.strip():
        _refuse("department", _("Department: please name the department."))
    if score is None or not Decimal(0) <= Decimal(score) <= Decimal(100):
        _refuse("score", _("Score: enter a score from 0 to 100."))
    record, _created = DepartmentInput.objects.update_or_create(
        grading=grading, department=department.strip(), defaults={"score": score, "comment": comment, "recorded_by": actor})
    audit_record(actor=actor, obj=grading, organization=grading.organization, action="grading.department_input",
                 after={"department": department.strip(), "score": str(score)}, reason=comment)
    return record


def combined_score(grading: Grading) -> Decimal | None:
    """The street committee's self-assessed score combined with the departments' inputs: their mean."""
    scores = [grading.self_total] if grading.self_total is not None else []
    scores += list(grading.inputs.values_list("score", flat=True))
    if not scores:
        return None

    return round_score(sum(scores, Decimal(0)) / len(scores))


# Level lists ------------------------------------------------------------------------------------


def _subordinate_gradings(cycle: Cycle, level: Organization):
    return Grading.objects.filter(cycle=cycle, organization__parent=level, organization__dissolved_on__isnull=True)


def list_quota_failures(*, cycle: Cycle, level: Organization):
    """The cycle's quota rules over the level's determinations: which fail, by how many."""
    grades = [g for g in _subordinate_gradings(cycle, level).values_list("final_grade", flat=True) if g]
    rules = [QuotaRule(q["grade"], Decimal(str(q["share"])), bool(q["at_most"])) for q in cycle.quotas]
    return quota_check(grades, rules)


def _level_list(cycle: Cycle, level: Organization) -> LevelList:
    level_list = _level_list_locked(cycle, level.pk)
    if level_list is None:
        level_list = LevelList.objects.create(cycle=cycle, organization=level)
        level_list = LevelList.objects.select_for_update().get(pk=level_list.pk)
    return level_list


def _quota_problems(cycle: Cycle, level: Organization) -> list[str]:
    return [_("Quota %(grade)s %(sign)s %(share)s%%: %(count)d of %(total)d, off by %(by)d.") % {
        "grade": Grade(failure.rule.grade).label, "sign": "≤" if failure.rule.at_most else "≥",
        "share": f"{float(failure.rule.share) * 100:g}", "count": failure.count, "total": failure.total, "by": failure.by}
        for failure in list_quota_failures(cycle=cycle, level=level)]


@transaction.atomic
def level_list_submit(*, actor, cycle: Cycle, level: Organization, exception: str = "") -> LevelList:
    """A level reports its list upward once it is whole: every direct subordinate determined, and the
    quotas kept or a written exception for the breach (the exception covers quotas only).

    The cycle's owner has no level above it in the cycle, so its list is the cycle's result: submitting
    it confirms the result (``ListState.FINAL``) and approves its direct subordinates' determinations.
    """
    level = Organization.objects.get(pk=level.pk)
    access.require(actor, access.can_submit_list(actor, level), level)
    level_list = _level_list(cycle, level)
    if level_list.state in REPORTED_LIST_STATES:
        _refuse("state", _("%(level)s's list is already %(state)s.") % {"level": level.name,
                                                                        "state": level_list.get_state_display()})
    undecided = list(_subordinate_gradings(cycle, level).exclude(state__in=[GradingState.DECIDED, GradingState.APPROVED])
                     .order_by("organization__path").values_list("organization__name", flat=True)[:4])
    if undecided:
        count = _subordinate_gradings(cycle, level).exclude(state__in=[GradingState.DECIDED, GradingState.APPROVED]).count()
        names = "、".join(undecided[:3]) + ("等" if count > 3 else "")
        _refuse("list", _("List: %(count)d subordinates are not determined yet (%(names)s); determine every one "
                          "before the list goes up.") % {"count": count, "names": names})
    problems = _quota_problems(cycle, level)
    if problems and not exception.strip():
        raise ValidationError({"exception": problems + [_("Written exception: a quota rule is not kept; submit only "
                                                          "with a written exception that says why.")]})
    final = level.pk == cycle.owner_id
    now = timezone.now()
    level_list.state = ListState.FINAL if final else ListState.SUBMITTED
    level_list.exception = exception.strip() if problems else ""
    level_list.return_reason = ""
    level_list.submitted_by, level_list.submitted_at = actor, now
    level_list.save()
    approved = _approve_determinations(actor=actor, cycle=cycle, level=level, now=now) if final else 0
    audit_record(actor=actor, obj=level_list, organization=level, action="list.confirm" if final else "list.submit",
                 after={"problems": problems, **({"approved": approved} if final else {})}, reason=level_list.exception)
    return level_list


def _approve_determinations(*, actor, cycle: Cycle, level: Organization, now) -> int:
    """Approve every determined direct subordinate of the level at once, tallies included."""
    decided = _subordinate_gradings(cycle, level).select_for_update().filter(state=GradingState.DECIDED)
    rows = list(decided.values_list("pk", "organization__path", "organization__sector", "final_grade", "final_stars"))
    vetoed = _satisfaction_vetoed(cycle, [(grading.organization, grading.final_grade) for grading in Grading.objects.filter(
        pk__in=[row[0] for row in rows]).select_related("organization")])
    if vetoed:
        raise ValidationError({"state": [*vetoed, _("Return the list so that these are determined again.")]})
    Grading.objects.filter(pk__in=[row[0] for row in rows]).update(
        state=GradingState.APPROVED, approved_by=actor, approved_at=now, updated_at=now)
    tallies.apply(cycle=cycle, changes=[
        (path, tallies.contribution(state=GradingState.DECIDED, sector=sector, final_grade=grade, final_stars=stars),
         tallies.contribution(state=GradingState.APPROVED, sector=sector, final_grade=grade, final_stars=stars))
        for _pk, path, sector, grade, stars in rows])
    return len(rows)


@transaction.atomic
def level_list_return(*, actor, level_list: LevelList, reasons: dict[int, str]) -> LevelList:
    """The level above returns a list, with a reason on each determination that needs work; the others stand."""
    level_list = LevelList.objects.select_for_update(of=("self",)).select_related("cycle__owner", "organization").get(pk=level_list.pk)
    cycle, level = level_list.cycle, level_list.organization
    access.require(actor, access.can_approve_list(actor, cycle, level), level)
    if level_list.state != ListState.SUBMITTED:
        _refuse("state", _("%(level)s's list is %(state)s; only a submitted list can be returned.") % {
            "level": level.name, "state": level_list.get_state_display()})
    reasons = {int(pk): text.strip() for pk, text in (reasons or {}).items() if text and text.strip()}
    if not reasons:
        _refuse("reasons", _("Reasons: say which determinations need work, and why."))
    gradings = {g.pk: g for g in _subordinate_gradings(cycle, level).select_for_update(of=("self",)).select_related("organization")
                .filter(pk__in=reasons)}
    if set(reasons) - set(gradings):
        _refuse("reasons", _("Reasons: some of the gradings named are not in this list."))
    changes = []
    for pk, text in reasons.items():
        grading = gradings[pk]
        before_keys = _contribution(grading)
        grading.state, grading.final_grade, grading.final_stars = GradingState.SUBMITTED, "", None
        grading.return_reason = text
        grading.save(update_fields=["state", "final_grade", "final_stars", "return_reason", "updated_at"])
        changes.append((grading.organization.path, before_keys, _contribution(grading)))
        audit_record(actor=actor, obj=grading, organization=grading.organization, action="grading.list_return",
                     before={"state": GradingState.DECIDED}, after=_state(grading), reason=text)
    tallies.apply(cycle=cycle, changes=changes)
    level_list.state, level_list.return_reason = ListState.RETURNED, "；".join(reasons.values())
    level_list.decided_by, level_list.decided_at = actor, timezone.now()
    level_list.save()
    audit_record(actor=actor, obj=level_list, organization=level, action="list.return", reason=level_list.return_reason)
    return level_list


@transaction.atomic
def level_list_approve(*, actor, level_list: LevelList) -> LevelList:
    """审核: the level above approves the list; every determination in it is approved and locked at once."""
    level_list = LevelList.objects.select_for_update(of=("self",)).select_related("cycle__owner", "organization").get(pk=level_list.pk)
    cycle, level = level_list.cycle, level_list.organization
    access.require(actor, access.can_approve_list(actor, cycle, level), level)
    if level_list.state != ListState.SUBMITTED:
        _refuse("state", _("%(level)s's list is %(state)s; only a submitted list can be approved.") % {
            "level": level.name, "state": level_list.get_state_display()})
    now = timezone.now()
    approved = _approve_determinations(actor=actor, cycle=cycle, level=level, now=now)
    level_list.state = ListState.APPROVED
    level_list.decided_by, level_list.decided_at = actor, now
    level_list.save()
    audit_record(actor=actor, obj=level_list, organization=level, action="list.approve", after={"approved": approved})
    return level_list


@transaction.atomic
def grading_reopen(*, actor, grading: Grading, reason: str) -> Grading:
    """Reopen an approved grading: only the level that approved it, with a reason; its list opens again."""
    grading = _locked(grading)
    access.require(actor, access.can_reopen(actor, grading), grading.organization)
    if grading.state != GradingState.APPROVED:
        _refuse("state", _("%(name)s's grading is %(state)s; only an approved grading is reopened.") % {
            "name": grading.organization.name, "state": grading.get_state_display()})
    if not reason.strip():
        _refuse("reason", _("Reason: please say why the approved grading is reopened."))
    LevelList.objects.filter(cycle=grading.cycle, organization_id=grading.organization.parent_id).update(
        state=ListState.RETURNED, return_reason=reason.strip())
    before, before_keys = _state(grading), _contribution(grading)
    grading.state = GradingState.DECIDED
    grading.approved_by, grading.approved_at = None, None
    return _save_transition(actor=actor, grading=grading, before_keys=before_keys, before=before, action="grading.reopen",
                            reason=reason, fields=["state", "approved_by", "approved_at"])


# Status survey ----------------------------------------------------------------------------------

SURVEY_FIELDS = (*SURVEY_QUESTIONS, *(f"{name}_rating" for name in SURVEY_QUESTIONS), "report")


@transaction.atomic
def survey_save(*, actor, cycle: Cycle, organization: Organization, **answers: str) -> SurveyAnswer:
    """现状调查: the six questions (each yes, partly or no, with what was found) and the short report, for
    one organization of the cycle (when the cycle asks for it). Saving the same answers again is a no-op."""
    if not cycle.survey_enabled:
        _refuse("cycle", _("This cycle has no status survey."))
    org_access.check(actor, organization, org_access.EDIT_FACTS)
    if not access.in_cycle(cycle, organization):
        raise Http404
    unknown = set(answers) - set(SURVEY_FIELDS)
    if unknown:
        _refuse(sorted(unknown)[0], _("This field cannot be changed here."))
    values = {name: (answers.get(name) or "").strip() for name in SURVEY_FIELDS}
    for name in SURVEY_QUESTIONS:
        if values[f"{name}_rating"] not in ("", *SurveyRating.values):
            _refuse(f"{name}_rating", _("%(question)s: answer yes, partly or no.") % {
                "question": SurveyAnswer._meta.get_field(f"{name}_rating").verbose_name})
    answer = SurveyAnswer.objects.select_for_update().filter(cycle=cycle, organization=organization).first()
    if answer is not None and all(getattr(answer, name) == value for name, value in values.items()):
        return answer
    before = {name: getattr(answer, name) for name in SURVEY_FIELDS if name.endswith("_rating")} if answer else None
    answer, _created = SurveyAnswer.objects.update_or_create(cycle=cycle, organization=organization,
                                                             defaults={**values, "updated_by": actor})
    audit_record(actor=actor, obj=answer, organization=organization, action="survey.save", before=before,
                 after={name: values[name] for name in SURVEY_FIELDS if name.endswith("_rating")})
    return answer
