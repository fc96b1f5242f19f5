"""The year-end API: generated access tests, the one error format naming the field, the same rules as the pages."""

import pytest

from core.testing import Endpoint, access_tests
from yearend import services
from yearend.models import Candidate, YearSummary
from yearend.tests.factories import year_end

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world):
    world = year_end(world)
    for level, actor in ((world.town_a, world.admin_a), (world.town_b, world.admin_b)):
        services.summary_save(actor=actor, cycle=world.cycle, level=level)
        services.shortlist_propose(actor=actor, cycle=world.cycle, level=level)
    world.candidate_a = Candidate.objects.get(organization=world.branch_a1)
    shortlist_b = world.candidate_a.shortlist.__class__.objects.get(organization=world.town_b)
    world.candidate_b = services.candidate_add(actor=world.admin_b, shortlist=shortlist_b,
                                               organization=world.branch_b1, reason="表现突出")
    return world


def level(path, **kwargs):
    return Endpoint(path.strip("/").replace("/", "-") or "level",
                    lambda w: f"/api/yearend/{w.cycle.pk}/{w.town_a.pk}{path}", api=True,
                    outside_url=lambda w: f"/api/yearend/{w.cycle.pk}/{w.town_b.pk}{path}", **kwargs)


ENDPOINTS = [
    level("/figures"),
    level("/charts/years"),
    level("/summary"),
    level("/summary", method="put", data={"text": "改写"}, without_role="observer_a"),
    level("/summary/submit", method="post", without_role="observer_a"),
    level("/summary/reports", method="post", data={"secretary": "李明", "text": "述职"}, ok=(201,),
          without_role="observer_a"),
    level("/shortlist"),
    level("/shortlist/propose", method="post", without_role="observer_a"),
    Endpoint("candidate-remove", lambda w: f"/api/yearend/candidates/{w.candidate_a.pk}/remove", api=True,
             outside_url=lambda w: f"/api/yearend/candidates/{w.candidate_b.pk}/remove", method="post",
             data={"reason": "不符合"}, without_role="observer_a"),
]
test_anonymous, test_no_role, test_inside, test_outside, test_inside_without_the_role = access_tests(ENDPOINTS)


def test_an_empty_summary_is_refused_in_the_one_error_format(client, world):
    client.force_login(world.admin_a)
    base = f"/api/yearend/{world.cycle.pk}/{world.town_a.pk}/summary"
    assert client.put(base, {"text": ""}, content_type="application/json").status_code == 200
    response = client.post(base + "/submit")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["text"]
    assert YearSummary.objects.get(organization=world.town_a).state == "draft"


def test_a_summary_submitted_and_reopened_through_the_api(client, world):
    client.force_login(world.admin_a)
    base = f"/api/yearend/{world.cycle.pk}/{world.town_a.pk}/summary"
    body = client.post(base + "/submit").json()
    assert body["state"] == "submitted" and body["figures"]["grades"] == {"advanced": 2}
    assert client.post(base + "/reopen", {"reason": "补充"}, content_type="application/json").status_code == 403
    client.force_login(world.county_admin)
    assert client.post(base + "/reopen", {"reason": "补充"}, content_type="application/json").json()["state"] == "draft"


def test_a_candidate_added_from_outside_the_level_names_the_field(client, world):
    client.force_login(world.county_admin)
    response = client.post(f"/api/yearend/{world.cycle.pk}/{world.town_a.pk}/shortlist/candidates",
                           {"organization": world.branch_b1.pk, "reason": "好"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "organization"
    response = client.post(f"/api/yearend/{world.cycle.pk}/{world.town_a.pk}/shortlist/candidates",
                           {"organization": world.branch_a2.pk, "reason": "抗洪"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["source"] == "added"


def test_the_openapi_schema_lists_the_yearend_endpoints(client, world):
    client.force_login(world.county_admin)
    paths = client.get("/api/openapi.json").json()["paths"]
    assert any(path.startswith("/api/yearend/") and path.endswith("/shortlist/propose") for path in paths)
