"""The demo cycles: Lanshan's 2012 grading as the sample ledger has it, and an open Chenghua cycle."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from cycles import selectors, tallies
from cycles.models import Cycle, Grading
from orgs.demo import LANSHAN_COUNTY, SICUN
from standards.models import Standard


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


@pytest.mark.django_db
def test_lanshans_2013_cycle_starts_from_2012(demo, client):
    """Opening the next year offers last year's four-grade standard as a new version, and keeps each
    branch's 2012 grade as its baseline."""
    client.force_login(get_user_model().objects.get(username="lanshan_admin"))
    page = client.get(reverse("cycles:open"), {"owner": LANSHAN_COUNTY, "year": "2013"})
    form = page.context["form"]
    standard_2012 = Cycle.objects.get(year=2012).standards.get(sector="village").standard
    assert form["standard_village"].initial == standard_2012.pk  # not "none — the default three grades"
    assert "2013" in page.content.decode() and standard_2012.name in page.content.decode()
    response = client.post(reverse("cycles:open"), {
        "owner": LANSHAN_COUNTY, "year": "2013", "name": "蓝山县2013年基层党组织分类定级晋位升级", "preset": "hunan",
        "deadline_self_assessment": "2013-07-20", "deadline_superior_decision": "2013-07-31",
        "standard_village": str(standard_2012.pk), "standard_regional": "",
        "quotas-TOTAL_FORMS": "0", "quotas-INITIAL_FORMS": "0", "quotas-MIN_NUM_FORMS": "0", "quotas-MAX_NUM_FORMS": "1000"})
    assert response.status_code == 302, response.context["form"].errors
    cycle = Cycle.objects.get(year=2013)
    standard = cycle.standards.get(sector="village").standard
    assert (standard.year, standard.issuer_id, standard.scheme) == (2013, standard_2012.issuer_id, standard_2012.scheme)
    assert Standard.objects.filter(issuer=standard_2012.issuer, sector="village", year=2012).count() == 1
    sicun = Grading.objects.get(cycle=cycle, organization__code=SICUN)
    assert (sicun.baseline_grade, sicun.baseline_cycle.year) == ("average", 2012)  # 四村: set to 一般 in 2012
    assert selectors.grading_grades(grading=sicun) == ["good", "fairly_good", "average", "poor"]
    page = client.get(reverse("cycles:grading", args=[sicun.pk])).content.decode()
    assert 'class="baseline"' in page and "2012" in page
