"""The synthetic tree generator and the SQL recount: the generated tree is a correct tree."""

import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Max

from core.models import AuditEvent
from orgs import paths
from orgs.choices import OrganizationKind, Sector
from orgs.models import Organization
from orgs.synthetic import generator, organization_counts_recount, synthetic_tree_create
from orgs.testing import make_org

pytestmark = pytest.mark.django_db


def test_segment_table_agrees_with_paths():
    values = [1, 35, 36, 1295, 1296, 46655, 46656, 46657, paths.MAX_ID]
    values += random.Random(0).sample(range(1, paths.MAX_ID), 2000)
    assert [generator._segment(value) for value in values] == [paths.segment(value) for value in values]
    with pytest.raises(ValueError):
        generator._segment(paths.MAX_ID + 1)


def test_generated_counts_paths_and_subtrees_are_right():
    result = synthetic_tree_create(count=2000, seed=3, root_code="T1")
    root = Organization.objects.get(pk=result.root_id)
    assert (root.code, root.parent_id, root.depth, root.descendants_count) == ("T1", None, 0, 1999)
    assert Organization.objects.subtree(root.path).count() == 2000
    # Shaped like a province: cities, counties, towns and units, then branches.
    assert set(result.levels) >= {0, 1, 2, 3, 4}
    assert 1 < result.levels[1] <= 15 and result.levels[4] > result.levels[3] > result.levels[2]
    sectors = set(Organization.objects.values_list("sector", flat=True))
    assert {Sector.VILLAGE, Sector.COMMUNITY, Sector.AGENCY, Sector.PUBLIC_INSTITUTION} <= sectors
    assert Organization.objects.filter(kind=OrganizationKind.BRANCH).count() > 1500

    recount = organization_counts_recount()
    assert (recount.checked, recount.mismatched, recount.shape_problems) == (2000, 0, 0)

    # Every organization with subordinates: the range query agrees with the kept-current counts.
    children = dict(Organization.objects.values("parent").annotate(n=Count("id")).values_list("parent", "n"))
    for org in Organization.objects.filter(children_count__gt=0):
        assert Organization.objects.subtree(org.path).count() == org.descendants_count + 1, org.code
        assert children[org.pk] == org.children_count
        assert org.code.startswith("T1")
    leaf = Organization.objects.filter(children_count=0).order_by("-depth").first()
    assert Organization.objects.subtree(leaf.path).count() == 1
    assert leaf.path == "".join(paths.segment(pk) for pk in [*paths.ancestor_ids(leaf.path), leaf.pk])
    assert AuditEvent.objects.filter(action="organization.generate", object_id=str(root.pk)).count() == 1


def test_attached_under_an_existing_organization_the_ancestors_grow():
    county = make_org(None, name="测试县委", kind=OrganizationKind.COMMITTEE, sector=Sector.REGIONAL)
    town = make_org(county, name="甲镇党委", kind=OrganizationKind.COMMITTEE, sector=Sector.REGIONAL)
    make_org(town, name="甲一村党支部")
    first_id = Organization.objects.aggregate(Max("id"))["id__max"] + 1

    result = synthetic_tree_create(count=300, seed=1, root_code="T2", parent=town)

    assert result.first_id == first_id
    root = Organization.objects.get(pk=result.root_id)
    assert (root.parent_id, root.depth, root.path[: len(town.path)]) == (town.pk, 2, town.path)
    town.refresh_from_db()
    county.refresh_from_db()
    assert (town.children_count, town.descendants_count) == (2, 301)
    assert county.descendants_count == 302
    recount = organization_counts_recount()
    assert recount.mismatched == 0 and recount.shape_problems == 0

    # The id sequence was moved past the generated ids: the services create as before.
    later = make_org(town, name="甲二村党支部")
    assert later.pk > result.first_id + 299
    town.refresh_from_db()
    assert town.descendants_count == 302


def test_same_seed_same_tree_and_clashing_codes_refused():
    first = synthetic_tree_create(count=400, seed=9, root_code="T3")
    second = synthetic_tree_create(count=400, seed=9, root_code="T4")

    def shape(result):
        root = Organization.objects.get(pk=result.root_id)
        return [(org.depth, org.name, org.code[2:], org.children_count)
                for org in Organization.objects.subtree(root.path).order_by("path")]

    assert shape(first) == shape(second)
    with pytest.raises(ValueError):
        synthetic_tree_create(count=10, seed=1, root_code="T3")
    with pytest.raises(ValueError):
        synthetic_tree_create(count=10, seed=1, root_code="bad code")


def test_recount_finds_and_fixes_wrong_counts():
    result = synthetic_tree_create(count=500, seed=2, root_code="T5")
    city = Organization.objects.filter(parent_id=result.root_id).order_by("code").first()
    Organization.objects.filter(pk=city.pk).update(children_count=999, descendants_count=0)

    found = organization_counts_recount()
    assert found.mismatched == 1 and not found.fixed
    example = found.examples[0]
    assert (example.organization_id, example.children_count, example.descendants_count) == (city.pk, 999, 0)
    assert (example.children_recounted, example.descendants_recounted) == (city.children_count,
                                                                           city.descendants_count)

    assert organization_counts_recount(fix=True).fixed
    city.refresh_from_db()
    assert (city.children_count, city.descendants_count) == (example.children_recounted,
                                                             example.descendants_recounted)
    assert organization_counts_recount().mismatched == 0


def test_generate_tree_command():
    output = StringIO()
    call_command("generate_tree", "250", "--seed", "4", "--root-code", "T6", "--check", stdout=output)
    assert Organization.objects.filter(code__startswith="T6").count() == 250
    assert "250" in output.getvalue()
