"""评诺 by the public: a pledge rated through the anonymous ballot engine, its count read back on the pledge."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from ballots import services as ballot_services
from ballots.choices import QuestionKind
from ballots.models import Ballot
from ballots.tests.factories import issue_and_open, superior_of
from core.models import AuditEvent
from members.tests.factories import make_member
from pledges import selectors, services
from pledges.choices import PledgeResult, PledgeState, rating_result
from pledges.tests.factories import make_pledge, open_cycle

pytestmark = pytest.mark.django_db
SCALE = list(PledgeResult.values)


@pytest.fixture
def world(world):
    world.cycle = open_cycle(world)
    world.member = make_member(world.secretary_a1, world.branch_a1, name="毛小红")
    return world


def _public_pledge(world):
    pledge = make_pledge(world.secretary_a1, world.cycle, world.branch_a1, world.member)
    services.pledge_submit(actor=world.secretary_a1, pledge=pledge)
    services.pledge_approve(actor=world.secretary_a1, pledge=pledge)
    pledge.refresh_from_db()
    return pledge


def _schedule(world, pledge, **kwargs):
    opens_at = timezone.now() - datetime.timedelta(minutes=5)
    return services.pledge_rating_schedule(actor=world.secretary_a1, pledge=pledge, opens_at=opens_at,
                                           closes_at=opens_at + datetime.timedelta(hours=2),
                                           **{"voters": 10, "quorum": 2, **kwargs})


def test_the_rating_result_is_the_nearest_rank_of_the_mean():
    assert rating_result({"good": 3, "poor": 1}, SCALE) == "fairly_good"  # mean rank 0.75
    assert rating_result({"good": 1, "fairly_good": 1}, SCALE) == "good"  # half a rank goes to the better
    assert rating_result({"average": 2, "poor": 3}, SCALE) == "poor"
    assert rating_result({}, SCALE) is None


def test_the_public_rates_a_pledge_by_anonymous_ballot_and_the_pledge_reads_the_count(world):
    pledge = _public_pledge(world)
    session = _schedule(world, pledge)
    assert (session.question_kind, session.answers) == (QuestionKind.PLEDGE, SCALE)
    assert session.answer_labels["poor"] == str(PledgeResult.POOR.label)
    assert selectors.public_ratings(pledges=[pledge])[pledge.pk].vote_key == ""  # not open before a second person
    codes = issue_and_open(actor=world.secretary_a1, session=session, count=4)
    assert selectors.public_ratings(pledges=[pledge])[pledge.pk].vote_key == session.public_key
    for code, answer in zip(codes, ["good", "good", "fairly_good", "poor"], strict=True):
        ballot_services.ballot_cast(public_key=session.public_key, code=code, answer=answer)
    with pytest.raises(ValidationError) as refused:
        ballot_services.ballot_cast(public_key=session.public_key, code=codes[0], answer="good")
    assert "code" in refused.value.message_dict
    assert selectors.public_ratings(pledges=[pledge])[pledge.pk].ballots == 0  # sealed until counted
    ballot_services.session_close(actor=superior_of(world.branch_a1), session=session)
    rating = selectors.public_ratings(pledges=[pledge])[pledge.pk]
    assert (rating.ballots, rating.result, rating.vote_key) == (4, "fairly_good", "")
    assert dict(rating.counts)[str(PledgeResult.GOOD.label)] == 2
    assert Ballot.objects.filter(session=session).count() == 4
    event = AuditEvent.objects.get(action="pledge.rating_schedule")
    assert event.after == {"session": session.pk, "voters": 10, "quorum": 2}


def test_a_rating_is_refused_before_the_pledge_is_public_twice_at_once_or_by_others(world):
    pledge = make_pledge(world.secretary_a1, world.cycle, world.branch_a1, world.member)
    with pytest.raises(ValidationError) as refused:
        _schedule(world, pledge)
    assert "state" in refused.value.message_dict
    services.pledge_submit(actor=world.secretary_a1, pledge=pledge)
    services.pledge_approve(actor=world.secretary_a1, pledge=pledge)
    with pytest.raises(ValidationError) as refused:
        _schedule(world, pledge, voters=1, quorum=3)
    assert "quorum" in refused.value.message_dict
    _schedule(world, pledge)
    with pytest.raises(ValidationError) as refused:
        _schedule(world, pledge)
    assert "state" in refused.value.message_dict
    with pytest.raises(Http404):
        services.pledge_rating_schedule(actor=world.admin_b, pledge=pledge, opens_at=timezone.now(),
                                        closes_at=timezone.now() + datetime.timedelta(hours=1), voters=5)
    with pytest.raises(PermissionDenied):
        services.pledge_rating_schedule(actor=world.reviewer_a, pledge=pledge, opens_at=timezone.now(),
                                        closes_at=timezone.now() + datetime.timedelta(hours=1), voters=5)
    pledge.refresh_from_db()
    assert pledge.ratings.count() == 1 and pledge.state == PledgeState.PUBLIC


def test_a_pledge_rating_is_not_scheduled_from_the_ballots_own_form(world):
    with pytest.raises(ValidationError) as refused:
        ballot_services.session_create(actor=world.secretary_a1, organization=world.branch_a1,
                                       purpose="pledge_rating", opens_at=timezone.now(),
                                       closes_at=timezone.now() + datetime.timedelta(hours=1), voters=5, quorum=1)
    assert "purpose" in refused.value.message_dict
