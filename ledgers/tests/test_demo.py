"""The demo ledger: Lanshan's 2012 ledger reads back as the sample (seeds/004 附件三), its rectification
columns from the demo's plans."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from cycles.models import Cycle
from ledgers import selectors
from orgs.demo import LANSHAN_LEDGER, SICUN
from rectification.models import Measure, Plan


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_lanshan_ledger_reads_as_the_sample_and_loading_again_adds_nothing(demo):
    cycle = Cycle.objects.get(year=2012)
    rows = {row.code: row for row in selectors.ledger_rows(cycle=cycle, organization=cycle.owner)}
    sicun = rows[SICUN]
    assert sicun.basic_facts == "支部共有党员18人，其中预备党员1人，女党员3人，35岁以下党员2人，大专及以上党员2人，班子成员3人。"
    assert (sicun.venue, sicun.declared_label, sicun.superior_label, sicun.target_label) == (
        "2012年8月完工", "较好", "一般", "较好")
    assert (sicun.deadline_display, sicun.assisting_unit, sicun.liaison_leader, sicun.responsible_person) == (
        "2012年底", "县检察院", "杨书郎", "黄玉生")
    assert {sample.code for sample in LANSHAN_LEDGER} <= set(rows)
    assert sicun.measures.startswith("1、8月底前建好村级活动阵地；\n2、") and sicun.plan_id
    plans, measures = Plan.objects.filter(cycle=cycle).count(), Measure.objects.filter(plan__cycle=cycle).count()
    call_command("load_demo", stdout=StringIO())
    assert (Plan.objects.filter(cycle=cycle).count(), Measure.objects.filter(plan__cycle=cycle).count()) == (
        plans, measures) and plans == len(LANSHAN_LEDGER)
