"""Service tests for the organization tree, basic facts and role assignments, on the real database."""

import datetime
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from core.models import AuditEvent
from orgs import access, paths, services
from orgs.choices import OrganizationKind, Role, Sector, VenueStatus
from orgs.models import Organization, OrganizationFacts, RoleAssignment
from orgs.testing import make_org, system_user

pytestmark = pytest.mark.django_db

FACTS = dict(
    members_total=75, probationary_members=7, female_members=8, members_under_35=15, college_members=3,
    leadership_size=5, mobile_members=11, venue_status=VenueStatus.BUILT, venue_expected_completion=None,
    main_features="班子有战斗力", problems="党员、干部结构不够优化。",
)


def assert_counts_consistent():
    """Every stored count equals what a range scan over the tree finds."""
    for org in Organization.objects.all():
        active_below = Organization.objects.subtree(org.path).active().exclude(pk=org.pk).count()
        active_children = Organization.objects.filter(parent=org, dissolved_on__isnull=True).count()
        assert (org.descendants_count, org.children_count) == (active_below, active_children), org.name


def test_create_sets_path_depth_counts_and_audit(world):
    branch = services.organization_create(
        actor=world.admin_a, parent=world.town_a, name="  甲三村\u3000党支部 ", code="A3", kind=OrganizationKind.BRANCH,
        sector=Sector.VILLAGE,
    )
    assert branch.name == "甲三村 党支部"
    assert branch.path == world.town_a.path + paths.segment(branch.pk)
    assert branch.depth == 2
    world.town_a.refresh_from_db()
    world.county.refresh_from_db()
    assert world.town_a.children_count == 3 and world.town_a.descendants_count == 3
    assert world.county.descendants_count == 7
    event = AuditEvent.objects.get(object_id=str(branch.pk), action="organization.create")
    assert event.actor == world.admin_a and event.organization == branch and event.after["code"] == "A3"
    assert_counts_consistent()


def test_duplicate_code_is_refused_and_nothing_saved(world):
    before = Organization.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.organization_create(actor=world.admin_a, parent=world.town_a, name="重复", code=world.branch_b1.code,
                                     kind=OrganizationKind.BRANCH, sector=Sector.VILLAGE)
    assert "code" in caught.value.message_dict
    assert world.branch_b1.name not in caught.value.message_dict["code"][0]  # outside admin_a's scope: not named
    assert (Organization.objects.count(), AuditEvent.objects.count()) == before
    with pytest.raises(ValidationError) as caught:
        services.organization_create(actor=world.admin_a, parent=world.town_a, name="重复", code=world.branch_a2.code,
                                     kind=OrganizationKind.BRANCH, sector=Sector.VILLAGE)
    assert world.branch_a2.name in caught.value.message_dict["code"][0]
    world.town_a.refresh_from_db()
    assert world.town_a.children_count == 2


@pytest.mark.parametrize("field,value", [("name", "  "), ("code", ""), ("kind", "castle"), ("sector", "moon")])
def test_invalid_fields_are_named(world, field, value):
    data = dict(name="新支部", code="NEW1", kind=OrganizationKind.BRANCH, sector=Sector.VILLAGE) | {field: value}
    with pytest.raises(ValidationError) as caught:
        services.organization_create(actor=world.admin_a, parent=world.town_a, **data)
    assert field in caught.value.message_dict
    assert not Organization.objects.filter(code="NEW1").exists()


def test_create_outside_scope_is_404_and_without_manage_role_is_403(world):
    kwargs = dict(name="x", code="X1", kind=OrganizationKind.BRANCH, sector=Sector.VILLAGE)
    with pytest.raises(Http404):
        services.organization_create(actor=world.admin_a, parent=world.town_b, **kwargs)
    with pytest.raises(PermissionDenied):
        services.organization_create(actor=world.reviewer_a, parent=world.town_a, **kwargs)
    with pytest.raises(PermissionDenied):
        services.organization_create(actor=world.county_admin, parent=None, **kwargs)
    assert not Organization.objects.filter(code="X1").exists()


def test_update_writes_before_and_after_and_nothing_when_unchanged(world):
    services.organization_update(actor=world.admin_a, organization=world.branch_a1, name="甲一村党支部", code=world.branch_a1.code)
    assert not AuditEvent.objects.filter(action="organization.update").exists()
    services.organization_update(actor=world.admin_a, organization=world.branch_a1, name="甲一社区党支部", secretary="王芳")
    event = AuditEvent.objects.get(action="organization.update")
    assert event.before == {"name": "甲一村党支部", "secretary": ""}
    assert event.after == {"name": "甲一社区党支部", "secretary": "王芳"}
    with pytest.raises(ValidationError) as caught:
        services.organization_update(actor=world.admin_a, organization=world.branch_a1, code=world.branch_a2.code)
    assert "code" in caught.value.message_dict


def test_move_subtree_in_one_step_and_counts_follow(world):
    grandchild = make_org(world.branch_a1, name="甲一村第一党小组")
    services.organization_move(actor=world.county_admin, organization=world.branch_a1, new_parent=world.town_b, reason="区划调整")
    world.branch_a1.refresh_from_db()
    grandchild.refresh_from_db()
    assert world.branch_a1.parent == world.town_b
    assert world.branch_a1.path.startswith(world.town_b.path) and world.branch_a1.depth == 2
    assert grandchild.path.startswith(world.branch_a1.path) and grandchild.depth == 3
    assert list(Organization.objects.subtree(world.town_b.path).values_list("pk", flat=True).order_by("pk")) == sorted(
        [world.town_b.pk, world.branch_b1.pk, world.branch_b2.pk, world.branch_a1.pk, grandchild.pk])
    event = AuditEvent.objects.get(action="organization.move")
    assert event.before == {"parent": world.town_a.pk} and event.after == {"parent": world.town_b.pk}
    assert event.reason == "区划调整"
    assert_counts_consistent()


def test_move_under_own_descendant_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        services.organization_move(actor=world.county_admin, organization=world.town_a, new_parent=world.branch_a1)
    assert "parent" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.organization_move(actor=world.county_admin, organization=world.town_a, new_parent=world.town_a)
    world.town_a.refresh_from_db()
    assert world.town_a.parent == world.county


def test_move_outside_scope_is_refused(world):
    with pytest.raises(Http404):
        services.organization_move(actor=world.admin_a, organization=world.branch_a1, new_parent=world.town_b)
    with pytest.raises(Http404):
        services.organization_move(actor=world.admin_a, organization=world.branch_b1, new_parent=world.town_a)
    world.branch_a1.refresh_from_db()
    assert world.branch_a1.parent == world.town_a


def test_dissolve_keeps_history_and_needs_empty_subtree_and_reason(world):
    with pytest.raises(ValidationError) as caught:
        services.organization_dissolve(actor=world.county_admin, organization=world.town_a,
                                       dissolved_on=datetime.date(2026, 1, 1), reason="撤并")
    assert "2" in caught.value.messages[0]
    with pytest.raises(ValidationError) as caught:
        services.organization_dissolve(actor=world.admin_a, organization=world.branch_a2,
                                       dissolved_on=datetime.date(2026, 1, 1), reason=" ")
    assert "reason" in caught.value.message_dict
    services.organization_dissolve(actor=world.admin_a, organization=world.branch_a2,
                                   dissolved_on=datetime.date(2026, 1, 1), reason="村改居")
    world.branch_a2.refresh_from_db()
    assert world.branch_a2.dissolved_on == datetime.date(2026, 1, 1)
    assert Organization.objects.filter(pk=world.branch_a2.pk).exists()
    assert_counts_consistent()
    with pytest.raises(ValidationError):
        services.organization_dissolve(actor=world.admin_a, organization=world.branch_a2,
                                       dissolved_on=datetime.date(2026, 1, 2), reason="again")


def test_merge_moves_subordinates_and_dissolves_the_source(world):
    group = make_org(world.branch_a2, name="党小组")
    services.organization_merge(actor=world.admin_a, source=world.branch_a2, target=world.branch_a1,
                                merged_on=datetime.date(2026, 3, 1), reason="两村合并")
    world.branch_a2.refresh_from_db()
    group.refresh_from_db()
    assert world.branch_a2.merged_into == world.branch_a1 and not world.branch_a2.is_active
    assert group.parent == world.branch_a1
    assert_counts_consistent()
    with pytest.raises(ValidationError):
        services.organization_merge(actor=world.admin_a, source=world.branch_a1, target=group,
                                    merged_on=datetime.date(2026, 3, 1), reason="x")


def test_random_operations_keep_counts_exact(world):
    rng = random.Random(20261126)
    actor = system_user()
    for step in range(120):
        active = list(Organization.objects.active())
        operation = rng.choice(["create", "create", "move", "dissolve", "merge"])
        org = rng.choice(active)
        try:
            if operation == "create":
                make_org(org, name=f"随机{step}")
            elif operation == "move":
                services.organization_move(actor=actor, organization=org, new_parent=rng.choice(active))
            elif operation == "dissolve":
                services.organization_dissolve(actor=actor, organization=org, dissolved_on=datetime.date(2026, 5, 1), reason="r")
            else:
                services.organization_merge(actor=actor, source=org, target=rng.choice(active),
                                            merged_on=datetime.date(2026, 5, 1), reason="r")
        except (ValidationError, PermissionDenied):
            pass  # refused operations must leave everything as it was; the check below proves it
    assert_counts_consistent()
    for org in Organization.objects.all():
        expected = org.parent.path + paths.segment(org.pk) if org.parent_id else paths.segment(org.pk)
        assert org.path == expected and org.depth == paths.depth_of(org.path)


def test_facts_save_creates_updates_and_validates(world):
    facts = services.facts_save(actor=world.secretary_a1, organization=world.branch_a1, year=2012, **FACTS)
    assert facts.members_total == 75
    services.facts_save(actor=world.secretary_a1, organization=world.branch_a1, year=2012, **FACTS)
    assert AuditEvent.objects.filter(action__startswith="facts.").count() == 1
    services.facts_save(actor=world.secretary_a1, organization=world.branch_a1, year=2012, **(FACTS | {"mobile_members": "12"}))
    event = AuditEvent.objects.get(action="facts.update")
    assert event.before == {"mobile_members": 11} and event.after == {"mobile_members": 12}

    with pytest.raises(ValidationError) as caught:
        services.facts_save(actor=world.secretary_a1, organization=world.branch_a1, year=2013,
                            **(FACTS | {"female_members": 80, "leadership_size": "-1", "venue_status": "palace"}))
    assert set(caught.value.message_dict) == {"leadership_size", "venue_status"}
    with pytest.raises(ValidationError) as caught:
        services.facts_save(actor=world.secretary_a1, organization=world.branch_a1, year=2013, **(FACTS | {"female_members": 80}))
    assert set(caught.value.message_dict) == {"female_members"}
    with pytest.raises(ValidationError) as caught:
        services.facts_save(actor=world.secretary_a1, organization=world.branch_a1, year=2013,
                            **(FACTS | {"venue_status": VenueStatus.UNDER_CONSTRUCTION}))
    assert set(caught.value.message_dict) == {"venue_expected_completion"}
    assert not OrganizationFacts.objects.filter(year=2013).exists()


def test_facts_only_by_managers_and_own_secretary(world):
    with pytest.raises(Http404):  # a secretary sees only their own branch
        services.facts_save(actor=world.secretary_a1, organization=world.branch_a2, year=2012, **FACTS)
    with pytest.raises(PermissionDenied):
        services.facts_save(actor=world.reviewer_a, organization=world.branch_a1, year=2012, **FACTS)
    with pytest.raises(Http404):
        services.facts_save(actor=world.admin_b, organization=world.branch_a1, year=2012, **FACTS)
    services.facts_save(actor=world.admin_a, organization=world.branch_a1, year=2012, **FACTS)


def test_role_assignment_scope(world):
    assignment = services.role_assignment_create(actor=world.admin_a, user=world.norole, organization=world.branch_a2,
                                                 role=Role.SECRETARY)
    assert access.can_view(world.norole, world.branch_a2)
    with pytest.raises(Http404):
        services.role_assignment_create(actor=world.admin_a, user=world.norole, organization=world.town_b, role=Role.ADMIN)
    with pytest.raises(Http404):
        services.role_assignment_delete(actor=world.admin_b, assignment=assignment)
    services.role_assignment_delete(actor=world.admin_a, assignment=assignment, reason="调离")
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert AuditEvent.objects.filter(action="role.revoke", reason="调离").exists()


def test_one_level_down_decides(world):
    """下管一级: a level decides on its direct subordinates, not on itself nor two levels down."""
    assert access.can_decide(world.reviewer_a, world.branch_a1)
    assert not access.can_decide(world.reviewer_a, world.town_a)
    assert not access.can_decide(world.reviewer_a, world.branch_b1)
    assert access.can_decide(world.county_admin, world.town_a)
    assert not access.can_decide(world.county_admin, world.branch_a1)
    assert not access.can_decide(world.secretary_a1, world.branch_a1)
    assert access.can_decide(system_user(), world.branch_a1)  # a system administrator acts for any level


def test_visible_to_is_the_union_of_subtrees(world):
    visible = set(Organization.objects.visible_to(world.admin_a).values_list("pk", flat=True))
    assert visible == {world.town_a.pk, world.branch_a1.pk, world.branch_a2.pk}
    assert not Organization.objects.visible_to(world.norole).exists()
    services.role_assignment_create(actor=system_user(), user=world.admin_a, organization=world.branch_b1, role=Role.OBSERVER)
    assert world.branch_b1 in Organization.objects.visible_to(world.admin_a)
    assert not access.can_manage(world.admin_a, world.branch_b1)
