"""Two reviewers acting on the same submission at the same moment: exactly one wins, the other is told why.

Runs real threads on real connections (on PostgreSQL the row lock decides; on SQLite the
database's single writer does).
"""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.testing import race
from cycles import services
from cycles.models import Grading, LevelList
from orgs.choices import Role
from orgs.testing import make_user
from standards.tests.factories import make_standard

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = datetime.date.today()


@pytest.fixture
def submitted(world):
    standard = make_standard(world.county_admin, world.county)
    cycle = services.cycle_open(actor=world.county_admin, owner=world.county, year=2026, name="并发", preset="hunan",
                                standards={"village": standard})
    grading = Grading.objects.get(cycle=cycle, organization=world.branch_a1)
    services.step_record(actor=world.secretary_a1, grading=grading, step="self_assessment", held_on=TODAY, grade="average")
    services.grading_submit(actor=world.secretary_a1, grading=grading)
    world.second_reviewer = make_user("reviewer_a2", roles=[(world.town_a, Role.REVIEWER)])
    return cycle, grading


def test_two_reviewers_decide_at_once_exactly_one_wins(world, submitted):
    cycle, grading = submitted
    results = race(
        lambda: services.grading_decide(actor=world.reviewer_a, grading=grading, grade="average"),
        lambda: services.grading_decide(actor=world.second_reviewer, grading=grading, grade="lagging", reason="另一意见"),
    )
    wins = [r for r in results if isinstance(r, Grading)]
    losses = [r for r in results if isinstance(r, ValidationError)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert "already" in str(losses[0]) or "已" in str(losses[0])
    grading.refresh_from_db()
    assert grading.final_grade == wins[0].final_grade


def test_two_approvals_of_one_list_exactly_one_wins(world, submitted):
    cycle, grading = submitted
    services.grading_decide(actor=world.reviewer_a, grading=grading, grade="average")
    other = Grading.objects.get(cycle=cycle, organization=world.branch_a2)  # the list goes up only when whole
    services.step_record(actor=world.admin_a, grading=other, step="self_assessment", held_on=TODAY, grade="average")
    services.grading_submit(actor=world.admin_a, grading=other)
    services.grading_decide(actor=world.reviewer_a, grading=other, grade="average")
    level_list = services.level_list_submit(actor=world.reviewer_a, cycle=cycle, level=world.town_a, exception="测试")
    other_admin = make_user("county_admin2", roles=[(world.county, Role.ADMIN)])
    results = race(lambda: services.level_list_approve(actor=world.county_admin, level_list=level_list),
                   lambda: services.level_list_approve(actor=other_admin, level_list=level_list))
    assert sum(isinstance(r, LevelList) for r in results) == 1
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
