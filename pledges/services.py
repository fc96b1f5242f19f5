"""The pledge's workflow: each transition is one service with its guards (提出 → 审核 → 公示 → 践诺 → 评诺 → closed).

Every service runs in one transaction, locks the pledge it moves, keeps the level counts current
(pledges.tallies) and writes its audit event. Refusals are ValidationError naming the field, or
PermissionDenied/Http404 as orgs.access says; nothing is half-saved.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ballots import services as ballot_services
from ballots.choices import SessionPurpose
from ballots.models import BallotSession
from core.services import audit_record, snapshot
from core.uploads import attachment_check
from core.versions import refuse_if_newer
from cycles.access import require
from members.choices import MemberStatus
from pledges import access, tallies
from pledges.choices import (
    MEMBER_CATEGORIES,
    NOT_KEPT_RESULTS,
    ORGANIZATION_CATEGORIES,
    RATED_STATES,
    Category,
    PledgeKind,
    PledgeResult,
    PledgeState,
)
from pledges.models import BoardWithdrawal, Pledge, PledgeItem, PledgeRating, Progress, PublicBoard


def _refuse(field: str, message: str):
    raise ValidationError({field: message})


def _keys(pledge: Pledge) -> set:
    return tallies.contribution(kind=pledge.kind, state=pledge.state, result=pledge.result)


def _locked(pledge: Pledge) -> Pledge:
    return Pledge.objects.select_for_update(of=("self",)).select_related(
        "cycle__owner", "organization__parent", "member").get(pk=pledge.pk)


def _move(*, actor, pledge: Pledge, before_keys: set, action: str, fields: list[str], before: dict, reason: str = "") -> Pledge:
    pledge.save(update_fields=[*fields, "updated_at"])
    tallies.apply(cycle=pledge.cycle, changes=[(pledge.organization.path, before_keys, _keys(pledge))])
    audit_record(actor=actor, obj=pledge, organization=pledge.organization, action=action, before=before,
                 after={name: getattr(pledge, name) for name in before}, reason=reason)
    return pledge


def _in_cycle(cycle, organization) -> bool:
    return organization.path.startswith(cycle.owner.path)


@transaction.atomic
def pledge_create(*, actor, cycle, organization, member=None) -> Pledge:
    """提出: a member's pledge (``member`` on the branch's roster) or the organization's own, for one cycle."""
    require(actor, access.can_keep(actor, organization), organization)
    if not _in_cycle(cycle, organization):
        _refuse("cycle", _("%(org)s is not in the cycle %(cycle)s.") % {"org": organization.name, "cycle": cycle.name})
    if member is not None and (member.organization_id != organization.pk or member.status != MemberStatus.ACTIVE):
        _refuse("member", _("Member: %(name)s is not on the roster of %(org)s.") % {"name": member.name,
                                                                                   "org": organization.name})
    twins = Pledge.objects.filter(cycle=cycle, member=member) if member else Pledge.objects.filter(
        cycle=cycle, organization=organization, member__isnull=True)
    if twins.exists():
        _refuse("member", _("%(who)s already has a pledge in %(cycle)s.") % {
            "who": member.name if member else organization.name, "cycle": cycle.name})
    pledge = Pledge.objects.create(cycle=cycle, organization=organization, member=member,
                                   kind=PledgeKind.MEMBER if member else PledgeKind.ORGANIZATION)
    tallies.apply(cycle=cycle, changes=[(organization.path, set(), _keys(pledge))])
    audit_record(actor=actor, obj=pledge, organization=organization, action="pledge.create",
                 after={"kind": pledge.kind, "state": pledge.state})
    return pledge


def item_clean(*, kind: str, category: str, content: str, measurable: bool, baseline: str, target: str,
               deadline, cycle) -> dict:
    """An item's fields checked: the category fits the pledge's kind, a measurable item has its baseline and
    target ("招待费比去年降低" without last year's figure promises nothing), the deadline falls in the cycle's year."""
    label = {name: str(PledgeItem._meta.get_field(name).verbose_name) for name in
             ("category", "content", "baseline", "target", "deadline")}
    errors = {}
    allowed = MEMBER_CATEGORIES if kind == PledgeKind.MEMBER else ORGANIZATION_CATEGORIES
    if category not in allowed:
        errors["category"] = _("%(field)s: choose one of %(choices)s.") % {
            "field": label["category"], "choices": "、".join(str(Category(c).label) for c in allowed)}
    content, baseline, target = (str(v or "").strip() for v in (content, baseline, target))
    if not content:
        errors["content"] = _("%(field)s: say what is promised.") % {"field": label["content"]}
    if measurable and not baseline:
        errors["baseline"] = _("%(field)s: a measurable item needs the figure it starts from (e.g. last year's).") % {
            "field": label["baseline"]}
    if measurable and not target:
        errors["target"] = _("%(field)s: a measurable item needs the figure it promises.") % {"field": label["target"]}
    if not isinstance(deadline, datetime.date):
        errors["deadline"] = _("%(field)s: enter a date.") % {"field": label["deadline"]}
    elif deadline.year != cycle.year:
        errors["deadline"] = _("%(field)s: %(date)s is not in %(year)s, the cycle's year.") % {
            "field": label["deadline"], "date": deadline, "year": cycle.year}
    if errors:
        raise ValidationError(errors)
    return {"category": category, "content": content, "measurable": bool(measurable), "baseline": baseline,
            "target": target, "deadline": deadline}


@transaction.atomic
def pledge_item_add(*, actor, pledge: Pledge, category: str, content: str, deadline, measurable: bool = False,
                    baseline: str = "", target: str = "") -> PledgeItem:
    """Add an item to a pledge still drafted."""
    pledge = _locked(pledge)
    require(actor, access.can_keep(actor, pledge.organization), pledge.organization)
    if pledge.state != PledgeState.DRAFT:
        _refuse("pledge", _("The pledge is %(state)s; items are added while it is drafted.") % {
            "state": pledge.get_state_display()})
    cleaned = item_clean(kind=pledge.kind, category=category, content=content, measurable=measurable,
                         baseline=baseline, target=target, deadline=deadline, cycle=pledge.cycle)
    item = PledgeItem.objects.create(pledge=pledge, **cleaned)
    audit_record(actor=actor, obj=item, organization=pledge.organization, action="pledge.item_add",
                 after=snapshot(item, list(cleaned)))
    return item


@transaction.atomic
def pledge_submit(*, actor, pledge: Pledge) -> Pledge:
    """Send a drafted pledge for vetting (审核)."""
    pledge = _locked(pledge)
    require(actor, access.can_keep(actor, pledge.organization), pledge.organization)
    if pledge.state != PledgeState.DRAFT:
        _refuse("state", _("The pledge is %(state)s; only a drafted pledge is submitted.") % {
            "state": pledge.get_state_display()})
    if not pledge.items.exists():
        _refuse("items", _("Items: a pledge promises at least one thing."))
    before, keys = {"state": pledge.state}, _keys(pledge)
    pledge.state, pledge.return_reason = PledgeState.SUBMITTED, ""
    return _move(actor=actor, pledge=pledge, before_keys=keys, action="pledge.submit", fields=["state", "return_reason"],
                 before=before)


def _vetting(actor, pledge: Pledge) -> Pledge:
    pledge = _locked(pledge)
    require(actor, access.can_vet(actor, pledge), pledge.organization)
    if pledge.state != PledgeState.SUBMITTED:
        _refuse("state", _("The pledge is %(state)s; only a pledge under review is vetted.") % {
            "state": pledge.get_state_display()})
    return pledge


@transaction.atomic
def pledge_return(*, actor, pledge: Pledge, reason: str) -> Pledge:
    """审核: return a pledge with a reason ("量力而行"): it is drafted again."""
    pledge = _vetting(actor, pledge)
    reason = str(reason or "").strip()
    if not reason:
        _refuse("reason", _("Reason: say what should change."))
    before, keys = {"state": pledge.state}, _keys(pledge)
    pledge.state, pledge.return_reason = PledgeState.DRAFT, reason
    return _move(actor=actor, pledge=pledge, before_keys=keys, action="pledge.return",
                 fields=["state", "return_reason"], before=before, reason=reason)


@transaction.atomic
def pledge_approve(*, actor, pledge: Pledge) -> Pledge:
    """审核 passed: the pledge is made public (公示) on its organization's board."""
    pledge = _vetting(actor, pledge)
    before, keys = {"state": pledge.state}, _keys(pledge)
    pledge.state = PledgeState.PUBLIC
    return _move(actor=actor, pledge=pledge, before_keys=keys, action="pledge.approve", fields=["state"], before=before)


@transaction.atomic
def progress_add(*, actor, item: PledgeItem, happened_on: datetime.date, text: str, evidence=None) -> Progress:
    """践诺: a dated step in keeping an item, with its evidence; the pledge is then being fulfilled."""
    pledge = _locked(item.pledge)
    require(actor, access.can_keep(actor, pledge.organization), pledge.organization)
    if pledge.state not in (PledgeState.PUBLIC, PledgeState.FULFILLING):
        _refuse("state", _("The pledge is %(state)s; progress is recorded once it is public.") % {
            "state": pledge.get_state_display()})
    text = str(text or "").strip()
    if not text:
        _refuse("text", _("What was done: describe the step."))
    if not isinstance(happened_on, datetime.date) or happened_on > timezone.localdate():
        _refuse("happened_on", _("Date: enter a day that has come."))
    if evidence is not None:
        attachment_check(evidence, label=_("Evidence"), field="evidence")
    progress = Progress(item=item, happened_on=happened_on, text=text, recorded_by=actor)
    if evidence is not None:
        progress.evidence.save(evidence.name, evidence, save=False)
    progress.save()
    audit_record(actor=actor, obj=progress, organization=pledge.organization, action="pledge.progress",
                 after={"happened_on": str(happened_on), "text": text})
    if pledge.state == PledgeState.PUBLIC:
        before, keys = {"state": pledge.state}, _keys(pledge)
        pledge.state = PledgeState.FULFILLING
        _move(actor=actor, pledge=pledge, before_keys=keys, action="pledge.fulfil", fields=["state"], before=before)
    return progress


@transaction.atomic
def pledge_evaluate(*, actor, pledge: Pledge, result: str, self_evaluation: str = "", members_evaluation: str = "",
                    leader_comment: str = "", explanation: str = "", version: str | None = None) -> Pledge:
    """评诺: the self-evaluation, the members' evaluation, the leader's comment and the result; a pledge not kept
    (差) carries a public explanation. Recorded by whoever vets the pledge. ``version`` is the one the
    evaluation form was read at (core.versions)."""
    pledge = _locked(pledge)
    require(actor, access.can_vet(actor, pledge), pledge.organization)
    if pledge.state not in (PledgeState.PUBLIC, PledgeState.FULFILLING, PledgeState.EVALUATED):
        _refuse("state", _("The pledge is %(state)s; it is evaluated once it is public.") % {
            "state": pledge.get_state_display()})
    if result not in PledgeResult.values:
        _refuse("result", _("Result: choose one of %(choices)s.") % {"choices": "、".join(map(str, PledgeResult.labels))})
    explanation = str(explanation or "").strip()
    if result in NOT_KEPT_RESULTS and not explanation:
        _refuse("explanation", _("Public explanation: a pledge not kept is explained to the public."))
    values = {"result": result, "self_evaluation": str(self_evaluation or "").strip(),
              "members_evaluation": str(members_evaluation or "").strip(),
              "leader_comment": str(leader_comment or "").strip(), "explanation": explanation,
              "state": PledgeState.EVALUATED}
    refuse_if_newer(pledge, version, {name: value for name, value in values.items() if name != "state"})
    changes = {name: value for name, value in values.items() if getattr(pledge, name) != value}
    if not changes:
        return pledge
    before, keys = {name: getattr(pledge, name) for name in changes}, _keys(pledge)
    for name, value in changes.items():
        setattr(pledge, name, value)
    return _move(actor=actor, pledge=pledge, before_keys=keys, action="pledge.evaluate", fields=list(changes),
                 before=before)


@transaction.atomic
def pledge_rating_schedule(*, actor, pledge: Pledge, opens_at: datetime.datetime, closes_at: datetime.datetime,
                           voters: int | None, quorum: int = 1) -> BallotSession:
    """评诺 by the public: schedule the anonymous ballot that rates the pledge on the results' scale (one-time codes,
    opened and closed by a second person, as every ballot). One rating at a time; a new one once it is counted."""
    pledge = _locked(pledge)
    require(actor, access.can_keep(actor, pledge.organization), pledge.organization)
    if pledge.state not in RATED_STATES:
        _refuse("state", _("The pledge is %(state)s; the public rates it once it is public.") % {
            "state": pledge.get_state_display()})
    if PledgeRating.objects.filter(pledge=pledge, session__closed=False).exists():
        _refuse("state", _("The pledge's public rating is under way; a new one is scheduled once it is counted."))
    session = ballot_services.session_create(
        actor=actor, organization=pledge.organization, purpose=SessionPurpose.PLEDGE_RATING, opens_at=opens_at,
        closes_at=closes_at, quorum=quorum, voters=voters, answers=PledgeResult.choices,
        title=_("%(who)s · public rating of the pledge of %(year)s") % {"who": pledge.pledger, "year": pledge.cycle.year})
    rating = PledgeRating.objects.create(pledge=pledge, session=session)
    audit_record(actor=actor, obj=pledge, organization=pledge.organization, action="pledge.rating_schedule",
                 after={"session": session.pk, "voters": session.voters, "quorum": session.quorum})
    return rating.session


@transaction.atomic
def pledge_close(*, actor, pledge: Pledge) -> Pledge:
    """Close an evaluated pledge: its record is final for the year."""
    pledge = _locked(pledge)
    require(actor, access.can_vet(actor, pledge), pledge.organization)
    if pledge.state != PledgeState.EVALUATED:
        _refuse("state", _("The pledge is %(state)s; only an evaluated pledge is closed.") % {
            "state": pledge.get_state_display()})
    before, keys = {"state": pledge.state}, _keys(pledge)
    pledge.state = PledgeState.CLOSED
    return _move(actor=actor, pledge=pledge, before_keys=keys, action="pledge.close", fields=["state"], before=before)


def board_address(*, actor, cycle, organization) -> PublicBoard:
    """The board's random public key for the cycle, drawn the first time one who sees the organization asks
    for its page or poster (an address of ids would let anyone count through every board)."""
    require(actor, True, organization)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return PublicBoard.objects.get_or_create(cycle=cycle, organization=organization)[0]
        except IntegrityError:  # drawn at the same moment by another request: read theirs
            continue
    return PublicBoard.objects.get(cycle=cycle, organization=organization)


@transaction.atomic
def board_withdraw(*, actor, cycle, organization) -> BoardWithdrawal:
    """Withdraw an organization's public board for a cycle (its page then answers 404)."""
    require(actor, access.can_keep(actor, organization), organization)
    withdrawal, created = BoardWithdrawal.objects.get_or_create(cycle=cycle, organization=organization,
                                                                defaults={"withdrawn_by": actor})
    if created:
        audit_record(actor=actor, obj=withdrawal, organization=organization, action="board.withdraw")
    return withdrawal


@transaction.atomic
def board_restore(*, actor, cycle, organization) -> None:
    """Put a withdrawn board up again."""
    require(actor, access.can_keep(actor, organization), organization)
    withdrawal = BoardWithdrawal.objects.select_for_update().filter(cycle=cycle, organization=organization).first()
    if withdrawal is not None:
        audit_record(actor=actor, obj=withdrawal, organization=organization, action="board.restore")
        withdrawal.delete()

