"""Vote counts recorded for a grading step: never more votes than the step's participants."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from cycles import services
from cycles.models import Grading, StepRecord
from standards.tests.factories import make_standard

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def refusal(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def test_vote_counts_cannot_exceed_the_participants(world):
    standard = make_standard(world.county_admin, world.county)
    cycle = services.cycle_open(actor=world.county_admin, owner=world.county, year=2026, name="2026年分类定级",
                                standards={"village": standard}, preset="chenghua")
    grading = Grading.objects.get(cycle=cycle, organization=world.branch_a1)
    record = lambda step, participants, votes: services.step_record(  # noqa: E731
        actor=world.secretary_a1, grading=grading, step=step, held_on=TODAY, participants=participants, votes=votes)
    refused = refusal(lambda: record("public_rating", 10, {"advanced": 8, "average": 5}))
    assert set(refused) == {"votes"} and "13" in refused["votes"][0] and "10" in refused["votes"][0]
    assert "票数" in refused["votes"][0]  # the field, named in Chinese
    assert set(refusal(lambda: record("public_rating", 0, {"advanced": 1}))) == {"votes"}
    assert not StepRecord.objects.exists()
    record("public_rating", 13, {"advanced": 8, "average": 5})  # as many votes as participants
    services.step_record(actor=world.secretary_a1, grading=grading, step="member_review", held_on=TODAY, grade="average")
    services.step_record(actor=world.secretary_a1, grading=grading, step="self_assessment", held_on=TODAY, grade="average")
    assert set(refusal(lambda: record("meeting_review", 30, {"agree": 28, "disagree": 2, "abstain": 1}))) == {"votes"}
    record("meeting_review", 31, {"agree": 28, "disagree": 2, "abstain": 1})
    assert StepRecord.objects.get(step="meeting_review").votes == {"agree": 28, "disagree": 2, "abstain": 1}
