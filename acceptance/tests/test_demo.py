"""The demo acceptance: Lanshan's 2012 round with a plausible transition against its targets, and Chenghua's
targets with a street raising one."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from acceptance import selectors, tallies
from acceptance.models import Acceptance, Target
from cycles.models import Cycle
from orgs.demo import LANSHAN_COUNTY, LANSHAN_LEDGER, MENGZHUIWAN
from orgs.models import Organization


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_lanshan_2012_is_accepted_with_one_branch_to_revisit(demo):
    cycle = Cycle.objects.get(year=2012, owner__code=LANSHAN_COUNTY)
    branches = Acceptance.objects.filter(cycle=cycle, organization__code__in=[row.code for row in LANSHAN_LEDGER])
    assert sorted(branches.values_list("state", flat=True)) == ["failed", "passed", "passed", "passed", "passed"]
    assert branches.filter(revisit=True).count() == 1
    county = Organization.objects.get(code=LANSHAN_COUNTY)
    matrix = selectors.transition_matrix(cycle=cycle, organization=county, kind="grade")
    assert sum(n for (row, column), n in matrix.cells.items() if row != "ungraded") == 5
    assert any(line.rate.base for line in selectors.target_rates(cycle=cycle, organization=county))
    assert tallies.stored(cycle=cycle) == tallies.recount(cycle=cycle)


@pytest.mark.django_db
def test_chenghua_has_the_seeds_targets_and_a_street_raises_one(demo):
    street = Organization.objects.get(code=MENGZHUIWAN)
    cycle = Cycle.objects.exclude(year=2012).get(owner__code=street.parent.code)
    assert Target.objects.filter(cycle=cycle, organization=street.parent).count() == 11
    held = {(t.sector, t.origin, t.goal): t for t in selectors.targets_in_force(cycle=cycle, level=street)}
    raised = held[("community", "grade:average", "title:district")]
    assert (raised.share, raised.level) == (Decimal("0.2"), street)


@pytest.mark.django_db
def test_loading_again_changes_nothing(demo):
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert Acceptance.objects.filter(cycle__year=2012, state="passed").count() == 4
