"""The ledger page, its rectification columns read off the plans, and the roll-up against the detail rows."""

import datetime
import io
import random
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from python_calamine import CalamineWorkbook

from core.testing import Endpoint, access_tests
from cycles import services as cycle_services
from cycles import tallies
from cycles.models import Grading
from cycles.selectors import cycle_grades
from cycles.tests.test_services import record_own_steps
from ledgers import jobs, layouts, selectors
from ledgers.forms import ledger_filters
from ledgers.models import LedgerJob
from ledgers.tests.plans import file_plan
from orgs.models import OrganizationFacts
from rectification import services as rectification_services
from rectification.models import Plan

TODAY = datetime.date.today()


@pytest.fixture
def world(world):
    world.cycle = cycle_services.cycle_open(actor=world.county_admin, owner=world.county, year=2026, name="2026年分类定级")
    OrganizationFacts.objects.create(organization=world.branch_a1, year=2026, members_total=30, probationary_members=2,
                                     female_members=5, leadership_size=3, mobile_members=4, venue_status="built",
                                     main_features="班子团结", problems="1、党员老化；\n2、阵地小。")
    return world


def save(world, branch, actor=None, **values):
    return file_plan(world.cycle, branch, actor or world.admin_a, **values)


def test_rows_join_facts_gradings_and_plans(world):
    save(world, world.branch_a1, target_grade="advanced", measures=["发展2名青年党员；", "建好阵地。"],
         deadline=datetime.date(2026, 10, 31), assisting_unit="县委统战部", liaison_leader="赵志坚")
    rows = {row.code: row for row in selectors.ledger_rows(cycle=world.cycle, organization=world.town_a)}
    assert set(rows) == {world.town_a.code, world.branch_a1.code, world.branch_a2.code}
    row = rows[world.branch_a1.code]
    assert row.basic_facts == "支部共有党员30人，其中预备党员2人，女党员5人，班子成员3人。"
    assert (row.mobile_members, row.venue, row.target_label, row.deadline_display) == (4, "已建", "先进", "2026年10月31日")
    assert row.measures == "1、发展2名青年党员；\n2、建好阵地。"
    assert (row.assisting_unit, row.liaison_leader, row.responsible_person) == ("县委统战部", "赵志坚", "廖仁旺")
    assert rows[world.town_a.code].is_group and not row.is_group
    assert rows[world.branch_a2.code].basic_facts == "" and rows[world.branch_a2.code].measures == ""


GRADES = ["advanced", "average", "lagging"]


def test_filters_are_read_once_for_page_export_and_api(world):
    save(world, world.branch_a1, target_grade="advanced")
    filters = ledger_filters({"target_grade": "advanced"}, grades=GRADES)
    rows = list(selectors.ledger_rows(cycle=world.cycle, organization=world.county, filters=filters))
    assert [row.code for row in rows] == [world.branch_a1.code]
    by_name = selectors.ledger_rows(cycle=world.cycle, organization=world.county,
                                    filters=ledger_filters({"q": "甲二"}, grades=GRADES))
    assert [row.code for row in by_name] == [world.branch_a2.code]


def test_an_unknown_filter_value_is_refused_naming_its_field(world):
    with pytest.raises(ValidationError) as refused:
        ledger_filters({"target_grade": "advanced", "sector": "moon"}, grades=GRADES)
    assert list(refused.value.message_dict) == ["sector"] and "领域" in refused.value.message_dict["sector"][0]
    with pytest.raises(ValidationError):  # a grade of another scheme than the cycle's
        ledger_filters({"superior_grade": "fairly_good"}, grades=GRADES)


@pytest.mark.parametrize("path", ["ledger", "print", "xlsx", "api-rows", "api-export"])
def test_the_page_its_exports_and_the_api_answer_an_unknown_filter_with_400(client, world, path):
    client.force_login(world.county_admin)
    base = {"ledger": reverse("ledgers:ledger", args=[world.cycle.pk, world.county.pk]),
            "print": reverse("ledgers:print_form", args=[world.cycle.pk, world.county.pk, "hunan-ledger"]),
            "xlsx": reverse("ledgers:download_form", args=[world.cycle.pk, world.county.pk, "hunan-ledger"]),
            "api-rows": f"/api/ledgers/{world.cycle.pk}/{world.county.pk}/rows",
            "api-export": f"/api/ledgers/{world.cycle.pk}/{world.county.pk}/exports/hunan-ledger"}[path]
    call = client.post if path == "api-export" else client.get
    response = call(base + "?sector=moon")
    assert response.status_code == 400
    text = str(response.json()) if path.startswith("api") else response.content.decode()
    assert "领域" in text and "moon" in text
    assert not LedgerJob.objects.exists()  # nothing was started


def test_ledger_page_shows_rows_summary_and_plan_links(client, world):
    save(world, world.branch_a1, target_grade="advanced", measures="建好阵地")
    observer = world.observer_a
    client.force_login(world.reviewer_a)
    response = client.get(reverse("ledgers:ledger", args=[world.cycle.pk, world.town_a.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "甲一村党支部" in page and "甲二村党支部" in page and "乙一村党支部" not in page
    assert "建好阵地" in page and "支部共有党员30人" in page
    assert reverse("rectification:plan", args=[world.cycle.pk, world.branch_a1.pk]) in page
    client.force_login(observer)
    page = client.get(reverse("ledgers:ledger", args=[world.cycle.pk, world.town_a.pk])).content.decode()
    assert "甲一村党支部" in page and "建好阵地" in page
    far = client.get(reverse("ledgers:ledger", args=[world.cycle.pk, world.town_a.pk]), {"page": "9" * 30})
    assert far.status_code == 200 and "甲一村党支部" not in far.content.decode()  # past the last page: no rows
    filtered = client.get(reverse("ledgers:ledger", args=[world.cycle.pk, world.town_a.pk]), {"q": "甲二"}).content.decode()
    assert "甲二村党支部" in filtered and "建好阵地" not in filtered


def _roll_up_from_rows(world, level) -> dict[str, Counter]:
    counts = {"state": Counter(), "grade": Counter(), "stars": Counter()}
    for row in selectors.ledger_rows(cycle=world.cycle, organization=level):
        if row.organization_id == level.pk:
            continue  # a level's summary counts what is below it
        counts["state"][row.state] += 1
        if row.superior_grade:
            counts["grade"][f"{row.sector}:{row.superior_grade}"] += 1
            counts["stars"][str(row.final_stars or 0)] += 1
    return counts


def test_roll_up_matches_the_detail_rows_after_random_work(world):
    rng = random.Random(6)
    branches = [(world.branch_a1, world.secretary_a1, world.reviewer_a), (world.branch_a2, world.admin_a, world.reviewer_a),
                (world.branch_b1, world.admin_b, world.admin_b), (world.branch_b2, world.admin_b, world.admin_b)]
    for branch, recorder, _decider in branches:
        record_own_steps(world, world.cycle, branch, recorder)

    def grading(branch):
        return Grading.objects.get(cycle=world.cycle, organization=branch)

    actions = [
        lambda b, recorder, decider: cycle_services.grading_decide(
            actor=decider, grading=grading(b), grade=rng.choice(["advanced", "average", "lagging"]), reason="r",
            revise=True),
        lambda b, recorder, decider: cycle_services.grading_return(actor=decider, grading=grading(b),
                                                                   reasons={"member_review": "r"}),
        lambda b, recorder, decider: cycle_services.step_record(actor=recorder, grading=grading(b), step="member_review",
                                                                held_on=TODAY, grade="average"),
        lambda b, recorder, decider: cycle_services.grading_submit(actor=recorder, grading=grading(b)),
        lambda b, recorder, decider: rectification_services.plan_update(
            actor=recorder, plan=rectification_services.plan_ensure(actor=recorder, cycle=world.cycle, organization=b),
            target_grade=rng.choice(["advanced", "average"])),
    ]
    done = [0] * len(actions)
    for _ in range(80):
        branch, recorder, decider = rng.choice(branches)
        number = rng.randrange(len(actions))
        try:
            actions[number](branch, recorder, decider)
            done[number] += 1
        except ValidationError:
            pass  # refused in this state, as a user would be
    assert min(done) >= 3, done  # every kind of change happened, so the roll-up below was really moved
    for level in (world.county, world.town_a, world.town_b):
        stored = tallies.level_counts(cycle=world.cycle, organization=level)
        expected = _roll_up_from_rows(world, level)
        for dimension in ("state", "grade", "stars"):
            assert stored[dimension] == dict(expected[dimension]), (level.name, dimension)
    assert tallies.stored(cycle=world.cycle) == tallies.recount(cycle=world.cycle)  # the by-step counts too


def ledger_url(level: str):
    return lambda world: reverse("ledgers:ledger", args=[world.cycle.pk, getattr(world, level).pk])


ENDPOINTS = [
    Endpoint("ledgers:ledger", ledger_url("town_a"), outside_url=ledger_url("town_b")),
]
test_anonymous, test_no_role, test_inside, test_outside, test_inside_without_the_role = access_tests(ENDPOINTS)


def test_api_rows_use_the_page_filters_and_name_the_plan(client, world):
    client.force_login(world.admin_a)
    save(world, world.branch_a1, target_grade="advanced", measures="建好阵地")
    url = f"/api/ledgers/{world.cycle.pk}/{world.town_a.pk}/rows"
    body = client.get(url).json()
    assert body["count"] == 3 and [item["name"] for item in body["items"]] == ["甲镇党委", "甲一村党支部", "甲二村党支部"]
    assert body["items"][1]["basic_facts"].startswith("支部共有党员30人") and body["items"][0]["is_group"]
    filtered = client.get(url, {"target_grade": "advanced"}).json()
    assert filtered["count"] == 1 and filtered["items"][0]["measures"] == "1、建好阵地。"
    plan = Plan.objects.get(organization=world.branch_a1)
    assert filtered["items"][0]["plan_id"] == plan.pk and body["items"][2]["plan_id"] is None
    assert client.get(f"/api/ledgers/{world.cycle.pk}/{world.town_b.pk}/rows").status_code == 404


API_ENDPOINTS = [
    Endpoint("api rows", lambda w: f"/api/ledgers/{w.cycle.pk}/{w.town_a.pk}/rows", api=True,
             outside_url=lambda w: f"/api/ledgers/{w.cycle.pk}/{w.town_b.pk}/rows"),
]
test_api_anonymous, test_api_no_role, test_api_inside, test_api_outside, test_api_inside_without_the_role = access_tests(API_ENDPOINTS)


def test_export_runs_as_a_job_whose_file_only_those_in_scope_download(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    save(world, world.branch_a1, target_grade="advanced", measures="建好阵地")
    client.force_login(world.admin_a)
    response = client.get(reverse("ledgers:download_form", args=[world.cycle.pk, world.town_a.pk, "hunan-ledger"]),
                          {"target_grade": "advanced"})
    assert response.status_code == 200 and response["X-Jinwei-Rows"] == "1"
    cells = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content))).get_sheet_by_index(0).to_python()
    assert any("建好阵地" in str(cell) for row in cells for cell in row)
    job = LedgerJob.objects.get(kind="export")
    assert job.state == "done" and job.done == job.total == 1
    assert client.get(reverse("ledgers:job_download", args=[job.pk])).status_code == 200
    client.force_login(world.admin_b)
    assert client.get(reverse("ledgers:job_download", args=[job.pk])).status_code == 404
    other = jobs.ledger_export_start(actor=world.county_admin, cycle=world.cycle, level=world.county,
                                     form=layouts.FORMS["roster"], filters=ledger_filters({}, grades=GRADES))
    assert other.result["download_url"].endswith(f"/jobs/{other.pk}/download/")


def test_api_exports_a_form_with_the_filters_and_serves_its_file_in_scope(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    save(world, world.branch_a1, target_grade="advanced", measures="建好阵地")
    save(world, world.branch_a2, target_grade="average", measures="发展党员")
    client.force_login(world.admin_a)
    base = f"/api/ledgers/{world.cycle.pk}/{world.town_a.pk}/exports"
    response = client.post(f"{base}/hunan-ledger?target_grade=advanced")
    assert response.status_code == 201, response.content
    job = response.json()
    assert job["kind"] == "export" and job["state"] == "done" and job["done"] == job["total"] == 1
    download = client.get(f"/api/ledgers/jobs/{job['id']}/file")
    assert download.status_code == 200 and download["X-Jinwei-Rows"] == "1"
    cells = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(download.streaming_content))).get_sheet_by_index(0).to_python()
    texts = [str(cell) for row in cells for cell in row]
    assert any("建好阵地" in text for text in texts) and not any("发展党员" in text for text in texts)
    assert client.post(f"{base}/no-such-form").status_code == 404
    assert client.post(f"/api/ledgers/{world.cycle.pk}/{world.town_b.pk}/exports/hunan-ledger").status_code == 404
    summary = client.get(f"/api/cycles/{world.cycle.pk}/levels/{world.town_a.pk}/summary").json()
    assert set(summary) >= {"state", "grade", "stars", "step"}
    client.force_login(world.admin_b)
    assert client.get(f"/api/ledgers/jobs/{job['id']}/file").status_code == 404


def test_the_grade_filters_offer_the_cycles_own_grades(client, world):
    client.force_login(world.admin_a)
    page = client.get(reverse("ledgers:ledger", args=[world.cycle.pk, world.town_a.pk])).content.decode()
    grades = cycle_grades(world.cycle)
    offered = {grade for grade in ("advanced", "average", "lagging", "good", "fairly_good", "poor", "brand")
               if f'<option value="{grade}"' in page}
    assert offered == set(grades) and len(grades) < 11
    # A grade of another scheme in the address is refused, naming the field, not silently dropped.
    other = client.get(reverse("ledgers:ledger", args=[world.cycle.pk, world.town_a.pk]), {"declared_grade": "good"})
    assert other.status_code == 400 and "申报等次" in other.content.decode()
