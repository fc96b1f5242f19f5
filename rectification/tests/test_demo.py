"""The demo plans: Lanshan's five branches as the sample ledger has them, a Chenghua street in every state."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from cycles.models import Cycle
from orgs.demo import MENGZHUIWAN, SICUN
from rectification import selectors, tallies
from rectification.demo import demo_rectification_load
from rectification.models import Measure, MidyearCheck, Plan
from rectification.rules import LEDGER_MEASURES_WIDTH


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_lanshan_plans_carry_the_sample_ledgers_rectification_columns(demo):
    cycle = Cycle.objects.get(year=2012)
    plans = Plan.objects.filter(cycle=cycle)
    assert plans.count() == 5 and set(plans.values_list("state", flat=True)) == {"approved"}
    sicun = plans.get(organization__code=SICUN)
    assert (sicun.current_grade, sicun.target_grade) == ("average", "fairly_good")
    columns = selectors.ledger_columns(cycle=cycle, organization_ids=[sicun.organization_id])[sicun.organization_id]
    assert columns.measures.startswith("1、8月底前建好村级活动阵地；\n2、加大新农村建设力度")
    assert (columns.assisting_unit, columns.liaison_leader, columns.responsible_person) == ("县检察院", "杨书郎", "黄玉生")
    assert len(columns.measures) <= LEDGER_MEASURES_WIDTH
    first = Measure.objects.filter(plan=sicun).order_by("pk").first()
    assert str(first.deadline) == "2012-08-31"  # "8月底前"
    assert MidyearCheck.objects.get(cycle=cycle, organization=sicun.organization).rating == "criticize"
    assert tallies.stored(cycle=cycle) == tallies.recount(cycle=cycle)


@pytest.mark.django_db
def test_a_chenghua_street_has_plans_in_every_state(demo, django_user_model):
    cycle = Cycle.objects.exclude(year=2012).get()
    plans = Plan.objects.filter(cycle=cycle, organization__parent__code=MENGZHUIWAN)
    assert {"draft", "submitted", "returned", "approved"} <= set(plans.values_list("state", flat=True))
    assert {"planned", "in_progress", "done", "verified"} <= set(
        Measure.objects.filter(plan__in=plans).values_list("state", flat=True))
    assert tallies.stored(cycle=cycle) == tallies.recount(cycle=cycle)
    admin = django_user_model.objects.get(username="admin")
    assert demo_rectification_load(admin=admin) == 0  # a second run changes nothing
    reviewer = django_user_model.objects.get(username="mzw_reviewer")
    kinds = {t.kind for t in selectors.todo_list(user=reviewer)}
    assert {"review_plan", "verify", "answer"} <= kinds
