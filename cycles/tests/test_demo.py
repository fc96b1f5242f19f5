"""The demo cycles: Lanshan's 2012 grading as the sample ledger has it, and an open Chenghua cycle."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from cycles import tallies
from cycles.models import Cycle, Grading
from orgs.demo import SICUN


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once, in an outer transaction rolled back after the module (as orgs/tests/test_demo.py)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_lanshan_2012_follows_the_sample_ledger(demo):
    cycle = Cycle.objects.get(year=2012)
    sicun = Grading.objects.get(cycle=cycle, organization__code=SICUN)
    assert (sicun.declared_grade, sicun.final_grade, sicun.state) == ("fairly_good", "average", "approved")
    assert sicun.decision_reason
    assert set(Grading.objects.filter(cycle=cycle, organization__sector="village").values_list("state", flat=True)) == {
        "approved"}
    assert tallies.stored(cycle=cycle) == tallies.recount(cycle=cycle)


@pytest.mark.django_db
def test_chenghua_cycle_is_open_with_a_standard_per_sector_and_loading_again_changes_nothing(demo):
    cycle = Cycle.objects.exclude(year=2012).get()
    assert cycle.state == "open" and cycle.steps[0] == "public_rating"
    assert {"community", "street_committee", "remote_education_site"} <= set(cycle.standards.values_list("sector", flat=True))
    before = Cycle.objects.count(), Grading.objects.count()
    call_command("load_demo", stdout=StringIO())
    assert (Cycle.objects.count(), Grading.objects.count()) == before
