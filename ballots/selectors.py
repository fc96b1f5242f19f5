"""Reads of ballot sessions. Results stay sealed until the session is closed and counted."""

from django.db.models import QuerySet

from ballots.models import BallotSession, PaperTally
from orgs import access as org_access


def session_list(*, user, organization) -> QuerySet[BallotSession]:
    """The organization's ballot sessions, for those who may see it."""
    if not org_access.can_view(user, organization):
        return BallotSession.objects.none()
    return BallotSession.objects.filter(organization=organization).select_related("grading__cycle")


def session_results(*, user, session: BallotSession) -> dict | None:
    """The counted results of a closed session; None while it is open or for those who may not see it."""
    if not session.closed or not org_access.can_view(user, session.organization):
        return None
    return session.tallies


def session_issued(*, session: BallotSession) -> int:
    """How many codes were issued (not how many were used: that would be turnout before the count)."""
    return session.codes.count()


def paper_tally_list(*, session: BallotSession) -> QuerySet[PaperTally]:
    return session.paper_tallies.select_related("entered_by", "confirmed_by").order_by("entered_at", "pk")


def receipt_list(*, session: BallotSession) -> list[str] | None:
    """The receipts of a closed session's electronic ballots, sorted; None before it is closed.

    Public, and on purpose receipts only, without each ballot's answer: a list of receipt and
    answer would let a voter check their choice, but it would equally let anyone who bought or
    forced a vote demand the receipt and check that the vote was delivered — the secret ballot
    would no longer protect the voter. A receipt in the list shows that the ballot was counted;
    the counts per answer are published with the results.
    """
    if not session.closed:
        return None
    return sorted(session.ballots.values_list("receipt", flat=True))
