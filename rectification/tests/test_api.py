"""The rectification API: the same services and access as the pages, one error format, documented in OpenAPI."""

import pytest
from django.urls import reverse

from core.testing import Endpoint, access_tests
from rectification.models import Plan
from rectification.tests.factories import DEADLINE, approved_plan, make_cycle

pytestmark = pytest.mark.django_db


def built(world):
    if not hasattr(world, "plan_a"):
        world.cycle = make_cycle(world)
        world.plan_a = approved_plan(world, world.cycle)
        world.plan_b = approved_plan(world, world.cycle, organization=world.branch_b1, actor=world.admin_b,
                                     reviewer=world.admin_b)
    return world


def plan_path(world, organization):
    return f"/api/rectification/cycles/{world.cycle.pk}/orgs/{organization.pk}/plan"


ENDPOINTS = [
    Endpoint("plan", lambda w: plan_path(built(w), w.branch_a1), insider="secretary_a1", api=True,
             outside_url=lambda w: plan_path(built(w), w.branch_b1)),
    Endpoint("summary", lambda w: f"/api/rectification/cycles/{built(w).cycle.pk}/levels/{w.town_a.pk}/summary",
             api=True, outside_url=lambda w: f"/api/rectification/cycles/{built(w).cycle.pk}/levels/{w.town_b.pk}/summary"),
    Endpoint("revise", lambda w: f"/api/rectification/plans/{built(w).plan_a.pk}/revise", method="post", api=True,
             insider="secretary_a1", data={"reason": "调整"}, without_role="reviewer_a",
             outside_url=lambda w: f"/api/rectification/plans/{built(w).plan_b.pk}/revise"),
]
test_anonymous, test_no_role, test_inside, test_outside, test_inside_without_the_role = access_tests(ENDPOINTS)


def test_file_submit_return_and_approve_through_the_api(client, world):
    cycle = make_cycle(world)
    client.force_login(world.secretary_a1)
    url = f"/api/rectification/cycles/{cycle.pk}/orgs/{world.branch_a1.pk}/plan"
    refused = client.post(url, {"target_grade": "advanced", "problems": [
        {"title": "党员作用发挥不够好", "measures": [{"text": "每月开展主题党日", "deadline": DEADLINE.isoformat()}]}]},
        content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "responsible_person" and "整改责任人" in refused.json()["errors"][0]["message"]
    assert not Plan.objects.exists()
    body = {"target_grade": "advanced", "problems": [
        {"title": title, "measures": [{"text": "措施", "responsible_person": "唐辉", "deadline": DEADLINE.isoformat(),
                                       "assisting_unit": "县委统战部"}]} for title in ("问题一", "问题二")]}
    created = client.post(url, body, content_type="application/json")
    assert created.status_code == 201, created.content
    plan = created.json()
    assert [p["title"] for p in plan["problems"]] == ["问题一", "问题二"]
    assert plan["problems"][0]["measures"][0]["assisting_unit"] == "县委统战部"
    assert client.post(f"/api/rectification/plans/{plan['id']}/submit").json()["state"] == "submitted"
    client.force_login(world.reviewer_a)
    measure_id = plan["problems"][0]["measures"][0]["id"]
    returned = client.post(f"/api/rectification/plans/{plan['id']}/return", {"reasons": {str(measure_id): "不具体"}},
                           content_type="application/json").json()
    assert returned["state"] == "returned" and returned["problems"][0]["measures"][0]["review"] == "returned"
    assert client.post(f"/api/rectification/plans/{plan['id']}/approve").status_code == 400  # returned, not submitted
    todos = client.get("/api/rectification/todos").json()
    assert isinstance(todos, list)
    summary = client.get(f"/api/rectification/cycles/{cycle.pk}/levels/{world.town_a.pk}/summary").json()
    assert summary["plans"] == {"returned": 1} and summary["measures"] == {"planned": 2}


def test_the_openapi_schema_documents_the_rectification_endpoints(client, world):
    client.force_login(world.county_admin)
    schema = client.get(reverse("api:openapi-json")).json()
    assert "/api/rectification/cycles/{cycle_id}/orgs/{organization_id}/plan" in schema["paths"]
    assert "/api/rectification/cycles/{cycle_id}/levels/{level_id}/midyear" in schema["paths"]
