"""A level's list of determined gradings: submitted upward, returned, approved, and reopened afterwards."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import audit_record
from cycles import access, tallies
from cycles.choices import REPORTED_LIST_STATES, GradingState, ListState
from cycles.models import Cycle, Grading, LevelList
from cycles.services.transitions import (
    contribution,
    grading_locked,
    level_list_locked,
    refuse,
    satisfaction_vetoed,
    state_of,
    transition_save,
)
from orgs.models import Organization
from standards.choices import Grade
from standards.rules import QuotaRule, quota_check


def _subordinate_gradings(cycle: Cycle, level: Organization):
    return Grading.objects.filter(cycle=cycle, organization__parent=level, organization__dissolved_on__isnull=True)


def list_quota_failures(*, cycle: Cycle, level: Organization):
    """The cycle's quota rules over the level's determinations: which fail, by how many."""
    grades = [g for g in _subordinate_gradings(cycle, level).values_list("final_grade", flat=True) if g]
    rules = [QuotaRule(q["grade"], Decimal(str(q["share"])), bool(q["at_most"])) for q in cycle.quotas]
    return quota_check(grades, rules)


def _level_list(cycle: Cycle, level: Organization) -> LevelList:
    level_list = level_list_locked(cycle, level.pk)
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
        refuse("state", _("%(level)s's list is already %(state)s.") % {"level": level.name,
                                                                        "state": level_list.get_state_display()})
    undecided = list(_subordinate_gradings(cycle, level).exclude(state__in=[GradingState.DECIDED, GradingState.APPROVED])
                     .order_by("organization__path").values_list("organization__name", flat=True)[:4])
    if undecided:
        count = _subordinate_gradings(cycle, level).exclude(state__in=[GradingState.DECIDED, GradingState.APPROVED]).count()
        names = "、".join(undecided[:3]) + ("等" if count > 3 else "")
        refuse("list", _("List: %(count)d subordinates are not determined yet (%(names)s); determine every one "
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
    vetoed = satisfaction_vetoed(cycle, [(grading.organization, grading.final_grade) for grading in Grading.objects.filter(
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
        refuse("state", _("%(level)s's list is %(state)s; only a submitted list can be returned.") % {
            "level": level.name, "state": level_list.get_state_display()})
    reasons = {int(pk): text.strip() for pk, text in (reasons or {}).items() if text and text.strip()}
    if not reasons:
        refuse("reasons", _("Reasons: say which determinations need work, and why."))
    gradings = {g.pk: g for g in _subordinate_gradings(cycle, level).select_for_update(of=("self",)).select_related("organization")
                .filter(pk__in=reasons)}
    if set(reasons) - set(gradings):
        refuse("reasons", _("Reasons: some of the gradings named are not in this list."))
    changes = []
    for pk, text in reasons.items():
        grading = gradings[pk]
        before_keys = contribution(grading)
        grading.state, grading.final_grade, grading.final_stars = GradingState.SUBMITTED, "", None
        grading.return_reason = text
        grading.save(update_fields=["state", "final_grade", "final_stars", "return_reason", "updated_at"])
        changes.append((grading.organization.path, before_keys, contribution(grading)))
        audit_record(actor=actor, obj=grading, organization=grading.organization, action="grading.list_return",
                     before={"state": GradingState.DECIDED}, after=state_of(grading), reason=text)
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
        refuse("state", _("%(level)s's list is %(state)s; only a submitted list can be approved.") % {
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
    grading = grading_locked(grading)
    access.require(actor, access.can_reopen(actor, grading), grading.organization)
    if grading.state != GradingState.APPROVED:
        refuse("state", _("%(name)s's grading is %(state)s; only an approved grading is reopened.") % {
            "name": grading.organization.name, "state": grading.get_state_display()})
    if not reason.strip():
        refuse("reason", _("Reason: please say why the approved grading is reopened."))
    LevelList.objects.filter(cycle=grading.cycle, organization_id=grading.organization.parent_id).update(
        state=ListState.RETURNED, return_reason=reason.strip())
    before, before_keys = state_of(grading), contribution(grading)
    grading.state = GradingState.DECIDED
    grading.approved_by, grading.approved_at = None, None
    return transition_save(actor=actor, grading=grading, before_keys=before_keys, before=before, action="grading.reopen",
                            reason=reason, fields=["state", "approved_by", "approved_at"])
