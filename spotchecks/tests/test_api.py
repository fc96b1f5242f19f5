"""The spot check API: the same services and access as the pages, one error format naming the field, OpenAPI."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.testing import Endpoint, access_tests
from rectification.models import Measure
from spotchecks.models import SampledOrganization, SpotCheck
from spotchecks.tests.factories import DEADLINE
from spotchecks.tests.test_views import built, town_check

pytestmark = pytest.mark.django_db


def finding_body(world):
    return {"item_id": world.item.pk, "result": "met", "evidence": "查阅台账"}


ENDPOINTS = [
    Endpoint("detail", lambda w: f"/api/spotchecks/{built(w).check_a.pk}", api=True,
             outside_url=lambda w: f"/api/spotchecks/{built(w).check_b.pk}"),
    Endpoint("sample", lambda w: f"/api/spotchecks/{built(w).check_a.pk}/sample", api=True,
             outside_url=lambda w: f"/api/spotchecks/{built(w).check_b.pk}/sample"),
    Endpoint("freeze", lambda w: f"/api/spotchecks/{built(w).draft_a.pk}/freeze", method="post", api=True,
             without_role="observer_a", outside_url=lambda w: f"/api/spotchecks/{built(w).draft_b.pk}/freeze"),
    Endpoint("finding", lambda w: f"/api/spotchecks/sampled/{built(w).sampled_a.pk}/findings", method="post",
             api=True, insider="reviewer_a", data=finding_body, without_role="admin_a",
             outside_url=lambda w: f"/api/spotchecks/sampled/{built(w).sampled_b.pk}/findings"),
]
test_anonymous, test_no_role, test_inside, test_outside, test_inside_without_the_role = access_tests(ENDPOINTS)


def test_a_check_through_the_api_with_its_refusals_named(client, world):
    world = built(world)
    client.force_login(world.admin_a)
    body = {"cycle_id": world.cycle.pk, "level_id": world.town_a.pk, "title": "甲镇二次抽查", "sample_count": 3,
            "pool": ["reviewer_a", "observer_a"]}
    created = client.post("/api/spotchecks", body, content_type="application/json")
    assert created.status_code == 201, created.content
    check = created.json()
    assert check["state"] == "draft" and check["pool"] == ["observer_a", "reviewer_a"]
    early = client.post(f"/api/spotchecks/{check['id']}/entropy", {"entropy": "417"}, content_type="application/json")
    assert early.status_code == 400 and early.json()["errors"][0]["field"] == "entropy"
    assert "冻结" in early.json()["errors"][0]["message"]
    too_many = client.post(f"/api/spotchecks/{check['id']}/freeze")
    assert too_many.status_code == 400 and too_many.json()["errors"][0]["field"] == "sample_count"
    assert "只有 2" in too_many.json()["errors"][0]["message"]
    unknown = client.post("/api/spotchecks", {**body, "pool": ["nobody_here"]}, content_type="application/json")
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "pool"
    assert "nobody_here" in unknown.json()["errors"][0]["message"]
    assert SpotCheck.objects.filter(title="甲镇二次抽查").count() == 1

    sample = client.get(f"/api/spotchecks/{world.check_a.pk}/sample").json()
    assert sorted(row["code"] for row in sample) == sorted([world.branch_a1.code, world.branch_a2.code])
    assert all(len(row["inspectors"]) == 2 for row in sample)
    detail = client.get(f"/api/spotchecks/{world.check_a.pk}").json()
    assert detail["population_hash"] == world.check_a.population_hash and detail["strata"][0]["drawn"] == 2


def test_an_inspector_records_a_problem_that_becomes_an_order(client, world):
    world = built(world)
    client.force_login(world.reviewer_a)
    url = f"/api/spotchecks/sampled/{world.sampled_a.pk}/findings"
    refused = client.post(url, {"item_id": world.item.pk, "result": "problem", "note": "缺少会议记录"},
                          content_type="application/json")
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "deadline"
    saved = client.post(url, {"item_id": world.item.pk, "result": "problem", "note": "缺少会议记录",
                              "deadline": DEADLINE.isoformat()}, content_type="application/json")
    assert saved.status_code == 200, saved.content
    finding = saved.json()
    assert finding["measure_state"] == "planned"
    assert Measure.objects.get(pk=finding["measure_id"]).plan.organization == world.branch_a1
    findings = client.get(f"/api/spotchecks/{world.check_a.pk}/findings").json()
    assert [f["note"] for f in findings] == ["缺少会议记录"]


def test_the_openapi_schema_documents_the_spot_check_endpoints(client, world):
    client.force_login(world.county_admin)
    schema = client.get(reverse("api:openapi-json")).json()
    assert "/api/spotchecks/{spot_check_id}/draw" in schema["paths"]
    assert "/api/spotchecks/sampled/{sampled_id}/findings" in schema["paths"]


def test_a_pool_too_small_for_recusal_is_refused_naming_the_pool(client, world):
    spot_check = town_check(world, world.town_a, world.admin_a, [world.reviewer_a], drawn=False)
    client.force_login(world.admin_a)
    client.post(f"/api/spotchecks/{spot_check.pk}/freeze")
    client.post(f"/api/spotchecks/{spot_check.pk}/entropy", {"entropy": "1"}, content_type="application/json")
    refused = client.post(f"/api/spotchecks/{spot_check.pk}/draw")
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "pool"
    assert not SampledOrganization.objects.filter(spot_check=spot_check).exists()
    assert Decimal(client.get(f"/api/spotchecks/{spot_check.pk}").json()["sample_share"]) == 1
