"""Reads of pledges: an organization's and its members' for a cycle, the public board, and what waits for a user."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q

from ballots.choices import SessionState, answer_label
from core.keys import public_key_normalized
from orgs import access as org_access
from pledges import access, tallies
from pledges.choices import BOARD_STATES, PledgeKind, PledgeResult, PledgeState, rating_result
from pledges.models import BoardWithdrawal, Pledge, PledgeItem, PledgeRating, Progress, PublicBoard


def pledge_list(*, cycle, organization):
    """The organization's own pledge and its members' for a cycle, the organization's first."""
    return (Pledge.objects.filter(cycle=cycle, organization=organization)
            .select_related("member", "organization").order_by("-kind", "member__name", "pk"))


@dataclass(frozen=True)
class PublicRating:
    """What the public said of a pledge: the open ballot's key (to vote), and the last count with its result."""

    vote_key: str = ""
    counts: tuple = ()
    ballots: int = 0
    result: str = ""

    @property
    def result_label(self) -> str:
        return str(PledgeResult(self.result).label) if self.result else ""


def _rating(ratings: list[PledgeRating]) -> PublicRating:
    """From a pledge's ratings, newest first: the one open now, and the latest counted with its quorum met."""
    open_now = next((r.session for r in ratings if r.session.state == SessionState.OPEN), None)
    counted = next((r.session for r in ratings if r.session.closed and r.session.tallies.get("quorum_met")), None)
    if counted is None:
        return PublicRating(vote_key=open_now.public_key if open_now else "")
    counts = counted.tallies["counts"]
    scale = list(counted.answers)
    return PublicRating(vote_key=open_now.public_key if open_now else "",
                        counts=tuple((answer_label(value, counted), counts.get(value, 0)) for value in scale),
                        ballots=counted.tallies["ballots"], result=rating_result(counts, scale) or "")


def public_ratings(*, pledges) -> dict[int, PublicRating]:
    """The public rating of each of these pledges, in one query (the board and the pledge's page)."""
    by_pledge: dict[int, list[PledgeRating]] = {}
    for rating in PledgeRating.objects.filter(pledge__in=[p.pk for p in pledges]).select_related("session").only(
            "pledge_id", "session__public_key", "session__answers", "session__answer_labels", "session__tallies",
            "session__closed", "session__opens_at", "session__closes_at", "session__opened_at").order_by("-session_id"):
        by_pledge.setdefault(rating.pledge_id, []).append(rating)
    return {pledge.pk: _rating(by_pledge.get(pledge.pk, [])) for pledge in pledges}


def pledge_rating_list(*, pledge) -> list[PledgeRating]:
    """The pledge's public ratings, newest first, with their sessions (for the pledge's keepers)."""
    return list(PledgeRating.objects.filter(pledge=pledge).select_related("session").order_by("-session_id"))


def board_by_key(key) -> PublicBoard | None:
    """The board whose public key this is, with its cycle and organization (None for any other string)."""
    key = public_key_normalized(key)
    if key is None:
        return None
    return PublicBoard.objects.select_related("cycle__owner", "organization").filter(public_key=key).first()


def board_is_withdrawn(*, cycle, organization) -> bool:
    return BoardWithdrawal.objects.filter(cycle=cycle, organization=organization).exists()


def board_pledges(*, cycle, organization) -> list[Pledge]:
    """公示栏: the organization's pledges once public, with their items and progress; members by name only."""
    items = PledgeItem.objects.prefetch_related(Prefetch("progress", queryset=Progress.objects.only(
        "item_id", "happened_on", "text")))
    return list(Pledge.objects.filter(cycle=cycle, organization=organization, state__in=BOARD_STATES)
                .select_related("member", "organization").only(
                    "kind", "state", "result", "explanation", "member__name", "organization__name", "cycle_id")
                .prefetch_related(Prefetch("items", queryset=items)).order_by("-kind", "member__name", "pk"))


def pledges_to_vet(*, user, limit: int = 20) -> list[Pledge]:
    """To-do: pledges under review that the user vets (a member's in the user's branch, an organization's just below).

    Only where the user holds a role on the branch or its parent: a district's administrator may vet any of its
    branches' pledges, but they are the branches' work, not the district's to-do (下管一级)."""
    if not user.is_authenticated:
        return []
    kept = [pk for _path, role, pk in org_access.user_roles(user)]
    waiting = Pledge.objects.filter(state=PledgeState.SUBMITTED).filter(
        Q(kind=PledgeKind.MEMBER, organization_id__in=kept)
        | Q(kind=PledgeKind.ORGANIZATION, organization__parent_id__in=kept)
    ).select_related("organization__parent", "member", "cycle__owner")[: limit * 3]
    return [pledge for pledge in waiting if access.can_vet(user, pledge)][:limit]


def pledges_returned(*, user, limit: int = 20) -> list[Pledge]:
    """To-do: drafted pledges returned with a reason, in organizations the user holds a role on."""
    if not user.is_authenticated:
        return []
    kept = [pk for _path, role, pk in org_access.user_roles(user)]
    returned = Pledge.objects.filter(state=PledgeState.DRAFT, organization_id__in=kept).exclude(
        return_reason="").select_related("organization", "member", "cycle")[: limit * 3]
    return [pledge for pledge in returned if org_access.can_edit_facts(user, pledge.organization)][:limit]


def level_summary(*, cycle, organization) -> dict:
    """A level's pledge counts by kind × state and kind × result, from the kept-current tallies."""
    return tallies.level_counts(cycle=cycle, organization=organization)


def todo_list(*, user, limit: int = 20) -> list[tuple[str, Pledge]]:
    """What pledges await the user: ("vet", pledge) to review, ("rework", pledge) returned to redraft."""
    return ([("vet", pledge) for pledge in pledges_to_vet(user=user, limit=limit)]
            + [("rework", pledge) for pledge in pledges_returned(user=user, limit=limit)])
