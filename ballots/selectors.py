"""Reads of ballot sessions. Results stay sealed until the session is closed and counted."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from ballots.models import Ballot, BallotCode, BallotSession, PaperTally
from orgs import access as org_access
from orgs import paths


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


def _count_of(model) -> Coalesce:
    rows = model.objects.filter(session=OuterRef("pk")).order_by().values("session").annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n"), output_field=IntegerField()), 0)


def sessions_below(*, user, level) -> QuerySet[BallotSession]:
    """Every ballot session of the organizations under ``level`` (not its own: those its superior
    oversees), the latest first, each with its codes ``issued`` and ballots ``cast`` so far, for the
    superior who watches that nobody fills a ballot box alone. Empty for those who may not see the level."""
    if not org_access.can_view(user, level):
        return BallotSession.objects.none()
    return (BallotSession.objects
            .filter(organization__path__gt=level.path, organization__path__lt=paths.successor(level.path))
            .select_related("organization", "opened_by", "created_by")
            .annotate(issued=_count_of(BallotCode), cast=_count_of(Ballot))
            .order_by("-opens_at", "-pk"))


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
