"""The ledger's jobs check who may start them themselves, so a page, the API and any later caller agree:
an organization outside the user's scope or outside the cycle is missing (404), one inside it that the
user may not import into is refused (403), and no job is queued."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import Http404

from cycles import access as cycle_access
from cycles import services as cycle_services
from ledgers import jobs, layouts
from ledgers.models import LedgerJob
from ledgers.selectors import LedgerFilters

pytestmark = pytest.mark.django_db
YEAR = datetime.date.today().year


@pytest.fixture
def cycle(world):
    """A cycle of town_a alone: town_b and its branches lie outside it."""
    return cycle_services.cycle_open(actor=world.county_admin, owner=world.town_a, year=YEAR, name="甲镇分类定级",
                                     steps=["self_assessment", "superior_decision", "approval"])


def upload():
    return ContentFile(b"name,code\n", name="台账.csv")


def test_an_import_is_started_only_by_whom_may_import_into_the_level(world, cycle):
    with pytest.raises(PermissionDenied):  # a reviewer sees the town but does not keep its facts
        jobs.ledger_import_start(actor=world.reviewer_a, cycle=cycle, level=world.town_a, upload=upload())
    with pytest.raises(Http404):  # outside the user's scope
        jobs.ledger_import_start(actor=world.admin_b, cycle=cycle, level=world.branch_a1, upload=upload())
    with pytest.raises(Http404):  # inside the user's scope, outside the cycle
        jobs.ledger_import_start(actor=world.county_admin, cycle=cycle, level=world.branch_b1, upload=upload())
    assert not LedgerJob.objects.exists()
    job = jobs.ledger_import_start(actor=world.admin_a, cycle=cycle, level=world.branch_a1, upload=upload())
    assert job.organization == world.branch_a1


def test_an_export_is_started_only_for_a_level_of_the_cycle_the_user_sees(world, cycle):
    form, filters = layouts.FORMS["hunan-ledger"], LedgerFilters()
    for start in (jobs.ledger_export_start, jobs.pdf_export_start):
        with pytest.raises(Http404):
            start(actor=world.admin_b, cycle=cycle, level=world.town_a, form=form, filters=filters)
        with pytest.raises(Http404):
            start(actor=world.county_admin, cycle=cycle, level=world.town_b, form=form, filters=filters)
    assert not LedgerJob.objects.exists()


def test_one_getter_answers_for_an_organization_of_the_cycle(world, cycle):
    assert cycle_access.get_cycle_organization_for(world.admin_a, cycle.pk, world.branch_a2.pk) == (
        cycle, world.branch_a2)
    for user, organization in ((world.county_admin, world.town_b), (world.admin_b, world.branch_a1),
                               (world.county_admin, world.county)):
        with pytest.raises(Http404):
            cycle_access.get_cycle_organization_for(user, cycle.pk, organization.pk)
