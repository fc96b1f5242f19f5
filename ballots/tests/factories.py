"""Ballot sessions for tests: open now, for an hour either side."""

import datetime

from django.utils import timezone

from ballots import services


def make_session(actor, organization, *, purpose="satisfaction", grading=None, quorum=1, opens_in=-60, minutes=120):
    opens_at = timezone.now() + datetime.timedelta(minutes=opens_in)
    return services.session_create(actor=actor, organization=organization, purpose=purpose, grading=grading,
                                   quorum=quorum, opens_at=opens_at, closes_at=opens_at + datetime.timedelta(minutes=minutes))
