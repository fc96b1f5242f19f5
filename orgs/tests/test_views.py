"""Page behaviour: forms call the services, errors name the field, lists stay inside the scope."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from core.models import AuditEvent
from orgs.models import Organization, OrganizationFacts
from orgs.testing import make_org

pytestmark = pytest.mark.django_db


def test_tree_shows_the_users_top_and_children_load_on_demand(client, world, settings):
    settings.TREE_CHILDREN_PAGE = 1
    client.force_login(world.admin_a)
    page = client.get(reverse("orgs:tree")).content.decode()
    assert world.town_a.name in page and world.county.name not in page and world.town_b.name not in page
    first = client.get(reverse("orgs:children", args=[world.town_a.pk])).content.decode()
    assert world.branch_a1.name in first and world.branch_a2.name not in first and "offset=1" in first
    second = client.get(reverse("orgs:children", args=[world.town_a.pk]), {"offset": "1"}).content.decode()
    assert world.branch_a2.name in second and "offset=2" not in second


def test_search_by_code_and_name_stays_in_scope(client, world):
    client.force_login(world.admin_a)
    by_name = client.get(reverse("orgs:search"), {"q": "村党支部"}).context["results"]
    assert set(by_name) == {world.branch_a1, world.branch_a2}
    by_code = client.get(reverse("orgs:search"), {"q": world.branch_a1.code}).context["results"]
    assert by_code == [world.branch_a1]
    assert client.get(reverse("orgs:search"), {"q": world.branch_b1.code}).context["results"] == []


def test_detail_has_breadcrumbs_inside_scope_only(client, world):
    client.force_login(world.admin_a)
    response = client.get(reverse("orgs:detail", args=[world.branch_a1.pk]))
    assert response.context["ancestors"] == [world.town_a]
    client.force_login(world.county_admin)
    response = client.get(reverse("orgs:detail", args=[world.branch_a1.pk]))
    assert response.context["ancestors"] == [world.county, world.town_a]


def test_edit_with_duplicate_code_shows_the_field_error_and_saves_nothing(client, world):
    client.force_login(world.admin_a)
    data = {"name": "改名", "code": world.branch_a2.code, "kind": "branch", "sector": "village"}
    response = client.post(reverse("orgs:edit", args=[world.branch_a1.pk]), data)
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    world.branch_a1.refresh_from_db()
    assert world.branch_a1.name == "甲一村党支部"


def test_create_then_move_then_audit_filter(client, world):
    client.force_login(world.county_admin)
    data = {"name": "甲三村党支部", "code": "A3", "kind": "branch", "sector": "village"}
    response = client.post(reverse("orgs:create", args=[world.town_a.pk]), data)
    created = Organization.objects.get(code="A3")
    assert response.status_code == 302 and response["Location"] == reverse("orgs:detail", args=[created.pk])
    response = client.post(reverse("orgs:move", args=[created.pk]), {"new_parent": world.town_b.code, "reason": "调整"})
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.parent == world.town_b
    audit = client.get(reverse("orgs:audit", args=[created.pk]), {"action": "organization.move"})
    events = list(audit.context["page"].object_list)
    assert [e.action for e in events] == ["organization.move"]
    audit = client.get(reverse("orgs:audit", args=[created.pk]), {"actor": "nobody"})
    assert list(audit.context["page"].object_list) == []


def test_move_to_an_unknown_or_invisible_code_is_refused(client, world):
    client.force_login(world.admin_a)
    for code in ("NO-SUCH-CODE", world.town_b.code):
        response = client.post(reverse("orgs:move", args=[world.branch_a1.pk]), {"new_parent": code})
        assert response.status_code == 200 and "new_parent" in response.context["form"].errors
    world.branch_a1.refresh_from_db()
    assert world.branch_a1.parent == world.town_a


def test_secretary_records_basic_facts(client, world):
    client.force_login(world.secretary_a1)
    data = {"year": 2026, "members_total": 20, "probationary_members": 1, "female_members": 25, "members_under_35": 2,
            "college_members": 0, "leadership_size": 3, "mobile_members": 4, "venue_status": "built"}
    response = client.post(reverse("orgs:facts_new", args=[world.branch_a1.pk]), data)
    assert response.status_code == 200 and "female_members" in response.context["form"].errors
    assert not OrganizationFacts.objects.exists()
    response = client.post(reverse("orgs:facts_new", args=[world.branch_a1.pk]), data | {"female_members": 5})
    assert response.status_code == 302
    assert OrganizationFacts.objects.get().female_members == 5
    page = client.get(reverse("orgs:detail", args=[world.branch_a1.pk]))
    assert list(page.context["facts"])[0].year == 2026


def test_roles_page_assigns_and_revokes(client, world):
    client.force_login(world.admin_a)
    response = client.post(reverse("orgs:roles", args=[world.branch_a2.pk]), {"username": "norole", "role": "secretary"})
    assert response.status_code == 302
    assignment = world.norole.roles.get()
    response = client.post(reverse("orgs:role_revoke", args=[assignment.pk]))
    assert response.status_code == 302 and not world.norole.roles.exists()
    assert AuditEvent.objects.filter(action="role.revoke").exists()
    response = client.post(reverse("orgs:roles", args=[world.branch_a2.pk]), {"username": "ghost", "role": "secretary"})
    assert "username" in response.context["form"].errors


def test_reviewer_cannot_post_management_forms(client, world):
    client.force_login(world.reviewer_a)
    response = client.post(reverse("orgs:roles", args=[world.branch_a2.pk]), {"username": "norole", "role": "admin"})
    assert response.status_code == 403
    response = client.post(reverse("orgs:edit", args=[world.branch_a1.pk]), {"name": "x", "code": "y", "kind": "branch", "sector": "village"})
    assert response.status_code == 403


def test_dissolve_and_merge_pages(client, world):
    client.force_login(world.admin_a)
    group = make_org(world.branch_a2)
    response = client.post(reverse("orgs:dissolve", args=[world.branch_a2.pk]), {"dissolved_on": "2026-01-01", "reason": "x"})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(reverse("orgs:merge", args=[world.branch_a2.pk]),
                           {"target": world.branch_a1.code, "merged_on": "2026-01-01", "reason": "合并"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.parent == world.branch_a1


def test_search_takes_a_code_like_query_as_a_code_and_chinese_as_a_name(client, world):
    named_like_a_code = make_org(world.town_a, name=f"{world.branch_a1.code} 临时党支部")
    client.force_login(world.admin_a)
    assert client.get(reverse("orgs:search"), {"q": world.branch_a1.code}).context["results"] == [world.branch_a1]
    assert client.get(reverse("orgs:search"), {"q": "临时"}).context["results"] == [named_like_a_code]


def test_name_search_has_trigram_indexes_on_postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes exist on PostgreSQL only; SQLite scans")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'orgs_organization'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"org_name_trgm_idx", "org_short_name_trgm_idx"} <= names


def test_audit_page_names_actions_in_words(client, world):
    client.force_login(world.admin_a)
    response = client.get(reverse("orgs:audit", args=[world.branch_a1.pk]))
    with translation.override("zh-hans"):
        assert "新建党组织" in response.content.decode()


def test_an_unknown_audit_filter_is_refused_naming_its_field(client, world):
    client.force_login(world.admin_a)
    response = client.get(reverse("orgs:audit", args=[world.town_a.pk]), {"action": "moon", "date_from": "2026-13-01"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "操作：" in text and "moon" in text and "起始日期：" in text
