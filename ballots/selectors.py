"""Reads of ballot sessions. Results stay sealed until the session is closed and counted."""

from django.db.models import QuerySet

from ballots.models import BallotSession
from orgs import access as org_access


def session_list(*, user, organization) -> QuerySet[BallotSession]:
    """The organization's ballot sessions, for those who may see it."""
    if not org_access.can_view(user, organization):
        return BallotSession.objects.none()
    return BallotSession.objects.filter(organization=organization)


def session_results(*, user, session: BallotSession) -> dict | None:
    """The counted results of a closed session; None while it is open or for those who may not see it."""
    if not session.closed or not org_access.can_view(user, session.organization):
        return None
    return session.tallies
