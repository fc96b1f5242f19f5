"""The members' and pledges' API: access generated per endpoint, the workflow, refusals naming their field."""

import datetime

import pytest

from core.testing import Endpoint, access_tests
from members.tests.factories import make_member
from pledges.tests.factories import YEAR, make_pledge, open_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world):
    world.cycle = open_cycle(world)
    world.member_a = make_member(world.secretary_a1, world.branch_a1, name="毛小红")
    world.member_b = make_member(world.admin_b, world.branch_b1)
    world.pledge_a = make_pledge(world.secretary_a1, world.cycle, world.branch_a1, world.member_a)
    world.pledge_b = make_pledge(world.admin_b, world.cycle, world.branch_b1)
    return world


ENDPOINTS = [
    Endpoint("roster", lambda w: f"/api/members/orgs/{w.branch_a1.pk}", api=True,
             outside_url=lambda w: f"/api/members/orgs/{w.branch_b1.pk}"),
    Endpoint("member", lambda w: f"/api/members/{w.member_a.pk}", api=True,
             outside_url=lambda w: f"/api/members/{w.member_b.pk}"),
    Endpoint("pledges", lambda w: f"/api/pledges/{w.cycle.pk}/{w.branch_a1.pk}", api=True,
             outside_url=lambda w: f"/api/pledges/{w.cycle.pk}/{w.branch_b1.pk}"),
    Endpoint("pledge", lambda w: f"/api/pledges/{w.pledge_a.pk}", api=True,
             outside_url=lambda w: f"/api/pledges/{w.pledge_b.pk}"),
    Endpoint("summary", lambda w: f"/api/pledges/{w.cycle.pk}/{w.branch_a1.pk}/summary", api=True,
             outside_url=lambda w: f"/api/pledges/{w.cycle.pk}/{w.branch_b1.pk}/summary"),
]
test_anonymous, test_no_role, test_inside, test_outside, test_inside_without_the_role = access_tests(ENDPOINTS)


def test_a_pledge_through_the_api(client, world):
    client.force_login(world.secretary_a1)
    base = f"/api/pledges/{world.pledge_a.pk}"
    refused = client.post(f"{base}/items", {"category": "serve", "content": "招待费比去年降低", "measurable": True,
                                            "target": "降低20%", "deadline": f"{YEAR}-12-31"}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "baseline"
    assert client.post(f"{base}/submit").json()["state"] == "submitted"
    assert client.post(f"{base}/approve").json()["state"] == "public"
    item = client.get(base).json()["items"][0]["id"]
    step = client.post(f"/api/pledges/items/{item}/progress", {"happened_on": datetime.date.today().isoformat(),
                                                               "text": "走访三户"}, content_type="application/json")
    assert step.status_code == 201
    refused = client.post(f"{base}/evaluate", {"result": "poor"}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "explanation"
    done = client.post(f"{base}/evaluate", {"result": "good"}, content_type="application/json").json()
    assert (done["state"], done["result"]) == ("evaluated", "good")
    summary = client.get(f"/api/pledges/{world.cycle.pk}/{world.branch_a1.pk}/summary").json()
    assert summary["state"] == {"member:evaluated": 1} and summary["result"] == {"member:good": 1}


def test_the_roster_through_the_api(client, world):
    client.force_login(world.secretary_a1)
    created = client.post(f"/api/members/orgs/{world.branch_a1.pk}", {
        "name": "李四", "gender": "male", "birth_date": "1980-02-30", "education": "junior", "joined_on": "2000-07-01"},
        content_type="application/json")
    assert created.status_code == 422
    created = client.post(f"/api/members/orgs/{world.branch_a1.pk}", {
        "name": "李四", "gender": "male", "birth_date": "1980-02-01", "education": "junior", "joined_on": "2000-07-01",
        "phone": "13800000000"}, content_type="application/json")
    assert created.status_code == 201 and "phone" not in created.json()
    counts = client.get(f"/api/members/orgs/{world.branch_a1.pk}/counts").json()
    assert counts["members_total"] == 2 and counts["sentence"].startswith("支部共有党员2人")
    moved = client.post(f"/api/members/{created.json()['id']}/transfer", {"to_organization": world.branch_b1.pk},
                        content_type="application/json")
    assert moved.status_code == 404


def test_the_openapi_schema_lists_the_new_routes(client, world):
    client.force_login(world.secretary_a1)
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/pledges/{pledge_id}/evaluate" in paths and "/api/members/orgs/{branch_id}" in paths
