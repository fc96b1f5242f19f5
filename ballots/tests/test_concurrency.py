"""Fifty requests cast with one code at the same moment: exactly one ballot is accepted.

Real threads on real connections: on PostgreSQL the conditional UPDATE of the code row decides,
on SQLite the database's single writer does.
"""

import time

import pytest
from django.core.exceptions import ValidationError

from ballots import selectors, services
from ballots.models import Ballot, BallotCode, BallotSession
from ballots.tests.factories import issue_and_open, make_session
from core.testing import race

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 50


def test_fifty_casts_with_one_code_exactly_one_accepted(world):
    session = make_session(world.secretary_a1, world.branch_a1)
    (code,) = issue_and_open(actor=world.secretary_a1, session=session, count=1)
    answers = ["satisfied", "dissatisfied"] * (THREADS // 2)
    results = race(*[lambda a=a: services.ballot_cast(session_id=session.pk, code=code, answer=a) for a in answers])
    refused = [r for r in results if isinstance(r, ValidationError)]
    accepted = [r for r in results if isinstance(r, services.Cast)]
    assert len(accepted) == 1 and len(refused) == THREADS - 1, [r for r in results if not isinstance(r, services.Cast) and r not in refused]
    assert all(set(r.message_dict) == {"code"} for r in refused)
    assert Ballot.objects.filter(session=session).count() == 1
    assert BallotCode.objects.get(session=session).used


@pytest.mark.parametrize("delay", [0.0, 0.03])
def test_casts_racing_the_close_are_all_counted(world, delay):
    """Casts share the session row, the close locks it: a ballot is either counted or refused, never lost.
    Eight voters' threads cast eight codes each, one after another, while a ninth closes the session."""
    session = make_session(world.secretary_a1, world.branch_a1)
    codes = issue_and_open(actor=world.secretary_a1, session=session, count=64)

    def voter(batch):
        outcomes = []
        for code in batch:
            time.sleep(0.005)  # voters arrive one by one: gaps between their shared locks let the close in
            try:
                outcomes.append(services.ballot_cast(session_id=session.pk, code=code, answer="satisfied"))
            except ValidationError as refused:
                outcomes.append(refused)
        return outcomes

    def closer():
        time.sleep(delay)
        return services.session_close(actor=world.reviewer_a, session=session)

    results = race(closer, *[lambda n=n: voter(codes[n::8]) for n in range(8)])
    assert isinstance(results[0], BallotSession), results[0]
    assert all(isinstance(outcomes, list) for outcomes in results[1:]), results[1:]
    outcomes = [outcome for batch in results[1:] for outcome in batch]
    accepted = [r for r in outcomes if isinstance(r, services.Cast)]
    refused = [r for r in outcomes if isinstance(r, ValidationError)]
    assert len(accepted) + len(refused) == len(codes)
    assert all(set(r.message_dict) == {"session"} for r in refused)  # refused only because the ballot had closed
    session = BallotSession.objects.get(pk=session.pk)
    assert session.closed
    assert session.tallies["ballots"] == len(accepted) == Ballot.objects.filter(session=session).count()
    assert BallotCode.objects.filter(session=session, used=True).count() == len(accepted)
    assert sorted(selectors.receipt_list(session=session)) == sorted(cast.receipt for cast in accepted)
