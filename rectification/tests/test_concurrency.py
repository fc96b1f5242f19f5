"""Two reviewers acting on the same plan or measure at the same moment: exactly one wins, the other is told why.

Real threads on real connections (on PostgreSQL the row lock decides; on SQLite the single writer does).
"""

import pytest
from django.core.exceptions import ValidationError

from core.testing import race
from orgs.choices import Role
from orgs.testing import make_user
from rectification import services, tallies
from rectification.models import Plan, PlanVersion
from rectification.tests.factories import approved_plan, filed_plan, make_cycle, png

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def second_reviewer(world):
    return make_user("reviewer_a2", roles=[(world.town_a, Role.REVIEWER)])


def test_approve_and_return_at_once_exactly_one_wins(world, second_reviewer):
    cycle = make_cycle(world)
    plan = services.plan_submit(actor=world.secretary_a1, plan=filed_plan(world, cycle))
    measure = plan.measures.first()
    results = race(lambda: services.plan_approve(actor=world.reviewer_a, plan=plan),
                   lambda: services.plan_return(actor=second_reviewer, plan=plan, reasons={measure.pk: "不具体"}))
    wins = [r for r in results if isinstance(r, Plan)]
    losses = [r for r in results if isinstance(r, ValidationError)]
    assert len(wins) == 1 and len(losses) == 1, results
    plan.refresh_from_db()
    assert plan.state == wins[0].state
    assert PlanVersion.objects.filter(plan=plan).count() == (1 if plan.state == "approved" else 0)
    assert tallies.stored(cycle=cycle) == tallies.recount(cycle=cycle)


def test_two_verifications_of_one_measure_exactly_one_wins(world, second_reviewer):
    cycle = make_cycle(world)
    plan = approved_plan(world, cycle)
    measure = plan.measures.first()
    services.progress_report(actor=world.secretary_a1, measure=measure, reported_on=cycle.opened_at.date(),
                             text="完成", files=[png()])
    services.measure_complete(actor=world.secretary_a1, measure=measure)
    results = race(lambda: services.measure_verify(actor=world.reviewer_a, measure=measure),
                   lambda: services.measure_verify(actor=second_reviewer, measure=measure))
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    assert "already" in str([r for r in results if isinstance(r, ValidationError)][0]) or "已" in str(results)
    assert tallies.stored(cycle=cycle) == tallies.recount(cycle=cycle)
