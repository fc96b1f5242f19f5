"""The demo: Lanshan's 2012 year end has 土市乡's drafted summary with its secretary's report, and the county's
shortlist proposed by the first year's rules, each candidate with its reasons; loading again adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from cycles.models import Cycle, Grading
from orgs.demo.lanshan import LANSHAN_COUNTY, TUSHI
from yearend.models import Candidate, SecretaryReport, YearSummary

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def test_lanshans_year_end(demo):
    cycle = Cycle.objects.get(owner__code=LANSHAN_COUNTY, year=2012)
    summary = YearSummary.objects.get(cycle=cycle, organization__code=TUSHI)
    assert "中共蓝山县土市乡委员会" in summary.text and summary.state == "draft"
    assert SecretaryReport.objects.get(summary=summary).secretary == "欧阳明"
    candidates = Candidate.objects.filter(shortlist__cycle=cycle, shortlist__organization__code=LANSHAN_COUNTY)
    assert candidates.exists() and all(c.reasons for c in candidates)
    graded = dict(Grading.objects.filter(cycle=cycle).values_list("organization_id", "final_grade"))
    assert {graded[c.organization_id] for c in candidates} == {"good"}  # the four-grade scheme's best


def test_loading_again_adds_nothing(demo):
    before = (YearSummary.objects.count(), Candidate.objects.count())
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert (YearSummary.objects.count(), Candidate.objects.count()) == before
