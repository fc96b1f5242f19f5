"""Fifty requests cast with one code at the same moment: exactly one ballot is accepted.

Real threads on real connections: on PostgreSQL the conditional UPDATE of the code row decides,
on SQLite the database's single writer does.
"""

import pytest
from django.core.exceptions import ValidationError

from ballots import services
from ballots.models import Ballot, BallotCode
from ballots.tests.factories import make_session
from core.testing import race

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 50


def test_fifty_casts_with_one_code_exactly_one_accepted(world):
    session = make_session(world.secretary_a1, world.branch_a1)
    (code,) = services.codes_generate(actor=world.secretary_a1, session=session, count=1)
    answers = ["satisfied", "dissatisfied"] * (THREADS // 2)
    results = race(*[lambda a=a: services.ballot_cast(session_id=session.pk, code=code, answer=a) for a in answers])
    refused = [r for r in results if isinstance(r, ValidationError)]
    accepted = [r for r in results if isinstance(r, services.Cast)]
    assert len(accepted) == 1 and len(refused) == THREADS - 1, [r for r in results if not isinstance(r, services.Cast) and r not in refused]
    assert all(set(r.message_dict) == {"code"} for r in refused)
    assert Ballot.objects.filter(session=session).count() == 1
    assert BallotCode.objects.get(session=session).used
