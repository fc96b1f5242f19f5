"""The cycles API: generated access tests for every endpoint, then the main flow and its refusals."""

import datetime

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.text import capfirst

from core.models import AuditEvent
from core.testing import Endpoint, access_tests
from cycles import services, tallies
from cycles.choices import GradingState, ListState
from cycles.models import Cycle, DepartmentInput, Grading, LevelList, StepRecord
from orgs.choices import OrganizationKind, Role, Sector
from orgs.testing import make_org, make_user, system_user
from standards.tests.factories import make_standard

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()

# The organization's own steps of the full chain, as a branch enters them.
OWN_STEPS = [
    {"step": "public_rating", "held_on": TODAY.isoformat(), "participants": 40, "votes": {"advanced": 30, "average": 10}},
    {"step": "member_review", "held_on": TODAY.isoformat(), "participants": 20, "grade": "advanced"},
    {"step": "self_assessment", "held_on": TODAY.isoformat(), "grade": "advanced"},
    {"step": "meeting_review", "held_on": TODAY.isoformat(), "participants": 50,
     "votes": {"agree": 45, "disagree": 3, "abstain": 2}},
]
HUNAN_DEADLINES = {"self_assessment": "2100-04-18", "superior_decision": "2100-04-27"}


@pytest.fixture
def world(world):
    """World with the county's 2026 cycle, and a far county (outside everyone's scope in World) with its own."""
    world.standard = make_standard(world.county_admin, world.county)
    world.cycle = services.cycle_open(actor=world.county_admin, owner=world.county, year=2026, name="2026年分类定级",
                                      standards={"village": world.standard})
    world.far_county = make_org(None, name="外县县委", kind=OrganizationKind.COMMITTEE, sector=Sector.REGIONAL)
    world.far_town = make_org(world.far_county, name="外镇党委", kind=OrganizationKind.COMMITTEE, sector=Sector.REGIONAL)
    world.far_branch = make_org(world.far_town, name="外村党支部")
    world.far_admin = make_user("far_admin", roles=[(world.far_county, Role.ADMIN), (world.far_town, Role.REVIEWER)])
    world.far_cycle = services.cycle_open(actor=world.far_admin, owner=world.far_county, year=2026, name="外县2026年分类定级")
    return world


# Setting up states through the services --------------------------------------------------------


def grading(cycle, organization) -> Grading:
    return Grading.objects.get(cycle=cycle, organization=organization)


def cycle_of(world, organization):
    return world.far_cycle if organization.path.startswith(world.far_county.path) else world.cycle


def decider(world, organization):
    """Who decides on the organization (its direct superior's reviewer or administrator)."""
    return {world.town_a.pk: world.reviewer_a, world.town_b.pk: world.admin_b, world.far_town.pk: world.far_admin,
            world.county.pk: world.county_admin, world.far_county.pk: world.far_admin}[organization.parent_id]


def recorded(world, organization) -> Grading:
    """The organization's own steps recorded (by a superuser), not submitted."""
    g = grading(cycle_of(world, organization), organization)
    for step in OWN_STEPS:
        step = {**step, "held_on": TODAY}
        services.step_record(actor=system_user(), grading=g, **step)
    return g


def submitted(world, organization) -> Grading:
    return services.grading_submit(actor=system_user(), grading=recorded(world, organization))


def decided(world, organization, grade="advanced") -> Grading:
    return services.grading_decide(actor=decider(world, organization), grading=submitted(world, organization), grade=grade,
                                   reason="评定")


def list_submitted(world, level) -> LevelList:
    """The level's list submitted by its reviewer once every subordinate is determined, with an exception for the quotas."""
    cycle = cycle_of(world, level)
    for g in Grading.objects.filter(cycle=cycle, organization__parent=level, state=GradingState.PREPARING):
        decided(world, g.organization)
    actor = {world.town_a.pk: world.reviewer_a, world.town_b.pk: world.admin_b, world.far_town.pk: world.far_admin}[level.pk]
    return services.level_list_submit(actor=actor, cycle=cycle, level=level, exception="比例说明")


def approved(world, organization) -> Grading:
    decided(world, organization)
    level_list = list_submitted(world, organization.parent)
    approver = world.far_admin if organization.path.startswith(world.far_county.path) else world.county_admin
    services.level_list_approve(actor=approver, level_list=level_list)
    return grading(cycle_of(world, organization), organization)


# Generated access tests ------------------------------------------------------------------------


def cycles_api(method: str, name: str, build, *, insider: str, ok=(200,), without_role: str | None = None) -> Endpoint:
    """An endpoint on one object inside the insider's scope and its twin outside it.

    ``build(world, outside)`` sets up what the endpoint needs and answers (address, body). The
    body is refilled in place each time an address is built, just before the request.
    """
    data: dict = {}

    def address(world, outside: bool) -> str:
        url, body = build(world, outside)
        data.clear()
        data.update(body)
        return url

    return Endpoint(name=f"{method.upper()} {name} [{insider}]", url=lambda world: address(world, False),
                    outside_url=lambda world: address(world, True), method=method, data=data, api=True, insider=insider,
                    ok=ok, without_role=without_role)


def town(world, outside):
    return world.town_b if outside else world.town_a


def branch(world, outside):
    return world.branch_b1 if outside else world.branch_a1


def level_url(world, outside, suffix: str, level=None) -> str:
    return f"/api/cycles/{world.cycle.pk}/levels/{(level or town(world, outside)).pk}{suffix}"


def far_or_near_level(world, outside, suffix: str) -> str:
    """A town_a list for the county administrator; the far county's town is outside."""
    cycle, level = (world.far_cycle, world.far_town) if outside else (world.cycle, world.town_a)
    return f"/api/cycles/{cycle.pk}/levels/{level.pk}{suffix}"


def grading_url(world, outside, suffix: str = "", prepare=None) -> str:
    organization = branch(world, outside)
    g = prepare(world, organization) if prepare else grading(world.cycle, organization)
    return f"/api/gradings/{g.pk}{suffix}"


def far_or_near_grading(world, outside, organization_attr: str, prepare=None, suffix: str = "") -> str:
    organization = world.far_town if outside and organization_attr == "town_a" else (
        world.far_branch if outside else getattr(world, organization_attr))
    g = prepare(world, organization) if prepare else grading(cycle_of(world, organization), organization)
    return f"/api/gradings/{g.pk}{suffix}"


def town_a_list_with_a_decision(world, outside):
    level, organization = (world.far_town, world.far_branch) if outside else (world.town_a, world.branch_a1)
    g = decided(world, organization)
    list_submitted(world, level)
    return far_or_near_level(world, outside, "/list/return"), {"reasons": {str(g.pk): "材料不全"}}


def town_determined(world, outside):
    level = town(world, outside)
    for g in Grading.objects.filter(cycle=world.cycle, organization__parent=level, state=GradingState.PREPARING):
        decided(world, g.organization)
    return level_url(world, outside, "/list/submit"), {"exception": "两个支部均为先进"}


def town_a_submitted_list(world, outside):
    list_submitted(world, world.far_town if outside else world.town_a)
    return far_or_near_level(world, outside, "/list/approve"), {}


ENDPOINTS = [
    Endpoint("GET /api/cycles/", lambda world: "/api/cycles/", api=True),
    Endpoint("GET /api/cycles/todo", lambda world: "/api/cycles/todo", api=True, insider="reviewer_a"),
    cycles_api("get", "/api/cycles/{id}", lambda w, out: (f"/api/cycles/{(w.far_cycle if out else w.cycle).pk}", {}),
               insider="admin_a"),
    cycles_api("get", "/api/cycles/{id}", lambda w, out: (f"/api/cycles/{(w.far_cycle if out else w.cycle).pk}", {}),
               insider="secretary_a1"),
    cycles_api("post", "/api/cycles/", lambda w, out: ("/api/cycles/", {"owner": town(w, out).pk, "year": 2027,
                                                                        "name": "2027年分类定级", "preset": "hunan",
                                                                        "deadlines": HUNAN_DEADLINES}),
               insider="admin_a", ok=(201,), without_role="reviewer_a"),
    cycles_api("patch", "/api/cycles/{id}", lambda w, out: (f"/api/cycles/{(w.far_cycle if out else w.cycle).pk}",
                                                            {"notice": "请按时完成", "deadlines": {"public_rating": "2100-04-18"},
                                                             "reason": "补充截止日期"}),
               insider="county_admin", without_role="admin_a"),
    cycles_api("get", "/api/cycles/{id}/organizations/{org}/grading",
               lambda w, out: (f"/api/cycles/{w.cycle.pk}/organizations/{branch(w, out).pk}/grading", {}),
               insider="secretary_a1"),
    cycles_api("get", "/api/cycles/{id}/extensions", lambda w, out: (
        f"/api/cycles/{(w.far_cycle if out else w.cycle).pk}/extensions", {}), insider="county_admin", without_role="admin_a"),
    cycles_api("post", "/api/cycles/{id}/extensions", lambda w, out: (
        f"/api/cycles/{(w.far_cycle if out else w.cycle).pk}/extensions",
        {"organization": (w.far_branch if out else w.branch_a1).pk, "step": "public_rating", "until": "2099-01-01",
         "reason": "书记住院"}), insider="county_admin", without_role="admin_a"),
    cycles_api("get", "levels/{town}/summary", lambda w, out: (level_url(w, out, "/summary"), {}), insider="admin_a"),
    cycles_api("get", "levels/{branch}/summary", lambda w, out: (level_url(w, out, "/summary", branch(w, out)), {}),
               insider="secretary_a1"),
    cycles_api("get", "levels/{town}/gradings", lambda w, out: (level_url(w, out, "/gradings"), {}), insider="reviewer_a"),
    cycles_api("get", "levels/{town}/overdue", lambda w, out: (level_url(w, out, "/overdue"), {}), insider="admin_a"),
    cycles_api("get", "levels/{town}/overdue-lists", lambda w, out: (level_url(w, out, "/overdue-lists"), {}),
               insider="admin_a"),
    cycles_api("get", "levels/{town}/list", lambda w, out: (level_url(w, out, "/list"), {}), insider="reviewer_a"),
    cycles_api("post", "levels/{town}/list/submit", town_determined, insider="reviewer_a", without_role="county_admin"),
    cycles_api("post", "levels/{town}/list/approve", town_a_submitted_list, insider="county_admin", without_role="admin_a"),
    cycles_api("post", "levels/{town}/list/return", town_a_list_with_a_decision, insider="county_admin", without_role="admin_a"),
    cycles_api("get", "/api/gradings/{id}", lambda w, out: (grading_url(w, out), {}), insider="secretary_a1"),
    cycles_api("get", "/api/gradings/{id}", lambda w, out: (grading_url(w, out), {}), insider="reviewer_a"),
    cycles_api("post", "/api/gradings/{id}/steps", lambda w, out: (grading_url(w, out, "/steps"), OWN_STEPS[0]),
               insider="secretary_a1", without_role="reviewer_a"),
    cycles_api("post", "/api/gradings/{id}/submit", lambda w, out: (grading_url(w, out, "/submit", recorded), {}),
               insider="secretary_a1", without_role="reviewer_a"),
    cycles_api("post", "/api/gradings/{id}/return",
               lambda w, out: (grading_url(w, out, "/return", submitted), {"reasons": {"meeting_review": "票数与到会人数不符"}}),
               insider="reviewer_a", without_role="secretary_a1"),
    cycles_api("post", "/api/gradings/{id}/decide",
               lambda w, out: (grading_url(w, out, "/decide", submitted), {"grade": "advanced"}), insider="reviewer_a", without_role="secretary_a1"),
    cycles_api("post", "/api/gradings/{id}/inputs",
               lambda w, out: (far_or_near_grading(w, out, "town_a", suffix="/inputs"), {"department": "信访局", "score": 85}),
               insider="county_admin", without_role="admin_a"),
    cycles_api("post", "/api/gradings/{id}/reopen",
               lambda w, out: (far_or_near_grading(w, out, "branch_a1", approved, "/reopen"), {"reason": "群众反映"}),
               insider="county_admin", without_role="admin_a"),
]

test_anonymous, test_no_role, test_inside, test_outside, test_inside_without_the_role = access_tests(ENDPOINTS)


# Helpers ----------------------------------------------------------------------------------------


def post(client, url: str, data=None):
    return client.post(url, data or {}, content_type="application/json")


def errors_by_field(response) -> dict:
    body = response.json()
    assert set(body) == {"detail", "errors"}, body
    return {error["field"]: error["message"] for error in body["errors"]}


def verbose(model, name: str) -> str:
    """The field's label as the API shows it, in the default language."""
    with translation.override(settings.LANGUAGE_CODE):
        return capfirst(str(model._meta.get_field(name).verbose_name))


def record_by_api(client, grading_pk: int, steps=OWN_STEPS, *, declared: str = "advanced"):
    for step in steps:
        body = {**step, "grade": declared} if step["step"] == "self_assessment" else step
        response = post(client, f"/api/gradings/{grading_pk}/steps", body)
        assert response.status_code == 200, response.content
    return response


# The main flow ----------------------------------------------------------------------------------


def test_open_a_cycle_with_everything_it_takes(client, world):
    client.force_login(world.admin_a)
    standard = make_standard(world.admin_a, world.town_a, year=2027)
    response = post(client, "/api/cycles/", {
        "owner": world.town_a.pk, "year": 2027, "name": " 甲镇2027年分类定级 ", "preset": "hunan",
        "deadlines": {"self_assessment": "2100-04-18", "superior_decision": "2100-04-27"},
        "list_deadlines": {"1": "2100-05-07"}, "standards": {"village": standard.pk},
        "quotas": [{"grade": "advanced", "share": "0.4", "at_most": True}], "notice": "请各支部按时完成",
        "survey_enabled": True})
    assert response.status_code == 201, response.content
    body = response.json()
    cycle = Cycle.objects.get(pk=body["id"])
    assert (body["owner_id"], body["year"], body["name"], body["state"]) == (world.town_a.pk, 2027, "甲镇2027年分类定级", "open")
    assert body["steps"] == ["self_assessment", "superior_decision"] and len(body["step_labels"]) == 2
    assert body["deadlines"] == {"self_assessment": "2100-04-18", "superior_decision": "2100-04-27"}
    assert body["list_deadlines"] == {"1": "2100-05-07"} and body["standards"] == {"village": standard.pk}
    assert cycle.quotas == [{"grade": "advanced", "share": "0.4", "at_most": True}]
    assert (body["notice"], body["survey_enabled"], body["opened_by"]) == ("请各支部按时完成", True, "admin_a")
    assert Grading.objects.filter(cycle=cycle).count() == 2
    summary = client.get(f"/api/cycles/{cycle.pk}/levels/{world.town_a.pk}/summary").json()
    assert (summary["total"], summary["state"], summary["grade"]) == (2, {"preparing": 2}, {})
    assert AuditEvent.objects.filter(action="cycle.open", organization=world.town_a).exists()
    assert client.get(f"/api/cycles/{cycle.pk}").json() == body


def test_open_refusals_name_their_field_and_save_nothing(client, world):
    client.force_login(world.county_admin)
    before = Cycle.objects.count()
    response = post(client, "/api/cycles/", {"owner": world.county.pk, "year": 2026, "name": "again"})
    assert response.status_code == 400 and set(errors_by_field(response)) == {"year"}
    response = post(client, "/api/cycles/", {"owner": world.county.pk, "year": 2027, "name": "x",
                                             "steps": ["public_rating", "self_assessment"]})
    assert response.status_code == 400 and set(errors_by_field(response)) == {"steps"}
    response = post(client, "/api/cycles/", {"owner": world.county.pk, "year": 2027, "name": "x",
                                             "deadlines": {"approval": "2100-01-01", "nonsense": "2100-01-01"},
                                             "preset": "hunan"})
    assert response.status_code == 400 and set(errors_by_field(response)) == {"deadlines"}
    standard = make_standard(world.county_admin, world.county, sector="community")
    response = post(client, "/api/cycles/", {"owner": world.county.pk, "year": 2027, "name": "x", "preset": "hunan",
                                             "deadlines": HUNAN_DEADLINES, "standards": {"village": standard.pk}})
    assert response.status_code == 400 and set(errors_by_field(response)) == {"standards"}
    far_standard = make_standard(world.far_admin, world.far_county)
    response = post(client, "/api/cycles/", {"owner": world.county.pk, "year": 2027, "name": "x", "preset": "hunan",
                                             "deadlines": HUNAN_DEADLINES, "standards": {"village": far_standard.pk}})
    assert response.status_code == 404  # a standard out of sight is as missing as an unknown one
    response = post(client, "/api/cycles/", {"owner": world.county.pk, "year": "twenty", "name": "x",
                                             "deadlines": {"public_rating": "4-18"}, "preset": "nonsense",
                                             "quotas": [{"grade": "advanced", "share": 3, "at_most": True}]})
    assert response.status_code == 422
    errors = errors_by_field(response)
    assert set(errors) == {"year", "deadlines.public_rating", "preset", "quotas.0.share"}
    assert errors["year"].startswith(verbose(Cycle, "year"))
    assert errors["deadlines.public_rating"].startswith(verbose(Cycle, "deadlines"))
    assert errors["preset"].startswith(verbose(Cycle, "steps"))
    assert errors["quotas.0.share"].startswith(verbose(Cycle, "quotas"))
    assert Cycle.objects.count() == before
    client.force_login(world.reviewer_a)  # inside the scope, not an administrator
    response = post(client, "/api/cycles/", {"owner": world.town_a.pk, "year": 2027, "name": "x"})
    assert response.status_code == 403 and Cycle.objects.count() == before


def test_whole_chain_by_api_from_branch_to_county_approval(client, world):
    cycle = world.cycle
    g1, g2 = grading(cycle, world.branch_a1), grading(cycle, world.branch_a2)

    client.force_login(world.secretary_a1)
    todo = client.get("/api/cycles/todo").json()
    assert [(t["kind"], t["grading_id"]) for t in todo] == [("record", g1.pk)]
    found = client.get(f"/api/cycles/{cycle.pk}/organizations/{world.branch_a1.pk}/grading").json()
    assert (found["id"], found["next_step"]) == (g1.pk, "public_rating")
    body = record_by_api(client, g1.pk).json()
    assert [r["step"] for r in body["records"]] == ["public_rating", "member_review", "self_assessment", "meeting_review"]
    assert body["records"][0]["grade"] == "advanced" and body["next_step"] is None
    assert (body["declared_grade"], body["state"]) == ("advanced", "preparing")
    response = post(client, f"/api/gradings/{g1.pk}/submit")
    assert response.status_code == 200 and response.json()["state"] == "submitted"

    client.force_login(world.admin_a)
    record_by_api(client, g2.pk, declared="average")
    assert post(client, f"/api/gradings/{g2.pk}/submit").status_code == 200

    client.force_login(world.reviewer_a)
    todo = client.get("/api/cycles/todo").json()
    assert sorted((t["kind"], t["grading_id"]) for t in todo) == sorted([("decide", g1.pk), ("decide", g2.pk)])
    response = post(client, f"/api/gradings/{g1.pk}/decide", {"grade": "advanced"})
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["final_grade"], response.json()["decided_by"]) == (
        "decided", "advanced", "reviewer_a")
    response = post(client, f"/api/gradings/{g2.pk}/decide", {"grade": "lagging"})
    assert response.status_code == 400 and set(errors_by_field(response)) == {"reason"}  # differs from the declared grade
    response = post(client, f"/api/gradings/{g2.pk}/decide", {"grade": "lagging", "reason": "活动场所未建成"})
    assert response.status_code == 200

    subordinates = client.get(f"/api/cycles/{cycle.pk}/levels/{world.town_a.pk}/gradings").json()
    assert subordinates["count"] == 2
    assert {(item["id"], item["final_grade"]) for item in subordinates["items"]} == {(g1.pk, "advanced"), (g2.pk, "lagging")}
    level = client.get(f"/api/cycles/{cycle.pk}/levels/{world.town_a.pk}/list").json()
    assert level["state"] == "open"
    assert [(p["grade"], p["at_most"], p["count"], p["total"]) for p in level["quota_problems"]] == [("advanced", True, 1, 2)]
    response = post(client, f"/api/cycles/{cycle.pk}/levels/{world.town_a.pk}/list/submit", {})
    assert response.status_code == 400 and set(errors_by_field(response)) == {"exception"}
    response = post(client, f"/api/cycles/{cycle.pk}/levels/{world.town_a.pk}/list/submit", {"exception": "仅两个支部"})
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["exception"], response.json()["submitted_by"]) == (
        "submitted", "仅两个支部", "reviewer_a")

    client.force_login(world.county_admin)
    assert [t["kind"] for t in client.get("/api/cycles/todo").json()] == ["approve"]
    response = post(client, f"/api/cycles/{cycle.pk}/levels/{world.town_a.pk}/list/approve")
    assert response.status_code == 200 and response.json()["state"] == "approved"
    assert set(Grading.objects.filter(organization__parent=world.town_a).values_list("state", flat=True)) == {"approved"}
    summary = client.get(f"/api/cycles/{cycle.pk}/levels/{world.county.pk}/summary").json()
    assert summary["state"] == {"approved": 2, "preparing": 4} and summary["total"] == 6
    assert summary["grade"] == {"village:advanced": 1, "village:lagging": 1}
    assert tallies.stored(cycle=cycle) == tallies.recount(cycle=cycle)

    response = post(client, f"/api/gradings/{g1.pk}/reopen", {"reason": "群众反映"})
    assert response.status_code == 200 and response.json()["state"] == "decided"
    assert client.get(f"/api/cycles/{cycle.pk}/levels/{world.town_a.pk}/list").json()["state"] == "returned"
    assert tallies.stored(cycle=cycle) == tallies.recount(cycle=cycle)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"step.public_rating", "grading.submit", "grading.decide", "list.submit", "list.approve", "grading.reopen"} <= actions


# Refusals ---------------------------------------------------------------------------------------


def test_steps_out_of_order_are_refused(client, world):
    g = grading(world.cycle, world.branch_a1)
    client.force_login(world.secretary_a1)
    response = post(client, f"/api/gradings/{g.pk}/steps", OWN_STEPS[2])
    assert response.status_code == 400 and set(errors_by_field(response)) == {"step"}
    response = post(client, f"/api/gradings/{g.pk}/submit")
    assert response.status_code == 400 and set(errors_by_field(response)) == {"state"}
    assert not StepRecord.objects.filter(grading=g).exists()
    assert grading(world.cycle, world.branch_a1).state == GradingState.PREPARING


def test_a_step_after_its_deadline_is_refused_until_extended(client, world):
    g = grading(world.cycle, world.branch_a1)
    client.force_login(world.county_admin)
    response = client.patch(f"/api/cycles/{world.cycle.pk}", {"deadlines": {"public_rating": "2000-01-01"}},
                            content_type="application/json")
    assert response.status_code == 400 and set(errors_by_field(response)) == {"reason"}  # a deadline changes with a reason
    response = client.patch(f"/api/cycles/{world.cycle.pk}", {"deadlines": {"public_rating": "2000-01-01"},
                                                              "reason": "群众初评已结束"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["deadlines"] == {"public_rating": "2000-01-01"}
    client.force_login(world.secretary_a1)
    response = post(client, f"/api/gradings/{g.pk}/steps", OWN_STEPS[0])
    assert response.status_code == 400 and "2000-01-01" in errors_by_field(response)["step"]
    overdue = client.get(f"/api/cycles/{world.cycle.pk}/levels/{world.branch_a1.pk}/overdue").json()
    assert overdue == []  # the branch is a level without subordinates
    client.force_login(world.admin_a)
    overdue = client.get(f"/api/cycles/{world.cycle.pk}/levels/{world.town_a.pk}/overdue").json()
    assert [(item["grading"]["organization_id"], item["deadline"]) for item in overdue] == [
        (world.branch_a1.pk, "2000-01-01"), (world.branch_a2.pk, "2000-01-01")]
    client.force_login(world.county_admin)
    response = client.patch(f"/api/cycles/{world.cycle.pk}", {"deadlines": {"public_rating": "2100-01-01"}, "reason": "延期"},
                            content_type="application/json")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="cycle.update", reason="延期").exists()
    client.force_login(world.secretary_a1)
    assert post(client, f"/api/gradings/{g.pk}/steps", OWN_STEPS[0]).status_code == 200


def test_nothing_is_done_twice(client, world):
    g = submitted(world, world.branch_a1)
    client.force_login(world.secretary_a1)
    response = post(client, f"/api/gradings/{g.pk}/submit")
    assert response.status_code == 400 and set(errors_by_field(response)) == {"state"}
    response = post(client, f"/api/gradings/{g.pk}/steps", OWN_STEPS[0])
    assert response.status_code == 400 and set(errors_by_field(response)) == {"step"}
    client.force_login(world.reviewer_a)
    assert post(client, f"/api/gradings/{g.pk}/decide", {"grade": "advanced"}).status_code == 200
    response = post(client, f"/api/gradings/{g.pk}/decide", {"grade": "average", "reason": "复核"})
    assert response.status_code == 400 and "reviewer_a" in errors_by_field(response)["state"]
    response = post(client, f"/api/gradings/{g.pk}/decide", {"grade": "average", "reason": "复核", "revise": True})
    assert response.status_code == 200 and response.json()["final_grade"] == "average"
    url = f"/api/cycles/{world.cycle.pk}/levels/{world.town_a.pk}/list"
    response = post(client, f"{url}/submit", {"exception": "甲二村未评定"})
    assert response.status_code == 400 and set(errors_by_field(response)) == {"list"}  # not whole: no exception covers it
    decided(world, world.branch_a2)
    assert post(client, f"{url}/submit", {"exception": "比例说明"}).status_code == 200
    assert post(client, f"{url}/submit", {"exception": "比例说明"}).status_code == 400
    response = post(client, f"/api/gradings/{g.pk}/decide", {"grade": "advanced", "reason": "x", "revise": True})
    assert response.status_code == 400  # locked in the submitted list
    client.force_login(world.county_admin)
    assert post(client, f"{url}/approve").status_code == 200
    response = post(client, f"{url}/approve")
    assert response.status_code == 400 and set(errors_by_field(response)) == {"state"}
    assert post(client, f"/api/gradings/{g.pk}/reopen", {"reason": "复查"}).status_code == 200
    response = post(client, f"/api/gradings/{g.pk}/reopen", {"reason": "复查"})
    assert response.status_code == 400
    assert tallies.stored(cycle=world.cycle) == tallies.recount(cycle=world.cycle)


def test_outside_the_scope_is_not_found_and_inside_without_the_role_is_forbidden(client, world):
    g = submitted(world, world.branch_a1)
    client.force_login(world.admin_b)
    assert post(client, f"/api/gradings/{g.pk}/decide", {"grade": "advanced"}).status_code == 404
    assert client.get(f"/api/gradings/{g.pk}").status_code == 404
    client.force_login(world.county_admin)  # two levels up: 下管一级
    response = post(client, f"/api/gradings/{g.pk}/decide", {"grade": "advanced"})
    assert response.status_code == 403 and response.json()["errors"] == []
    client.force_login(world.secretary_a1)  # itself
    assert post(client, f"/api/gradings/{g.pk}/decide", {"grade": "advanced"}).status_code == 403
    client.force_login(world.reviewer_a)
    response = post(client, f"/api/cycles/{world.cycle.pk}/levels/{world.town_a.pk}/list/approve")
    assert response.status_code == 404  # no list submitted yet
    client.force_login(system_user())
    for suffix in ("/summary", "/gradings", "/overdue", "/list"):  # a level of another cycle's tree
        assert client.get(f"/api/cycles/{world.cycle.pk}/levels/{world.far_town.pk}{suffix}").status_code == 404
    assert client.get(f"/api/cycles/{world.cycle.pk}/organizations/{world.far_branch.pk}/grading").status_code == 404
    assert client.get("/api/gradings/999999").status_code == 404
    assert client.get("/api/cycles/999999").status_code == 404
    assert grading(world.cycle, world.branch_a1).state == GradingState.SUBMITTED


def test_return_points_at_steps_and_the_rest_stands(client, world):
    g = submitted(world, world.branch_a1)
    client.force_login(world.reviewer_a)
    response = post(client, f"/api/gradings/{g.pk}/return", {"reasons": {}})
    assert response.status_code == 400 and set(errors_by_field(response)) == {"reasons"}
    response = post(client, f"/api/gradings/{g.pk}/return", {"reasons": {"meeting_review": "票数与到会人数不符"}})
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "returned" and "票数与到会人数不符" in body["return_reason"]
    assert {r["step"]: r["needs_work"] for r in body["records"]} == {
        "public_rating": "", "member_review": "", "self_assessment": "", "meeting_review": "票数与到会人数不符"}
    client.force_login(world.secretary_a1)
    assert [t["kind"] for t in client.get("/api/cycles/todo").json()] == ["resubmit"]
    assert post(client, f"/api/gradings/{g.pk}/submit").status_code == 400
    record_by_api(client, g.pk, OWN_STEPS[3:])
    assert post(client, f"/api/gradings/{g.pk}/submit").json()["state"] == "submitted"
    assert tallies.stored(cycle=world.cycle) == tallies.recount(cycle=world.cycle)


def test_list_return_per_determination(client, world):
    g1, g2 = decided(world, world.branch_a1), decided(world, world.branch_a2, grade="average")
    list_submitted(world, world.town_a)
    url = f"/api/cycles/{world.cycle.pk}/levels/{world.town_a.pk}/list/return"
    client.force_login(world.county_admin)
    response = post(client, url, {"reasons": {str(grading(world.cycle, world.branch_b1).pk): "x"}})
    assert response.status_code == 400 and set(errors_by_field(response)) == {"reasons"}  # not in this list
    response = post(client, url, {"reasons": {"abc": "x"}})
    assert response.status_code == 422 and errors_by_field(response)["reasons.abc.[key]"].startswith(
        verbose(LevelList, "return_reason"))
    response = post(client, url, {"reasons": {str(g2.pk): "材料不全"}})
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["return_reason"]) == ("returned", "材料不全")
    assert grading(world.cycle, world.branch_a1).state == GradingState.DECIDED
    assert grading(world.cycle, world.branch_a2).state == GradingState.SUBMITTED
    assert LevelList.objects.get(cycle=world.cycle, organization=world.town_a).state == ListState.RETURNED
    client.force_login(world.reviewer_a)
    assert [t["grading_id"] for t in client.get("/api/cycles/todo").json()] == [g2.pk]
    assert g1.final_grade == "advanced"
    assert tallies.stored(cycle=world.cycle) == tallies.recount(cycle=world.cycle)


def test_department_inputs_are_combined(client, world):
    g = grading(world.cycle, world.town_a)
    Grading.objects.filter(pk=g.pk).update(self_total=70)
    client.force_login(world.county_admin)
    url = f"/api/gradings/{g.pk}/inputs"
    assert post(client, url, {"department": "信访局", "score": 80, "comment": "无越级上访"}).status_code == 200
    response = post(client, url, {"department": "目督办", "score": "90"})
    assert response.status_code == 200
    body = response.json()
    assert [(i["department"], i["score"]) for i in body["inputs"]] == [("信访局", "80.0"), ("目督办", "90.0")]
    assert body["combined_score"] == "80.0"
    response = post(client, url, {"department": "民政局", "score": 101})
    assert response.status_code == 422 and errors_by_field(response)["score"].startswith(verbose(DepartmentInput, "score"))
    response = post(client, url, {"department": " ", "score": 60})
    assert response.status_code == 400 and set(errors_by_field(response)) == {"department"}
    client.force_login(world.admin_a)  # the town itself does not assess itself
    assert post(client, url, {"department": "民政局", "score": 60}).status_code == 403


def test_schema_errors_name_the_fields_in_chinese(client, world):
    g = submitted(world, world.branch_a1)
    client.force_login(world.reviewer_a)
    response = post(client, f"/api/gradings/{g.pk}/decide", {"grade": "excellent", "revise": "maybe"})
    assert response.status_code == 422
    errors = errors_by_field(response)
    assert set(errors) == {"grade", "revise"}
    assert errors["grade"].startswith(verbose(Grading, "final_grade"))
    assert errors["grade"].startswith("上级党组织评定等次")
    client.force_login(world.secretary_a1)
    g2 = grading(world.cycle, world.branch_a1)
    response = post(client, f"/api/gradings/{g2.pk}/steps", {"step": "public_rating", "held_on": "昨天", "participants": -1,
                                                              "votes": {"advanced": -3}})
    assert response.status_code == 422
    errors = errors_by_field(response)
    assert set(errors) == {"held_on", "participants", "votes.advanced"}
    assert errors["held_on"].startswith(verbose(StepRecord, "held_on"))
    assert errors["participants"].startswith(verbose(StepRecord, "participants"))
    assert errors["votes.advanced"].startswith(verbose(StepRecord, "votes"))
    response = client.get("/api/gradings/abc")
    assert response.status_code == 422 and errors_by_field(response)["grading_id"].startswith(
        capfirst(str(Grading._meta.verbose_name)))


def test_lists_and_cycles_are_seen_from_above_and_inside_only(client, world):
    client.force_login(world.secretary_a1)
    assert [c["id"] for c in client.get("/api/cycles/").json()["items"]] == [world.cycle.pk]
    client.force_login(world.norole)
    assert client.get("/api/cycles/").json() == {"items": [], "count": 0}
    client.force_login(system_user())
    assert client.get("/api/cycles/", {"limit": 1}).json()["count"] == 2
    client.force_login(world.admin_a)
    page = client.get(f"/api/cycles/{world.cycle.pk}/levels/{world.town_a.pk}/gradings", {"limit": 1, "offset": 1}).json()
    assert page["count"] == 2 and [item["organization_id"] for item in page["items"]] == [world.branch_a2.pk]
    summary = client.get(f"/api/cycles/{world.cycle.pk}/levels/{world.town_a.pk}/summary").json()
    assert summary == {"cycle_id": world.cycle.pk, "organization_id": world.town_a.pk, "total": 2,
                       "state": {"preparing": 2}, "grade": {}, "stars": {}, "step": {}}


def test_openapi_lists_the_cycle_paths(client, world):
    client.force_login(world.admin_a)
    paths = set(client.get("/api/openapi.json").json()["paths"])
    assert {"/api/cycles/", "/api/cycles/todo", "/api/cycles/{cycle_id}/levels/{level_id}/summary",
            "/api/cycles/{cycle_id}/levels/{level_id}/list/approve", "/api/gradings/{grading_id}/decide",
            "/api/gradings/{grading_id}/reopen"} <= paths


def test_extensions_through_the_api(client, world):
    client.force_login(world.county_admin)
    url = f"/api/cycles/{world.cycle.pk}/extensions"
    response = post(client, url, {"organization": world.branch_a1.pk, "step": "public_rating", "until": "2099-01-01"})
    assert response.status_code == 400 and set(errors_by_field(response)) == {"reason"}
    response = post(client, url, {"organization": world.branch_a1.pk, "step": "public_rating", "until": "2000-01-01",
                                  "reason": "x"})
    assert response.status_code == 400 and set(errors_by_field(response)) == {"until"}
    response = post(client, url, {"organization": world.far_branch.pk, "step": "public_rating", "until": "2099-01-01",
                                  "reason": "x"})
    assert response.status_code == 404  # outside the scope, as missing
    assert client.get(url).json()["items"] == []
    response = post(client, url, {"organization": world.branch_a1.pk, "step": "public_rating", "until": "2099-01-01",
                                  "reason": "书记住院"})
    assert response.status_code == 200 and response.json()["until"] == "2099-01-01"
    assert [item["organization_id"] for item in client.get(url).json()["items"]] == [world.branch_a1.pk]
    client.force_login(world.admin_a)  # sees the branch, does not run the county's cycle
    response = post(client, url, {"organization": world.branch_a2.pk, "step": "public_rating", "until": "2099-01-01",
                                  "reason": "x"})
    assert response.status_code == 403


def test_a_cycle_opened_through_the_api_needs_every_deadline(client, world):
    client.force_login(world.county_admin)
    response = post(client, "/api/cycles/", {"owner": world.county.pk, "year": 2027, "name": "x", "preset": "hunan",
                                             "deadlines": {"self_assessment": "2100-04-18"}})
    assert response.status_code == 400 and set(errors_by_field(response)) == {"deadlines"}
    assert "上级党组织评定" in errors_by_field(response)["deadlines"]
    assert not Cycle.objects.filter(year=2027).exists()
