"""People creating and editing organizations in one tree at the same moment: each change lands, none
deadlocks (real threads on real connections: on PostgreSQL row locks decide, on SQLite the single writer)."""

import pytest

from core.testing import race
from orgs import services
from orgs.models import Organization, OrganizationFacts

pytestmark = pytest.mark.django_db(transaction=True)


def test_creates_and_facts_edits_in_one_tree_at_once_all_land(world):
    # Each create locks the ancestors of its parent and then updates their counts.
    calls = [lambda n=n, parent=parent: services.organization_create(
        actor=world.county_admin, parent=parent, name=f"并发{n}党支部", code=f"RACE{n}", kind="branch", sector="village")
        for n, parent in enumerate([world.town_a, world.town_a, world.town_b, world.town_b, world.town_a, world.town_b])]
    calls += [lambda branch=branch: services.facts_save(actor=world.county_admin, organization=branch, year=2026,
                                                         members_total=30)
              for branch in (world.branch_a1, world.branch_b1)]
    results = race(*calls)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Organization.objects.filter(code__startswith="RACE").count() == 6
    assert OrganizationFacts.objects.filter(year=2026).count() == 2
    world.county.refresh_from_db()
    assert world.county.descendants_count == Organization.objects.filter(path__startswith=world.county.path).count() - 1
