"""The ledger page, the rectification entry, and the roll-up against the detail rows."""

import datetime
import io
import random
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.http import Http404
from django.urls import reverse
from python_calamine import CalamineWorkbook

from core.models import AuditEvent
from core.testing import Endpoint, access_tests
from cycles import services as cycle_services
from cycles import tallies
from cycles.models import Grading
from cycles.selectors import cycle_grades
from cycles.tests.test_services import record_own_steps
from ledgers import jobs, layouts, selectors, services
from ledgers.forms import ledger_filters
from ledgers.models import LedgerEntry, LedgerJob
from orgs.models import OrganizationFacts

TODAY = datetime.date.today()


@pytest.fixture
def world(world):
    world.cycle = cycle_services.cycle_open(actor=world.county_admin, owner=world.county, year=2026, name="2026年分类定级")
    OrganizationFacts.objects.create(organization=world.branch_a1, year=2026, members_total=30, probationary_members=2,
                                     female_members=5, leadership_size=3, mobile_members=4, venue_status="built",
                                     main_features="班子团结", problems="1、党员老化；\n2、阵地小。")
    return world


def save(world, branch, actor=None, **values):
    return services.ledger_entry_save(actor=actor or world.admin_a, cycle=world.cycle, organization=branch, **values)


def test_entry_is_saved_audited_and_unchanged_saves_nothing(world):
    entry = save(world, world.branch_a1, target_grade="advanced", measures="1、发展2名青年党员；\n2、建好阵地。",
                 deadline=datetime.date(2026, 12, 31), deadline_text="2026年底", assisting_unit="县委统战部",
                 liaison_leader="赵志坚", responsible_person="廖仁旺")
    assert entry.measures.endswith("建好阵地。") and entry.updated_by == world.admin_a
    assert AuditEvent.objects.filter(action="ledger.entry").count() == 1
    save(world, world.branch_a1, target_grade="advanced", measures="1、发展2名青年党员；\n2、建好阵地。",
         deadline=datetime.date(2026, 12, 31), deadline_text="2026年底", assisting_unit="县委统战部",
         liaison_leader="赵志坚", responsible_person="廖仁旺")
    assert AuditEvent.objects.filter(action="ledger.entry").count() == 1
    save(world, world.branch_a1, target_grade="advanced", liaison_leader="曾强生")
    event = AuditEvent.objects.filter(action="ledger.entry").latest("pk")
    assert event.before["liaison_leader"] == "赵志坚" and event.after["liaison_leader"] == "曾强生"


def test_the_author_of_an_entry_cannot_be_deleted(world):
    """The author's key has no constraint in the database (an import writes it 100,000 times):
    Django's PROTECT is what keeps it pointing at a user."""
    entry = save(world, world.branch_a1, target_grade="advanced")
    with pytest.raises(ProtectedError) as refused:
        world.admin_a.delete()
    assert entry in refused.value.protected_objects


def test_entry_refuses_a_grade_outside_the_scheme_and_people_outside(world):
    with pytest.raises(ValidationError) as caught:
        save(world, world.branch_a1, target_grade="good")  # 好 is Hunan's scheme, not this cycle's
    assert "target_grade" in caught.value.message_dict
    with pytest.raises(Http404):
        save(world, world.branch_b1, actor=world.admin_a, target_grade="advanced")
    with pytest.raises(Http404):  # a secretary sees their own branch only
        save(world, world.branch_a2, actor=world.secretary_a1, target_grade="advanced")
    observer = world.observer_a
    with pytest.raises(PermissionDenied):
        save(world, world.branch_a2, actor=observer, target_grade="advanced")
    save(world, world.branch_a1, actor=world.secretary_a1, target_grade="advanced")  # their own branch
    save(world, world.branch_a2, actor=world.reviewer_a, target_grade="advanced")  # the superior
    assert LedgerEntry.objects.count() == 2


def test_rows_join_facts_gradings_and_entries(world):
    save(world, world.branch_a1, target_grade="advanced", deadline=datetime.date(2026, 12, 31))
    rows = {row.code: row for row in selectors.ledger_rows(cycle=world.cycle, organization=world.town_a)}
    assert set(rows) == {world.town_a.code, world.branch_a1.code, world.branch_a2.code}
    row = rows[world.branch_a1.code]
    assert row.basic_facts == "支部共有党员30人，其中预备党员2人，女党员5人，班子成员3人。"
    assert (row.mobile_members, row.venue, row.target_label, row.deadline_display) == (4, "已建", "先进", "2026年12月31日")
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


def test_ledger_page_shows_rows_summary_and_edit_links(client, world):
    save(world, world.branch_a1, target_grade="advanced", measures="建好阵地")
    observer = world.observer_a
    client.force_login(world.reviewer_a)
    response = client.get(reverse("ledgers:ledger", args=[world.cycle.pk, world.town_a.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "甲一村党支部" in page and "甲二村党支部" in page and "乙一村党支部" not in page
    assert "建好阵地" in page and "支部共有党员30人" in page
    assert reverse("ledgers:entry", args=[world.cycle.pk, world.branch_a1.pk]) in page
    client.force_login(observer)
    page = client.get(reverse("ledgers:ledger", args=[world.cycle.pk, world.town_a.pk])).content.decode()
    assert "甲一村党支部" in page and reverse("ledgers:entry", args=[world.cycle.pk, world.branch_a1.pk]) not in page
    far = client.get(reverse("ledgers:ledger", args=[world.cycle.pk, world.town_a.pk]), {"page": "9" * 30})
    assert far.status_code == 200 and "甲一村党支部" not in far.content.decode()  # past the last page: no rows
    filtered = client.get(reverse("ledgers:ledger", args=[world.cycle.pk, world.town_a.pk]), {"q": "甲二"}).content.decode()
    assert "甲二村党支部" in filtered and "建好阵地" not in filtered


def test_entry_page_saves_and_names_bad_fields(client, world):
    client.force_login(world.secretary_a1)
    url = reverse("ledgers:entry", args=[world.cycle.pk, world.branch_a1.pk])
    response = client.post(url, {"target_grade": "advanced", "measures": "1、建好阵地", "deadline": "2026-12-31",
                                 "deadline_text": "", "assisting_unit": "县检察院", "liaison_leader": "杨书郎",
                                 "responsible_person": "黄玉生"})
    # The secretary sees only their branch: back to its own ledger, not to the town's (which would be 404).
    assert response.status_code == 302
    assert response.url == reverse("ledgers:ledger", args=[world.cycle.pk, world.branch_a1.pk])
    own = client.get(response.url)
    town_ledger = reverse("ledgers:ledger", args=[world.cycle.pk, world.town_a.pk])
    assert own.status_code == 200 and f'href="{town_ledger}"' not in own.content.decode()  # no link to a 404
    assert LedgerEntry.objects.get(organization=world.branch_a1).assisting_unit == "县检察院"
    response = client.post(url, {"target_grade": "advanced", "deadline": "2026-13-45"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert LedgerEntry.objects.get(organization=world.branch_a1).deadline == datetime.date(2026, 12, 31)
    client.force_login(world.reviewer_a)
    branch_ledger = client.get(reverse("ledgers:ledger", args=[world.cycle.pk, world.branch_a1.pk])).content.decode()
    assert f'href="{town_ledger}"' in branch_ledger  # the town's reviewer goes up to the town's ledger
    response = client.post(url, {"target_grade": "advanced", "measures": "1、建好阵地", "deadline": "2026-12-31"})
    assert response.url == reverse("ledgers:ledger", args=[world.cycle.pk, world.town_a.pk])
    assert LedgerEntry.objects.get(organization=world.branch_a1).deadline == datetime.date(2026, 12, 31)


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
        lambda b, recorder, decider: save(world, b, actor=recorder, target_grade=rng.choice(["advanced", "average"])),
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


def entry_url(branch: str):
    return lambda world: reverse("ledgers:entry", args=[world.cycle.pk, getattr(world, branch).pk])


ENDPOINTS = [
    Endpoint("ledgers:ledger", ledger_url("town_a"), outside_url=ledger_url("town_b")),
    Endpoint("ledgers:entry", entry_url("branch_a1"), outside_url=entry_url("branch_b1"), without_role="observer_a"),
]
test_anonymous, test_no_role, test_inside, test_outside, test_inside_without_the_role = access_tests(ENDPOINTS)


def test_api_rows_use_the_page_filters_and_entry_errors_name_the_field(client, world):
    client.force_login(world.admin_a)
    save(world, world.branch_a1, target_grade="advanced", measures="建好阵地")
    url = f"/api/ledgers/{world.cycle.pk}/{world.town_a.pk}/rows"
    body = client.get(url).json()
    assert body["count"] == 3 and [item["name"] for item in body["items"]] == ["甲镇党委", "甲一村党支部", "甲二村党支部"]
    assert body["items"][1]["basic_facts"].startswith("支部共有党员30人") and body["items"][0]["is_group"]
    filtered = client.get(url, {"target_grade": "advanced"}).json()
    assert filtered["count"] == 1 and filtered["items"][0]["measures"] == "建好阵地"
    assert client.get(f"/api/ledgers/{world.cycle.pk}/{world.town_b.pk}/rows").status_code == 404
    entry_url = f"/api/ledgers/{world.cycle.pk}/{world.branch_a2.pk}/entry"
    assert client.get(entry_url).status_code == 204
    response = client.put(entry_url, {"target_grade": "good"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "target_grade"
    response = client.put(entry_url, {"target_grade": "average", "liaison_leader": "杨书郎"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["liaison_leader"] == "杨书郎"
    assert client.get(entry_url).json()["target_grade"] == "average"


API_ENDPOINTS = [
    Endpoint("api rows", lambda w: f"/api/ledgers/{w.cycle.pk}/{w.town_a.pk}/rows", api=True,
             outside_url=lambda w: f"/api/ledgers/{w.cycle.pk}/{w.town_b.pk}/rows"),
    Endpoint("api entry", lambda w: f"/api/ledgers/{w.cycle.pk}/{w.branch_a1.pk}/entry", api=True, ok=(200, 204),
             outside_url=lambda w: f"/api/ledgers/{w.cycle.pk}/{w.branch_b1.pk}/entry"),
    Endpoint("api entry save", lambda w: f"/api/ledgers/{w.cycle.pk}/{w.branch_a1.pk}/entry", api=True, method="put",
             data={"target_grade": "advanced"}, without_role="observer_a",
             outside_url=lambda w: f"/api/ledgers/{w.cycle.pk}/{w.branch_b1.pk}/entry"),
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


def test_a_deadline_changed_without_its_text_as_written_is_refused_by_name(client, world):
    client.force_login(world.secretary_a1)
    url = reverse("ledgers:entry", args=[world.cycle.pk, world.branch_a1.pk])
    client.post(url, {"target_grade": "advanced", "deadline": "2012-12-31", "deadline_text": "2012年底"})
    response = client.post(url, {"target_grade": "advanced", "deadline": "2013-06-30", "deadline_text": "2012年底"})
    assert response.status_code == 200 and "整改时限（原文）" in response.content.decode()
    entry = LedgerEntry.objects.get(organization=world.branch_a1)
    assert (entry.deadline, entry.deadline_text) == (datetime.date(2012, 12, 31), "2012年底")
    client.post(url, {"target_grade": "advanced", "deadline": "2013-06-30", "deadline_text": "2013年上半年"})
    entry.refresh_from_db()
    assert (entry.deadline, entry.deadline_text) == (datetime.date(2013, 6, 30), "2013年上半年")


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


def test_an_entry_stored_with_a_text_at_odds_with_its_date_still_saves_its_other_fields(world):
    # Stored before the rule (the old page took it): a change of its measures alone is not refused.
    entry = save(world, world.branch_a1, target_grade="advanced", deadline=datetime.date(2026, 12, 31))
    LedgerEntry.objects.filter(pk=entry.pk).update(deadline=datetime.date(2026, 12, 15), deadline_text="2026年底")
    save(world, world.branch_a1, target_grade="advanced", deadline=datetime.date(2026, 12, 15),
         deadline_text="2026年底", measures="1、建好阵地")
    assert LedgerEntry.objects.get(pk=entry.pk).measures == "1、建好阵地"
