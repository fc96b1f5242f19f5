"""The acceptance's pages and API: generated access tests, refusals shown in Chinese naming the field, the matrix
and its drill-down as users read them, and the OpenAPI schema."""

import pytest
from django.urls import reverse

from acceptance import services
from acceptance.models import Target
from acceptance.tests.factories import acceptance, graded_cycle, open_round, self_checked
from core.testing import Endpoint, access_tests

pytestmark = pytest.mark.django_db


def built(world):
    """A graded cycle with its round open and branch_a1's and branch_b1's self-checks submitted (once per test)."""
    if not hasattr(world, "cycle"):
        world.cycle = graded_cycle(world)
        open_round(world, world.cycle)
        world.acc_a = self_checked(world, acceptance(world.cycle, world.branch_a1))
        world.acc_b = self_checked(world, acceptance(world.cycle, world.branch_b1))
    return world


def level(name, town):
    return lambda w: reverse(name, args=(built(w).cycle.pk, getattr(w, town).pk))


def detail(name, acc, *extra):
    return lambda w: reverse(name, args=(getattr(built(w), acc).pk, *extra))


def api(path, acc_or_town):
    def url(w):
        built(w)
        target = getattr(w, acc_or_town)
        return f"/api/acceptance{path}".format(cycle=w.cycle.pk, pk=target.pk)
    return url


TARGET = {"origin": "grade:average", "goal": "grade:advanced", "share": "30", "sector": ""}
ENDPOINTS = [
    Endpoint("level", level("acceptance:level", "town_a"), outside_url=level("acceptance:level", "town_b")),
    Endpoint("cell", lambda w: level("acceptance:cell", "town_a")(w) + "?row=average&column=pending",
             outside_url=lambda w: level("acceptance:cell", "town_b")(w) + "?row=average&column=pending"),
    Endpoint("target", level("acceptance:target_set", "town_a"), method="post", data=TARGET, ok=(302,),
             without_role="observer_a", outside_url=level("acceptance:target_set", "town_b")),
    Endpoint("detail", detail("acceptance:detail", "acc_a"), insider="secretary_a1",
             outside_url=detail("acceptance:detail", "acc_b")),
    Endpoint("decide", detail("acceptance:decide", "acc_a"), method="post", insider="reviewer_a",
             data={"grade": "advanced"}, ok=(302,), without_role="observer_a",
             outside_url=detail("acceptance:decide", "acc_b")),
    Endpoint("return", detail("acceptance:return", "acc_a"), method="post", insider="reviewer_a",
             data={"reason": "补充"}, ok=(302,), without_role="secretary_a1",
             outside_url=detail("acceptance:return", "acc_b")),
    Endpoint("api-read", api("/{pk}", "acc_a"), api=True, insider="secretary_a1", outside_url=api("/{pk}", "acc_b")),
    Endpoint("api-matrix", api("/cycles/{cycle}/levels/{pk}/matrix", "town_a"), api=True,
             outside_url=api("/cycles/{cycle}/levels/{pk}/matrix", "town_b")),
    Endpoint("api-targets", api("/cycles/{cycle}/levels/{pk}/targets", "town_a"), api=True,
             outside_url=api("/cycles/{cycle}/levels/{pk}/targets", "town_b")),
    Endpoint("api-target-set", api("/cycles/{cycle}/levels/{pk}/targets", "town_a"), api=True, method="post",
             data=TARGET | {"share": "0.3"}, without_role="observer_a",
             outside_url=api("/cycles/{cycle}/levels/{pk}/targets", "town_b")),
    Endpoint("api-decide", api("/{pk}/decide", "acc_a"), api=True, method="post", insider="reviewer_a",
             data={"grade": "advanced"}, without_role="observer_a", outside_url=api("/{pk}/decide", "acc_b")),
]
test_anonymous, test_no_role, test_inside, test_outside, test_inside_without_the_role = access_tests(ENDPOINTS)


def test_a_target_below_the_superiors_is_refused_on_the_page_in_chinese(client, world):
    built(world)
    services.target_set(actor=world.county_admin, cycle=world.cycle, level=world.county, sector="",
                        origin="grade:average", goal="grade:advanced", share="0.3")
    client.force_login(world.admin_a)
    response = client.post(reverse("acceptance:target_set", args=(world.cycle.pk, world.town_a.pk)),
                           TARGET | {"share": "20"}, follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = response.content.decode()
    assert "最低比例" in text and "20%" in text and "30%" in text and world.county.name in text
    assert not Target.objects.filter(organization=world.town_a).exists()


def test_the_api_names_the_field_of_a_share_over_100_percent(client, world):
    built(world)
    client.force_login(world.admin_a)
    response = client.post(f"/api/acceptance/cycles/{world.cycle.pk}/levels/{world.town_a.pk}/targets",
                           TARGET | {"share": "1.5"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "share"
    assert "150%" in response.json()["errors"][0]["message"]


def test_the_matrix_reads_as_counts_and_each_cell_lists_its_organizations(client, world):
    built(world)
    services.acceptance_decide(actor=world.reviewer_a, acceptance=world.acc_a, grade="advanced")
    client.force_login(world.county_admin)
    page = client.get(reverse("acceptance:level", args=(world.cycle.pk, world.county.pk))).content.decode()
    assert 'data-cell="average|advanced"' in page
    cell = client.get(reverse("acceptance:cell", args=(world.cycle.pk, world.county.pk)),
                      {"row": "average", "column": "advanced"}).content.decode()
    assert world.branch_a1.name in cell and world.branch_b2.name not in cell
    matrix = client.get(f"/api/acceptance/cycles/{world.cycle.pk}/levels/{world.county.pk}/matrix").json()
    assert matrix["cells"][matrix["rows"].index("average")][matrix["columns"].index("advanced")] == 1
    assert matrix["total"] == 6


def test_the_openapi_schema_lists_the_acceptance(client, world):
    client.force_login(world.county_admin)
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/acceptance/cycles/{cycle_id}/levels/{level_id}/matrix" in paths
    assert "/api/acceptance/{acceptance_id}/decide" in paths
