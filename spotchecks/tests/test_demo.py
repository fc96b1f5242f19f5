"""The demo check: 成华区's stratified draw, verifiable, with the observer's findings and an order on a plan."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from orgs.demo import CHENGHUA_DISTRICT
from rectification.models import Measure
from spotchecks.choices import FindingResult, SpotCheckState
from spotchecks.demo import demo_spotchecks_load
from spotchecks.models import Finding, SpotCheck


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_chenghua_check_is_drawn_with_findings_and_an_order_on_a_plan(demo):
    spot_check = SpotCheck.objects.get(level__code=CHENGHUA_DISTRICT)
    assert spot_check.state == SpotCheckState.DRAWN and spot_check.entropy.startswith("福彩3D")
    strata = set(spot_check.population.values_list("stratum", flat=True))
    assert set(spot_check.sample.values_list("stratum", flat=True)) == strata and len(strata) > 3
    problem = Finding.objects.get(sampled__spot_check=spot_check, result=FindingResult.PROBLEM)
    measure = Measure.objects.get(pk=problem.measure_id)
    assert measure.plan.organization == problem.sampled.organization and measure.plan.cycle == spot_check.cycle
    out = StringIO()
    call_command("spotcheck_verify", str(spot_check.pk), stdout=out)
    assert "✗" not in out.getvalue()
    assert demo_spotchecks_load(admin=None) == 0  # loaded once
