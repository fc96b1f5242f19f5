"""Ballot sessions for tests: open now, for an hour either side, once a second person opens them."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from ballots import services
from orgs.access import DECIDING_ROLES


def make_session(actor, organization, *, purpose="satisfaction", grading=None, quorum=1, voters=100, opens_in=-60,
                 minutes=120):
    """A scheduled session, not yet opened: its codes are issued first, then a second person opens it."""
    opens_at = timezone.now() + datetime.timedelta(minutes=opens_in)
    return services.session_create(actor=actor, organization=organization, purpose=purpose, grading=grading,
                                   quorum=quorum, voters=voters, opens_at=opens_at,
                                   closes_at=opens_at + datetime.timedelta(minutes=minutes))


def superior_of(organization):
    """A person who decides on the organization (a reviewer or administrator of its parent)."""
    return get_user_model().objects.filter(roles__organization=organization.parent_id,
                                           roles__role__in=DECIDING_ROLES).order_by("pk").first()


def issue_and_open(*, actor, session, count: int, opener=None) -> list[str]:
    """Issue ``count`` codes as ``actor``, then open the session as ``opener`` (by default its
    organization's superior), the second person; the codes, as codes_generate returns them."""
    codes = services.codes_generate(actor=actor, session=session, count=count)
    opened = services.session_open(actor=opener or superior_of(session.organization), session=session)
    session.opened_by, session.opened_at = opened.opened_by, opened.opened_at  # the caller's object, as it is now
    return codes
