"""The import pages and API: access (404 outside the subtree, 403 inside when not allowed), upload,
the problems listed by row and column, 确认导入 only without problems, the result with its counts."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from python_calamine import CalamineWorkbook

from core.jobs import job_key
from core.models import JobRun, Worker
from core.testing import Endpoint, access_tests
from cycles import services as cycle_services
from ledgers.models import LedgerJob
from ledgers.tests.files.lanshan import csv_bytes
from ledgers.views import PROBLEMS_SHOWN
from orgs.models import Organization, OrganizationFacts
from orgs.testing import build_world
from rectification.models import Measure

YEAR = datetime.date.today().year
GOOD = [["甲一村党支部", "张三", "", "支部共有党员20人，其中女党员5人，班子成员3人。", 2, "已建", "", "1、学习不够；\n2、阵地小。", "", "",
         "一般",
         "1、加强学习；\n2、建好阵地。", f"{YEAR}年底", "县委组织部", "李四", "张三"],
        ["甲二村  党支部", "王五", "", "支部共有党员12人", 0, "没有", "", "", "", "", "", "", "", "", "", ""]]
BAD = [GOOD[0], ["甲三村党支部", "王五", "", "支部共有党员12人", "很多", "", "", "", "", "", "", "", "", "", "", ""]]


def upload(rows, name="台账.csv"):
    return SimpleUploadedFile(name, csv_bytes(rows, "gb18030"), content_type="text/csv")


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    world.cycle = cycle_services.cycle_open(actor=world.county_admin, owner=world.county, year=YEAR, name="年度分类定级",
                                            steps=["self_assessment", "superior_decision", "approval"])
    for name, user, level in (("job_a", world.admin_a, world.town_a), ("job_b", world.admin_b, world.town_b)):
        job = LedgerJob(kind="import", stage="preview", state="done", created_by=user, organization=level,
                        cycle=world.cycle, filename="台账.csv")
        job.file.save("台账.csv", ContentFile(csv_bytes([], "utf-8")), save=False)
        job.save()
        setattr(world, name, job)
    return world


ENDPOINTS = [
    Endpoint("import page", lambda w: f"/ledgers/{w.cycle.pk}/{w.town_a.pk}/import/",
             outside_url=lambda w: f"/ledgers/{w.cycle.pk}/{w.town_b.pk}/import/", without_role="reviewer_a"),
    Endpoint("job page", lambda w: f"/ledgers/jobs/{w.job_a.pk}/", outside_url=lambda w: f"/ledgers/jobs/{w.job_b.pk}/", without_role="reviewer_a"),
    Endpoint("job progress", lambda w: f"/ledgers/jobs/{w.job_a.pk}/progress/",
             outside_url=lambda w: f"/ledgers/jobs/{w.job_b.pk}/progress/", without_role="reviewer_a"),
    Endpoint("confirm", lambda w: f"/ledgers/jobs/{w.job_a.pk}/confirm/", method="post", ok=(302,),
             outside_url=lambda w: f"/ledgers/jobs/{w.job_b.pk}/confirm/", without_role="reviewer_a"),
    Endpoint("api job", lambda w: f"/api/ledgers/jobs/{w.job_a.pk}", api=True,
             outside_url=lambda w: f"/api/ledgers/jobs/{w.job_b.pk}", without_role="reviewer_a"),
    Endpoint("api commit", lambda w: f"/api/ledgers/imports/{w.job_a.pk}/commit", api=True, method="post",
             outside_url=lambda w: f"/api/ledgers/imports/{w.job_b.pk}/commit", without_role="reviewer_a"),
]

test_anonymous, test_no_role, test_inside, test_outside, test_inside_without_the_role = access_tests(ENDPOINTS)


def test_inside_the_subtree_but_not_allowed_is_403(client, world):
    client.force_login(world.reviewer_a)  # a reviewer decides grades; facts are the administrators' and secretaries'
    refused = client.get(f"/ledgers/{world.cycle.pk}/{world.town_a.pk}/import/")
    assert refused.status_code == 403
    assert f"您无权向{world.town_a.name}导入台账" in refused.content.decode()  # the reason, on the site's own page
    assert client.get(f"/ledgers/jobs/{world.job_a.pk}/").status_code == 403  # someone else's upload
    assert client.post("/api/ledgers/imports", {"cycle": world.cycle.pk, "level": world.town_a.pk,
                                                "file": upload(GOOD)}).status_code == 403
    client.force_login(world.county_admin)  # the county administrator sees the town's upload, but only its uploader imports it
    assert client.get(f"/ledgers/jobs/{world.job_a.pk}/").status_code == 200
    assert client.post(f"/ledgers/jobs/{world.job_a.pk}/confirm/").status_code == 403


def test_upload_see_the_problems_correct_the_file_and_import(client, world):
    client.force_login(world.admin_a)
    page = f"/ledgers/{world.cycle.pk}/{world.town_a.pk}/import/"
    response = client.post(page, {"file": upload(BAD), "level": world.town_a.pk})
    assert response.status_code == 302
    job = LedgerJob.objects.latest("pk")
    response = client.get(response["Location"])
    html = response.content.decode()
    assert "<th>行</th><th>列</th><th>问题</th>" in html
    assert "E（流动党员数）" in html and "很多" in html and "甲三村党支部" in html
    assert 'disabled>确认导入' in html
    assert [(p["row"], p["column"]) for p in job.problems if p["blocking"]] == [(3, "A"), (3, "E")]
    assert client.post(f"/ledgers/jobs/{job.pk}/confirm/").status_code == 400
    assert not OrganizationFacts.objects.exists()

    response = client.post(page, {"file": upload(GOOD), "level": world.town_a.pk})
    job = LedgerJob.objects.latest("pk")
    html = client.get(response["Location"]).content.decode()
    assert 'disabled>确认导入' not in html and "确认导入" in html
    # Before confirming, what each row changes, field by field: here both organizations are new to the ledger.
    changes = {change["name"]: {field: (before, after) for field, before, after in change["fields"]}
               for change in job.result["changes"]}
    assert changes["甲一村党支部"]["党员数"] == ("", "20") and changes["甲一村党支部"]["帮扶单位"] == ("", "县委组织部")
    assert changes["甲二村党支部"]["书记"] == (world.branch_a2.secretary, "王五") and "流动党员数" not in changes["甲二村党支部"]
    assert "导入后将发生的变更" in html and "县委组织部" in html
    response = client.post(f"/ledgers/jobs/{job.pk}/confirm/")
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "import-result" in html
    job.refresh_from_db()
    assert job.stage == "commit" and job.state == "done" and job.result["counts"]["matched"] == 2
    assert OrganizationFacts.objects.get(organization=world.branch_a1, year=YEAR).members_total == 20
    assert Organization.objects.get(pk=world.branch_a2.pk).secretary == "王五"
    assert set(Measure.objects.filter(plan__organization=world.branch_a1).values_list("deadline", flat=True)) == {
        datetime.date(YEAR, 12, 31)}
    # A second confirmation of the same upload is refused.
    assert client.post(f"/ledgers/jobs/{job.pk}/confirm/").status_code == 400


def test_a_wrong_file_is_refused_on_the_form(client, world):
    client.force_login(world.admin_a)
    page = f"/ledgers/{world.cycle.pk}/{world.town_a.pk}/import/"
    response = client.post(page, {"file": SimpleUploadedFile("台账.docx", b"x"), "level": world.town_a.pk})
    assert response.status_code == 200 and ".xlsx" in response.content.decode()
    response = client.post(page, {"file": SimpleUploadedFile("台账.xlsx", b"not excel"), "level": world.town_a.pk})
    job = LedgerJob.objects.latest("pk")
    assert response.status_code == 302 and job.problems[0]["row"] is None and job.blocking_problems == 1


def test_the_api_uploads_checks_and_commits(client, world):
    client.force_login(world.admin_a)
    response = client.post("/api/ledgers/imports", {"cycle": world.cycle.pk, "level": world.town_a.pk,
                                                    "file": upload(BAD)})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "done" and body["stage"] == "preview"
    assert [(p["row"], p["column"], p["header"]) for p in body["problems"]] == [(3, "A", "党支部名称"), (3, "E", "流动党员数")]
    response = client.post(f"/api/ledgers/imports/{body['id']}/commit")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "job"

    body = client.post("/api/ledgers/imports", {"cycle": world.cycle.pk, "level": world.town_a.pk,
                                                "file": upload(GOOD)}).json()
    assert body["problems"] == [] and body["result"]["counts"]["matched"] == 2
    response = client.post(f"/api/ledgers/imports/{body['id']}/commit")
    assert response.status_code == 200
    assert response.json()["result"]["committed"] is True and response.json()["state"] == "done"
    assert client.get(f"/api/ledgers/jobs/{body['id']}").json()["stage"] == "commit"
    assert OrganizationFacts.objects.filter(year=YEAR).count() == 2

    response = client.post("/api/ledgers/imports", {"cycle": world.cycle.pk, "level": world.town_b.pk,
                                                    "file": upload(GOOD)})
    assert response.status_code == 404
    response = client.post("/api/ledgers/imports", {"cycle": world.cycle.pk, "level": world.town_a.pk,
                                                    "file": SimpleUploadedFile("a.txt", b"x")})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "file"


def test_the_api_is_in_the_openapi_schema(client, world):
    client.force_login(world.admin_a)
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/ledgers/imports", "/api/ledgers/jobs/{job_id}", "/api/ledgers/imports/{job_id}/commit"} <= set(paths)


def test_a_file_with_many_problems_lists_the_first_ones_and_says_how_many_more(client, world):
    world.job_a.problems = [{"row": number, "column": "E", "header": "流动党员数", "message": f"第{number}行的问题",
                             "blocking": True} for number in range(4, PROBLEMS_SHOWN + 104)]
    world.job_a.problems[0]["message"] = '=HYPERLINK("http://example.invalid","点此")'  # a cell's text, quoted
    world.job_a.result = {"counts": {"rows": PROBLEMS_SHOWN + 100}}
    world.job_a.save()
    client.force_login(world.admin_a)
    page = client.get(f"/ledgers/jobs/{world.job_a.pk}/").content.decode()
    assert page.count("<tr class=\"blocking\">") == PROBLEMS_SHOWN and f"第{PROBLEMS_SHOWN + 3}行的问题" in page
    assert f"第{PROBLEMS_SHOWN + 4}行的问题" not in page and "另有 100 个问题未列出" in page
    # Every problem, in a workbook to correct the file by (read back by a second reader).

    download = client.get(f"/ledgers/jobs/{world.job_a.pk}/problems.xlsx")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    rows = CalamineWorkbook.from_filelike(io.BytesIO(download.content)).get_sheet_by_index(0).to_python()
    assert rows[0] == ["行", "列", "问题", "是否阻止导入"] and len(rows) == PROBLEMS_SHOWN + 101
    assert rows[-1] == [PROBLEMS_SHOWN + 103, "E（流动党员数）", f"第{PROBLEMS_SHOWN + 103}行的问题", "是"]

    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    assert sheet["C2"].value == '=HYPERLINK("http://example.invalid","点此")' and sheet["C2"].data_type == "s"
    assert [cell.value for cell in sheet[sheet.max_row]] == rows[-1]
    client.force_login(world.admin_b)  # another town's administrator: not theirs to see
    assert client.get(f"/ledgers/jobs/{world.job_a.pk}/problems.xlsx").status_code == 404


def test_only_the_uploader_is_offered_the_confirmation(client, world):
    world.job_a.result = {"counts": {"rows": 2}}
    world.job_a.save()
    client.force_login(world.admin_a)
    assert '<button type="submit">确认导入</button>' in client.get(f"/ledgers/jobs/{world.job_a.pk}/").content.decode()
    client.force_login(world.county_admin)  # sees the town's upload, may not import it
    assert '<button type="submit" disabled>确认导入</button>' in client.get(f"/ledgers/jobs/{world.job_a.pk}/").content.decode()


def test_an_unreadable_file_shows_its_problem_without_an_empty_summary(client, world):
    world.job_a.problems = [{"row": None, "column": "", "header": "", "message": "无法读取", "blocking": True}]
    world.job_a.result = {"counts": {}, "problems": world.job_a.problems}
    world.job_a.save()
    client.force_login(world.admin_a)
    page = client.get(f"/ledgers/jobs/{world.job_a.pk}/").content.decode()
    assert "无法读取" in page and "import-summary" not in page and "确认导入" not in page


def test_the_preview_names_the_columns_it_leaves_out(client, world):
    world.job_a.result = {"counts": {"rows": 1}, "ignored": ["A（序号）", "C（党员总数）"]}
    world.job_a.save()
    client.force_login(world.admin_a)
    page = client.get(f"/ledgers/jobs/{world.job_a.pk}/").content.decode()
    assert "以下列不属于台账，不会导入： A（序号）、C（党员总数）" in page


def test_a_preview_with_warnings_only_does_not_count_zero_problems(client, world):
    world.job_a.problems = [{"row": 4, "column": "I", "header": "支部申报定级类别", "message": "等次不同", "blocking": False}]
    world.job_a.result = {"counts": {"rows": 1}}
    world.job_a.save()
    client.force_login(world.admin_a)
    page = client.get(f"/ledgers/jobs/{world.job_a.pk}/").content.decode()
    assert "1 个提示" in page and "0 个问题" not in page


def test_a_pdf_being_laid_out_says_so_while_it_runs(client, world):
    job = LedgerJob.objects.create(kind="export", stage="export", queue="pdf", created_by=world.admin_a,
                                   organization=world.town_a, cycle=world.cycle, filename="甲镇-工作台账.pdf")
    Worker.objects.create(id="w1", queues="pdf", beat_at=timezone.now())  # what a worker laying it out writes
    JobRun.objects.create(job=job_key(job), worker_id="w1", updated_at=timezone.now())
    client.force_login(world.admin_a)
    page = client.get(f"/ledgers/jobs/{job.pk}/progress/").content.decode()
    assert "正在排版页面" in page and "后台任务未运行" not in page
