"""The organization API: generated access tests for every endpoint, then what each endpoint promises."""

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from core.models import AuditEvent
from core.testing import Endpoint, access_tests
from orgs import services
from orgs.choices import OrganizationKind, Role, Sector, VenueStatus
from orgs.models import Organization, OrganizationFacts, RoleAssignment
from orgs.testing import make_org, make_user, system_user

pytestmark = pytest.mark.django_db

FACTS = {
    "members_total": 75, "probationary_members": 7, "female_members": 8, "members_under_35": 15,
    "college_members": 3, "leadership_size": 5, "mobile_members": 11, "venue_status": "built",
    "main_features": "班子有战斗力", "problems": "党员、干部结构不够优化。",
}


def new_org_body(world, parent) -> dict:
    number = Organization.objects.count() + 1
    return {"parent": parent.pk, "name": f"新支部{number}", "code": f"API{parent.pk}-{number}", "kind": "branch",
            "sector": "village"}


def facts_of_2024(world, organization) -> str:
    services.facts_save(actor=system_user(), organization=organization, year=2024, **FACTS)
    return f"/api/orgs/{organization.pk}/facts/2024"


def an_observers_role(world, organization) -> str:
    user = make_user(f"observer_{organization.pk}")
    assignment = services.role_assignment_create(actor=system_user(), user=user, organization=organization,
                                                 role=Role.OBSERVER)
    return f"/api/roles/{assignment.pk}"


def org_api(method: str, address, attr: str, *, body=None, insider: str = "admin_a", ok=(200,),
            without_role: str | None = None) -> Endpoint:
    """An endpoint about one World organization: ``attr`` names it inside town_a, town_b's twin is outside.

    ``address`` is a template with ``{id}`` or a function (world, organization) -> address that may
    set up what the endpoint needs. ``body(world, organization)`` builds the JSON body (or query)
    when it names World objects: ``Endpoint.data`` is one fixed dict, so it is refilled in place
    each time the address is built, which the generated tests do just before the request.
    """
    data: dict = {}
    twin = attr.replace("_a", "_b")

    def build(world, side: str) -> str:
        organization = getattr(world, side)
        data.clear()
        data.update(body(world, organization) if body else {})
        return address(world, organization) if callable(address) else address.format(id=organization.pk)

    label = address if isinstance(address, str) else address.__name__
    return Endpoint(
        name=f"{method.upper()} {label} {attr}[{insider}]",
        url=lambda world: build(world, attr),
        outside_url=lambda world: build(world, twin),
        method=method,
        data=data,
        api=True,
        insider=insider,
        ok=ok,
        without_role=without_role,
    )


# The reviewer of town_a sees its organizations and roles but changes none of them.
ENDPOINTS = [
    Endpoint(name="GET /api/orgs/", url=lambda world: "/api/orgs/", api=True),
    org_api("get", "/api/orgs/", "town_a", body=lambda world, org: {"parent": org.pk}),
    org_api("get", "/api/orgs/{id}", "branch_a1"),
    org_api("get", "/api/orgs/{id}", "branch_a1", insider="reviewer_a"),
    org_api("get", "/api/orgs/{id}", "branch_a1", insider="secretary_a1"),
    org_api("get", "/api/orgs/{id}/children", "town_a"),
    org_api("get", "/api/orgs/{id}/ancestors", "branch_a1"),
    org_api("post", "/api/orgs/", "town_a", body=new_org_body, ok=(201,), without_role="reviewer_a"),
    org_api("patch", "/api/orgs/{id}", "branch_a1", body=lambda world, org: {"name": "改名后的党支部"}, without_role="reviewer_a"),
    org_api("post", "/api/orgs/{id}/move", "branch_a1", body=lambda world, org: {"parent": world.branch_a2.pk}, without_role="reviewer_a"),
    org_api("post", "/api/orgs/{id}/dissolve", "branch_a1",
            body=lambda world, org: {"dissolved_on": "2024-06-30", "reason": "村改社区"}, without_role="reviewer_a"),
    org_api("post", "/api/orgs/{id}/merge", "branch_a1",
            body=lambda world, org: {"target": world.branch_a2.pk, "merged_on": "2024-06-30", "reason": "合村并组"}, without_role="reviewer_a"),
    org_api("get", "/api/orgs/{id}/facts", "branch_a1"),
    org_api("get", facts_of_2024, "branch_a1"),
    org_api("put", "/api/orgs/{id}/facts/2024", "branch_a1", body=lambda world, org: FACTS, without_role="reviewer_a"),
    org_api("put", "/api/orgs/{id}/facts/2024", "branch_a1", body=lambda world, org: FACTS, insider="secretary_a1", without_role="reviewer_a"),
    org_api("get", "/api/orgs/{id}/audit", "branch_a1"),
    Endpoint(name="GET /api/roles/", url=lambda world: "/api/roles/", api=True),
    org_api("get", "/api/roles/", "town_a", body=lambda world, org: {"organization": org.pk}),
    org_api("post", "/api/roles/", "town_a", ok=(201,),
            body=lambda world, org: {"username": "norole", "organization": org.pk, "role": "observer"}, without_role="reviewer_a"),
    org_api("delete", an_observers_role, "town_a", ok=(204,), without_role="reviewer_a"),
]

test_anonymous, test_no_role, test_inside, test_outside, test_inside_without_the_role = access_tests(ENDPOINTS)


# Helpers ----------------------------------------------------------------------------------------


def verbose(model, name: str) -> str:
    """The field's label as the API shows it in the active language."""
    return capfirst(str(model._meta.get_field(name).verbose_name))


def errors_by_field(response) -> dict:
    body = response.json()
    assert set(body) == {"detail", "errors"}, body
    return {error["field"]: error["message"] for error in body["errors"]}


def post(client, url: str, data, **kwargs):
    return client.post(url, data, content_type="application/json", **kwargs)


def events(action: str, organization=None):
    found = AuditEvent.objects.filter(action=action)
    return found.filter(organization=organization) if organization is not None else found


# Organizations ----------------------------------------------------------------------------------


def test_create_answers_the_organization_and_writes_an_audit_event(client, world):
    client.force_login(world.admin_a)
    response = post(client, "/api/orgs/", {"parent": world.town_a.pk, "name": " 甲三村党支部 ", "code": "A3",
                                           "kind": "branch", "sector": "village", "established_on": "2001-07-01",
                                           "secretary": "张三"})
    assert response.status_code == 201, response.content
    body = response.json()
    created = Organization.objects.get(code="A3")
    assert body["id"] == created.pk and body["name"] == "甲三村党支部"
    assert (body["parent_id"], body["depth"], body["established_on"]) == (world.town_a.pk, 2, "2001-07-01")
    assert (body["kind"], body["sector"], body["secretary"]) == ("branch", "village", "张三")
    assert body["kind_label"] == str(OrganizationKind.BRANCH.label)
    assert body["sector_label"] == str(Sector.VILLAGE.label)
    assert (body["children_count"], body["subtree_count"], body["dissolved_on"], body["merged_into_id"]) == (0, 1, None, None)
    event = events("organization.create").get(organization=created)
    assert event.actor == world.admin_a and event.after["code"] == "A3"
    world.town_a.refresh_from_db()
    assert world.town_a.children_count == 3


def test_create_needs_a_parent_unless_a_superuser_creates_a_top_level(client, world):
    client.force_login(world.county_admin)
    response = post(client, "/api/orgs/", {"name": "另一个县委", "code": "ROOT2", "kind": "committee",
                                           "sector": "regional"})
    assert response.status_code == 400
    assert errors_by_field(response)["parent"].startswith(verbose(Organization, "parent"))
    assert not Organization.objects.filter(code="ROOT2").exists()

    client.force_login(system_user())
    response = post(client, "/api/orgs/", {"name": "另一个县委", "code": "ROOT2", "kind": "committee",
                                           "sector": "regional"})
    assert response.status_code == 201
    assert (response.json()["parent_id"], response.json()["depth"]) == (None, 0)


def test_duplicate_code_is_refused_naming_the_official_code_and_nothing_is_saved(client, world):
    client.force_login(world.admin_a)
    before = Organization.objects.count(), AuditEvent.objects.count()
    response = post(client, "/api/orgs/", {"parent": world.town_a.pk, "name": "重复", "code": world.branch_a2.code,
                                           "kind": "branch", "sector": "village"})
    assert response.status_code == 400
    with translation.override(settings.LANGUAGE_CODE):
        assert errors_by_field(response)["code"].startswith(verbose(Organization, "code"))
    assert (Organization.objects.count(), AuditEvent.objects.count()) == before


def test_rename_changes_only_the_fields_sent_and_writes_before_and_after(client, world):
    services.organization_update(actor=system_user(), organization=world.branch_a1, short_name="甲一")
    client.force_login(world.admin_a)
    response = client.patch(f"/api/orgs/{world.branch_a1.pk}", {"name": "甲一社区党支部", "reason": "村改社区"},
                            content_type="application/json")
    assert response.status_code == 200, response.content
    assert (response.json()["name"], response.json()["short_name"]) == ("甲一社区党支部", "甲一")
    event = events("organization.update", world.branch_a1).latest("id")
    assert (event.before, event.after, event.reason) == ({"name": "甲一村党支部"}, {"name": "甲一社区党支部"}, "村改社区")


def test_edit_inside_the_scope_without_managing_role_is_forbidden(client, world):
    client.force_login(world.reviewer_a)
    response = client.patch(f"/api/orgs/{world.branch_a1.pk}", {"name": "不该改"}, content_type="application/json")
    assert response.status_code == 403 and response.json()["errors"] == []
    world.branch_a1.refresh_from_db()
    assert world.branch_a1.name == "甲一村党支部"


def test_move_takes_the_subtree_along_and_keeps_counts(client, world):
    client.force_login(world.county_admin)
    response = post(client, f"/api/orgs/{world.branch_a1.pk}/move", {"parent": world.town_b.pk, "reason": "区划调整"})
    assert response.status_code == 200, response.content
    assert (response.json()["parent_id"], response.json()["depth"]) == (world.town_b.pk, 2)
    world.town_a.refresh_from_db()
    world.town_b.refresh_from_db()
    assert (world.town_a.children_count, world.town_b.children_count) == (1, 3)
    event = events("organization.move", world.branch_a1).get()
    assert (event.before, event.after, event.reason) == ({"parent": world.town_a.pk}, {"parent": world.town_b.pk}, "区划调整")


def test_move_under_its_own_descendant_is_refused(client, world):
    client.force_login(world.county_admin)
    response = post(client, f"/api/orgs/{world.town_a.pk}/move", {"parent": world.branch_a1.pk})
    assert response.status_code == 400
    assert errors_by_field(response)["parent"].startswith(verbose(Organization, "parent"))
    world.town_a.refresh_from_db()
    assert world.town_a.parent_id == world.county.pk
    assert not events("organization.move").exists()


def test_move_outside_the_scope_answers_404_and_changes_nothing(client, world):
    client.force_login(world.admin_a)
    response = post(client, f"/api/orgs/{world.branch_a1.pk}/move", {"parent": world.town_b.pk})
    assert response.status_code == 404
    assert response.json() == {"detail": response.json()["detail"], "errors": []}
    response = post(client, f"/api/orgs/{world.branch_a1.pk}/move", {"parent": 999999})
    assert response.status_code == 404
    world.branch_a1.refresh_from_db()
    assert world.branch_a1.parent_id == world.town_a.pk
    assert not events("organization.move").exists()


def test_dissolve_keeps_the_organization_for_history(client, world):
    client.force_login(world.admin_a)
    response = post(client, f"/api/orgs/{world.branch_a1.pk}/dissolve", {"dissolved_on": "2024-06-30", "reason": "撤并"})
    assert response.status_code == 200, response.content
    assert (response.json()["dissolved_on"], response.json()["subtree_count"]) == ("2024-06-30", 0)
    assert events("organization.dissolve", world.branch_a1).get().reason == "撤并"
    listed = client.get("/api/orgs/", {"parent": world.town_a.pk}).json()
    assert [item["id"] for item in listed["items"]] == [world.branch_a2.pk]
    listed = client.get("/api/orgs/", {"parent": world.town_a.pk, "include_dissolved": "true"}).json()
    assert {item["id"] for item in listed["items"]} == {world.branch_a1.pk, world.branch_a2.pk}
    assert client.get(f"/api/orgs/{world.town_a.pk}").json()["children_count"] == 1


def test_dissolve_with_active_subordinates_is_refused(client, world):
    client.force_login(world.admin_a)
    response = post(client, f"/api/orgs/{world.town_a.pk}/dissolve", {"dissolved_on": "2024-06-30", "reason": "撤并"})
    assert response.status_code == 400 and "dissolved_on" in errors_by_field(response)
    world.town_a.refresh_from_db()
    assert world.town_a.dissolved_on is None


def test_merge_moves_the_subordinates_then_dissolves(client, world):
    client.force_login(world.county_admin)
    response = post(client, f"/api/orgs/{world.town_a.pk}/merge",
                    {"target": world.town_b.pk, "merged_on": "2024-06-30", "reason": "乡镇合并"})
    assert response.status_code == 200, response.content
    assert (response.json()["merged_into_id"], response.json()["dissolved_on"]) == (world.town_b.pk, "2024-06-30")
    assert set(Organization.objects.filter(parent=world.town_b).values_list("code", flat=True)) == {
        world.branch_a1.code, world.branch_a2.code, world.branch_b1.code, world.branch_b2.code}
    assert events("organization.move").count() == 2
    assert events("organization.dissolve", world.town_a).get().after["merged_into"] == world.town_b.pk
    assert client.get(f"/api/orgs/{world.county.pk}").json()["subtree_count"] == 6


def test_a_failing_merge_saves_nothing(client, world):
    """The subordinates are moved before the dissolution fails: all of it is rolled back."""
    client.force_login(world.county_admin)
    before = AuditEvent.objects.count()
    response = post(client, f"/api/orgs/{world.town_a.pk}/merge",
                    {"target": world.town_b.pk, "merged_on": "2024-06-30", "reason": "  "})
    assert response.status_code == 400 and "reason" in errors_by_field(response)
    assert set(Organization.objects.filter(parent=world.town_a).values_list("pk", flat=True)) == {
        world.branch_a1.pk, world.branch_a2.pk}
    world.town_a.refresh_from_db()
    assert (world.town_a.dissolved_on, world.town_a.children_count) == (None, 2)
    assert AuditEvent.objects.count() == before


def test_merge_into_an_organization_outside_the_scope_answers_404(client, world):
    client.force_login(world.admin_a)
    response = post(client, f"/api/orgs/{world.branch_a1.pk}/merge",
                    {"target": world.branch_b1.pk, "merged_on": "2024-06-30", "reason": "合并"})
    assert response.status_code == 404
    world.branch_a1.refresh_from_db()
    assert world.branch_a1.dissolved_on is None


def test_detail_children_and_ancestors(client, world):
    client.force_login(world.county_admin)
    county = client.get(f"/api/orgs/{world.county.pk}").json()
    assert (county["children_count"], county["subtree_count"], county["depth"]) == (2, 7, 0)
    children = client.get(f"/api/orgs/{world.county.pk}/children").json()
    assert [item["id"] for item in children["items"]] == [world.town_a.pk, world.town_b.pk]
    assert children["count"] == 2
    ancestors = client.get(f"/api/orgs/{world.branch_a1.pk}/ancestors").json()
    assert [item["id"] for item in ancestors] == [world.county.pk, world.town_a.pk]

    client.force_login(world.admin_a)
    ancestors = client.get(f"/api/orgs/{world.branch_a1.pk}/ancestors").json()
    assert [item["id"] for item in ancestors] == [world.town_a.pk], "the county is outside admin_a's scope"


def test_list_filters(client, world):
    make_org(world.town_a, name="甲镇机关党支部", code="JG001", kind=OrganizationKind.BRANCH, sector=Sector.AGENCY)
    client.force_login(world.admin_a)

    def codes(**query):
        response = client.get("/api/orgs/", query)
        assert response.status_code == 200, response.content
        return sorted(item["code"] for item in response.json()["items"])

    assert codes() == sorted([world.town_a.code, world.branch_a1.code, world.branch_a2.code, "JG001"])
    assert codes(q="甲一") == [world.branch_a1.code]
    assert codes(q="JG") == ["JG001"]
    assert codes(sector="agency") == ["JG001"]
    assert codes(kind="committee") == [world.town_a.code]
    assert codes(parent=world.town_a.pk, sector="village") == sorted([world.branch_a1.code, world.branch_a2.code])
    assert client.get("/api/orgs/", {"parent": world.town_b.pk}).status_code == 404

    client.force_login(world.norole)
    assert client.get("/api/orgs/").json() == {"items": [], "count": 0}


def test_pagination(client, world):
    for number in range(5):
        make_org(world.town_a, code=f"P{number:03d}")
    client.force_login(world.admin_a)
    page = client.get("/api/orgs/", {"parent": world.town_a.pk, "limit": 3}).json()
    assert (len(page["items"]), page["count"]) == (3, 7)
    last = client.get("/api/orgs/", {"parent": world.town_a.pk, "limit": 3, "offset": 6}).json()
    assert len(last["items"]) == 1
    everything = client.get("/api/orgs/", {"parent": world.town_a.pk, "limit": 200}).json()
    assert len({item["id"] for item in everything["items"]}) == 7

    children = client.get(f"/api/orgs/{world.town_a.pk}/children", {"limit": 2, "offset": 2}).json()
    all_codes = sorted(Organization.objects.filter(parent=world.town_a).values_list("code", flat=True))
    assert [item["code"] for item in children["items"]] == all_codes[2:4]
    assert children["count"] == 7

    response = client.get("/api/orgs/", {"limit": 201})
    assert response.status_code == 422 and "limit" in errors_by_field(response)
    response = client.get(f"/api/orgs/{world.town_a.pk}/children", {"offset": -1})
    assert response.status_code == 422 and "offset" in errors_by_field(response)


def test_default_page_size_is_the_settings_page_size(client, world, settings):
    for number in range(settings.PAGE_SIZE):
        make_org(world.town_a, code=f"D{number:03d}")
    client.force_login(world.admin_a)
    page = client.get("/api/orgs/").json()
    assert (len(page["items"]), page["count"]) == (settings.PAGE_SIZE, settings.PAGE_SIZE + 3)


# Bad input --------------------------------------------------------------------------------------


def test_schema_errors_name_each_field_by_its_label(client, world):
    client.force_login(world.admin_a)
    response = post(client, "/api/orgs/", {"parent": world.town_a.pk, "name": "新支部", "kind": "nonsense",
                                           "sector": "village", "established_on": "2024-02-30"})
    assert response.status_code == 422
    errors = errors_by_field(response)
    assert set(errors) == {"code", "kind", "established_on"}
    with translation.override(settings.LANGUAGE_CODE):
        assert errors["code"] == gettext("%(field)s: this field is required.") % {"field": verbose(Organization, "code")}
        assert errors["kind"].startswith(verbose(Organization, "kind"))
        assert errors["established_on"].startswith(verbose(Organization, "established_on"))
    assert not any(message.startswith(f"{key}:") for key, message in errors.items()), "a raw key in a message"


def test_schema_errors_follow_the_users_language(client, world):
    client.force_login(world.admin_a)
    response = post(client, "/api/orgs/", {"parent": world.town_a.pk, "name": "x", "kind": "branch", "sector": "village"},
                    headers={"Accept-Language": "en"})
    assert errors_by_field(response) == {"code": "Official code: this field is required."}


def test_schema_errors_are_in_chinese(client, world):
    client.force_login(world.admin_a)
    response = post(client, "/api/orgs/", {"parent": world.town_a.pk, "name": "x", "kind": "branch", "sector": "village"})
    assert errors_by_field(response)["code"].startswith("组织代码")


def test_a_body_that_is_not_json_answers_in_the_one_error_format(client, world):
    client.force_login(world.admin_a)
    response = post(client, "/api/orgs/", "{not json")
    assert response.status_code == 400 and response.json()["errors"] == []
    response = post(client, "/api/orgs/", "")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] is None


def test_a_change_without_the_csrf_token_is_refused_in_the_one_error_format(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin_a)
    url = f"/api/orgs/{world.branch_a1.pk}"
    response = client.patch(url, {"name": "无令牌"}, content_type="application/json")
    assert response.status_code == 403 and response.json()["errors"] == []
    client.get("/api/docs")  # the docs page hands out the token, as any page does
    response = client.patch(url, {"name": "有令牌"}, content_type="application/json",
                            headers={"X-CSRFToken": client.cookies["csrftoken"].value})
    assert response.status_code == 200 and response.json()["name"] == "有令牌"


def test_an_id_that_is_not_a_number_names_the_field(client, world):
    client.force_login(world.admin_a)
    response = client.get("/api/orgs/abc")
    assert response.status_code == 422
    assert errors_by_field(response)["organization_id"].startswith(verbose(RoleAssignment, "organization"))


# Basic facts ------------------------------------------------------------------------------------


def test_facts_save_read_and_audit(client, world):
    client.force_login(world.secretary_a1)
    url = f"/api/orgs/{world.branch_a1.pk}/facts/2024"
    response = client.put(url, FACTS, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["members_total"] == 75 and response.json()["venue_status_label"] == str(VenueStatus.BUILT.label)
    assert client.get(url).json() == response.json()
    assert events("facts.create", world.branch_a1).get().actor == world.secretary_a1

    changed = {**FACTS, "members_total": 80, "venue_status": "under_construction",
               "venue_expected_completion": "2025-08-01"}
    response = client.put(url, changed, content_type="application/json")
    assert response.json()["venue_expected_completion"] == "2025-08-01"
    assert events("facts.update", world.branch_a1).get().after["members_total"] == 80
    client.put(f"/api/orgs/{world.branch_a1.pk}/facts/2023", FACTS, content_type="application/json")
    listed = client.get(f"/api/orgs/{world.branch_a1.pk}/facts").json()
    assert [facts["year"] for facts in listed] == [2024, 2023]
    assert client.get(f"/api/orgs/{world.branch_a1.pk}/facts/2022").status_code == 404


def test_facts_validation_errors_name_the_fields_and_save_nothing(client, world):
    client.force_login(world.admin_a)
    url = f"/api/orgs/{world.branch_a1.pk}/facts/2024"
    response = client.put(url, {**FACTS, "female_members": 90, "venue_status": "under_construction"},
                          content_type="application/json")
    assert response.status_code == 400
    errors = errors_by_field(response)
    assert set(errors) == {"female_members", "venue_expected_completion"}
    with translation.override(settings.LANGUAGE_CODE):
        assert errors["female_members"].lower().startswith(verbose(OrganizationFacts, "female_members").lower())
    assert not OrganizationFacts.objects.exists() and not events("facts.create").exists()

    response = client.put(url, {**FACTS, "members_total": "七十五", "mobile_members": -1}, content_type="application/json")
    errors = errors_by_field(response)
    assert response.status_code == 422 and set(errors) == {"members_total"}
    with translation.override(settings.LANGUAGE_CODE):
        assert errors["members_total"].startswith(verbose(OrganizationFacts, "members_total"))

    response = client.put(url, {**FACTS, "mobile_members": -1}, content_type="application/json")
    assert response.status_code == 400 and set(errors_by_field(response)) == {"mobile_members"}
    response = client.put(f"/api/orgs/{world.branch_a1.pk}/facts/1800", FACTS, content_type="application/json")
    assert response.status_code == 400 and set(errors_by_field(response)) == {"year"}
    assert not OrganizationFacts.objects.exists()


def test_facts_of_another_branch_are_not_the_secretarys(client, world):
    client.force_login(world.secretary_a1)
    response = client.put(f"/api/orgs/{world.branch_a2.pk}/facts/2024", FACTS, content_type="application/json")
    assert response.status_code == 404, "branch_a2 is outside the secretary's scope"
    response = client.patch(f"/api/orgs/{world.branch_a1.pk}", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403


# Audit ------------------------------------------------------------------------------------------


def test_audit_lists_newest_first_with_filters(client, world):
    services.organization_update(actor=world.admin_a, organization=world.branch_a2, name="第一次")
    services.organization_update(actor=world.county_admin, organization=world.branch_a2, name="第二次")
    client.force_login(world.admin_a)
    url = f"/api/orgs/{world.branch_a2.pk}/audit"
    everything = client.get(url).json()
    assert [event["action"] for event in everything["items"]] == [
        "organization.update", "organization.update", "organization.create"]
    assert everything["items"][0]["after"] == {"name": "第二次"} and everything["items"][0]["actor"] == "county_admin"
    assert client.get(url, {"actor": "admin_a"}).json()["count"] == 1
    assert client.get(url, {"action": "organization.create"}).json()["count"] == 1
    today = datetime.date.today()
    assert client.get(url, {"date_from": str(today + datetime.timedelta(days=2))}).json()["count"] == 0
    assert client.get(url, {"date_to": str(today + datetime.timedelta(days=2))}).json()["count"] == 3
    assert client.get(url, {"limit": 1, "offset": 1}).json()["items"][0]["after"] == {"name": "第一次"}


# Role assignments -------------------------------------------------------------------------------


def test_role_assign_list_and_revoke(client, world):
    client.force_login(world.admin_a)
    response = post(client, "/api/roles/", {"username": "norole", "organization": world.branch_a2.pk, "role": "secretary"})
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["username"], created["organization_id"], created["role"]) == ("norole", world.branch_a2.pk, "secretary")
    assert created["role_label"] == str(Role.SECRETARY.label)
    assert events("role.assign", world.branch_a2).get().actor == world.admin_a

    listed = client.get("/api/roles/", {"organization": world.branch_a2.pk}).json()
    assert [item["id"] for item in listed["items"]] == [created["id"]]
    assert client.get("/api/roles/").json()["count"] == 5  # admin_a, reviewer_a, secretary_a1, observer_a, the new one

    client.force_login(world.norole)
    assert client.get(f"/api/orgs/{world.branch_a2.pk}").status_code == 200
    client.force_login(world.admin_a)
    response = client.delete(f"/api/roles/{created['id']}?reason=调离")
    assert response.status_code == 204
    assert events("role.revoke", world.branch_a2).get().reason == "调离"
    client.force_login(world.norole)
    assert client.get(f"/api/orgs/{world.branch_a2.pk}").status_code == 404


def test_role_assign_refuses_bad_input(client, world):
    client.force_login(world.admin_a)
    response = post(client, "/api/roles/", {"username": "nobody", "organization": world.town_a.pk, "role": "admin"})
    assert response.status_code == 400 and set(errors_by_field(response)) == {"username"}
    response = post(client, "/api/roles/", {"username": "norole", "organization": world.town_a.pk, "role": "king"})
    assert response.status_code == 422 and set(errors_by_field(response)) == {"role"}
    assert not RoleAssignment.objects.filter(user=world.norole).exists()


def test_roles_outside_the_scope_answer_404(client, world):
    client.force_login(world.admin_a)
    outside = RoleAssignment.objects.get(user=world.admin_b)
    assert client.delete(f"/api/roles/{outside.pk}").status_code == 404
    assert RoleAssignment.objects.filter(pk=outside.pk).exists()
    assert outside.pk not in {item["id"] for item in client.get("/api/roles/").json()["items"]}


# OpenAPI and docs -------------------------------------------------------------------------------


def test_openapi_schema_lists_every_endpoint(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    expected = {
        "/api/orgs/": {"get", "post"},
        "/api/orgs/{organization_id}": {"get", "patch"},
        "/api/orgs/{organization_id}/children": {"get"},
        "/api/orgs/{organization_id}/ancestors": {"get"},
        "/api/orgs/{organization_id}/move": {"post"},
        "/api/orgs/{organization_id}/dissolve": {"post"},
        "/api/orgs/{organization_id}/merge": {"post"},
        "/api/orgs/{organization_id}/facts": {"get"},
        "/api/orgs/{organization_id}/facts/{year}": {"get", "put"},
        "/api/orgs/{organization_id}/audit": {"get"},
        "/api/roles/": {"get", "post"},
        "/api/roles/{assignment_id}": {"delete"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths.get(path, {})), path


def test_docs_page_uses_only_local_assets(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.IGNORECASE), "an external address"
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(asset.startswith(settings.STATIC_URL if settings.STATIC_URL.startswith("/")
                                           else "/" + settings.STATIC_URL) for asset in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
