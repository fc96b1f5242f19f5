"""Opening and changing a year's cycle: its steps, deadlines, standards, gradings and notice attachments."""

import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import audit_record
from core.uploads import attachment_check
from cycles import access, selectors, tallies
from cycles.choices import PRESETS, GradingState, Step
from cycles.models import Cycle, CycleAttachment, CycleStandard, DeadlineExtension, Grading
from cycles.services.transitions import contribution, refuse
from orgs import access as org_access
from orgs import paths
from orgs.models import Organization
from standards import defaults as standard_defaults
from standards import selectors as standard_selectors
from standards import services as standard_services
from standards.models import Standard


def _clean_dates(values: dict, allowed: set[str], field: str) -> dict[str, str]:
    cleaned = {}
    for key, value in (values or {}).items():
        if str(key) not in allowed:
            refuse(field, _("%(key)s is not a step or level of this cycle.") % {"key": key})
        if value in (None, ""):
            continue
        try:
            cleaned[str(key)] = (value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))).isoformat()
        except ValueError:
            refuse(field, _("%(key)s: %(value)s is not a date (YYYY-MM-DD).") % {"key": key, "value": value})
    return cleaned


def _check_deadlines_given(steps: list[str], deadlines: dict[str, str], lock_after_deadline: bool) -> None:
    """Every step of the chain needs its last day; with steps locked after it, a day already past would
    close the step before anyone could record it."""
    missing = [step for step in steps if step not in deadlines]
    if missing:
        refuse("deadlines", _("Deadlines: give the last day of %(step)s (every step of the cycle needs one).") % {
            "step": Step(missing[0]).label})
    today = timezone.localdate()
    past = [step for step in steps if datetime.date.fromisoformat(deadlines[step]) < today]
    if lock_after_deadline and past:
        refuse("deadlines", _("Deadlines: %(step)s's last day %(date)s has already passed, so the step would be "
                               "closed at once; choose a later day, or do not lock steps after their deadline.") % {
            "step": Step(past[0]).label, "date": deadlines[past[0]]})


def _carried_forward(*, actor, standard: Standard, year: int) -> Standard:
    """An earlier year's standard as a new version for ``year``, by the same issuer, with the same
    content and grade scheme (the new year starts from the last)."""
    if not org_access.can_manage(actor, standard.issuer):
        refuse("standards", _("Standard %(name)s is %(issuer)s's, for %(standard_year)d: only %(issuer)s can make its "
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
        refuse("preset", _("Steps: %(value)s is not a preset.") % {"value": preset})
    steps = list(steps if steps is not None else PRESETS[preset])
    if not steps or any(step not in Step.values for step in steps):
        refuse("steps", _("Steps: choose among the grading steps."))
    steps = [step.value for step in Step if step.value in steps]  # the seeds' order, whatever order was given
    if Step.SUPERIOR_DECISION not in steps:
        refuse("steps", _("Steps: the superior's determination cannot be left out."))
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        refuse("year", _("Year: %(value)s is not a valid year.") % {"value": year})
    if not name.strip():
        refuse("name", _("Name: please name the cycle."))
    if Cycle.objects.filter(owner=owner, year=year).exists():
        refuse("year", _("Year: %(name)s already has a cycle for %(year)d.") % {"name": owner.name, "year": year})
    cleaned_deadlines = _clean_dates(deadlines, set(steps), "deadlines")
    if deadlines is not None:
        _check_deadlines_given(steps, cleaned_deadlines, lock_after_deadline)
    cleaned_lists = _clean_dates(list_deadlines, {str(n) for n in range(1, 12)}, "list_deadlines")
    standards = dict(standards or {})
    for sector, standard in standards.items():
        if standard.sector != sector or not owner.path.startswith(standard.issuer.path) and \
                not standard.issuer.path.startswith(owner.path):
            refuse("standards", _("Standard %(name)s does not fit sector %(sector)s of this cycle.") % {
                "name": standard.name, "sector": sector})
        if standard.year > year:
            refuse("standards", _("Standard %(name)s is for %(standard_year)d, after the cycle's year %(year)d.") % {
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
            tallies.apply(cycle=cycle, changes=[(organization.path, set(), contribution(grading))])
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
            refuse("deadlines", _("Deadlines: %(step)s needs a last day; change it rather than clearing it.") % {
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
        refuse("reason", _("Reason for the change: a deadline changes for every organization; please say why."))
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
        refuse("step", _("Step: %(step)s is not a step of this cycle.") % {
            "step": Step(step).label if step in Step.values else step})
    if not isinstance(until, datetime.date):
        refuse("until", _("Extended until: enter a date (YYYY-MM-DD)."))
    if until < timezone.localdate():
        refuse("until", _("Extended until: %(date)s has already passed; choose today or a later day.") % {
            "date": until.isoformat()})
    deadline = selectors.cycle_deadline(cycle, step)
    if deadline and until <= deadline:
        refuse("until", _("Extended until: the cycle's deadline for %(step)s is %(date)s already; choose a later day.") % {
            "step": Step(step).label, "date": deadline.isoformat()})
    if not (reason or "").strip():
        refuse("reason", _("Reason for the extension: please say why %(name)s gets more time.") % {
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
        refuse("file", _("File: please choose the file to attach."))
    attachment_check(file, label=_("Attachment to the notice"), field="attachment")
    title = (title or "").strip() or file.name.rsplit("/", 1)[-1]
    attachment = CycleAttachment.objects.create(cycle=cycle, title=title[:200], file=file)
    audit_record(actor=actor, obj=cycle, organization=cycle.owner, action="cycle.attachment", after={"title": attachment.title})
    return attachment
