"""The year-end pages over HTTP: access, the charts' JSON and their data files read back by two readers, the
summary's print page, tables and PDF (by a real worker), the reports, the shortlist and its export."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from core.testing import Endpoint, access_tests, wait_for_job
from orgs.testing import build_world
from yearend import services
from yearend.models import Candidate, SummaryJob, YearSummary
from yearend.tests.factories import year_end

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world):
    world = year_end(world)
    world.summary_a = services.summary_save(actor=world.admin_a, cycle=world.cycle, level=world.town_a)
    world.summary_b = services.summary_save(actor=world.admin_b, cycle=world.cycle, level=world.town_b)
    world.report_a = services.report_save(actor=world.admin_a, summary=world.summary_a, secretary="李明", post="党委书记",
                                          text="述职正文")
    world.report_b = services.report_save(actor=world.admin_b, summary=world.summary_b, secretary="王强", post="",
                                          text="述职正文")
    services.shortlist_propose(actor=world.admin_a, cycle=world.cycle, level=world.town_a)
    world.shortlist_b = services.shortlist_propose(actor=world.admin_b, cycle=world.cycle, level=world.town_b)
    world.candidate_a = Candidate.objects.get(organization=world.branch_a1, shortlist__organization=world.town_a)
    world.candidate_b = services.candidate_add(actor=world.admin_b, shortlist=world.shortlist_b,
                                               organization=world.branch_b1, reason="表现突出")
    return world


def level_url(name, *extra):
    def url(w):
        return reverse(f"yearend:{name}", args=[w.cycle.pk, w.town_a.pk, *extra])

    def outside(w):
        return reverse(f"yearend:{name}", args=[w.cycle.pk, w.town_b.pk, *extra])
    return url, outside


def _level(name, *extra, **kwargs):
    url, outside = level_url(name, *extra)
    return Endpoint(name + ("-" + "-".join(extra) if extra else ""), url, outside_url=outside, **kwargs)


ENDPOINTS = [
    _level("dashboard"),
    _level("chart", "grades"),
    _level("chart_download", "years", "xlsx"),
    _level("summary"),
    _level("summary", method="post", data={"action": "save", "text": "改写"}, ok=(302,), without_role="observer_a"),
    _level("summary_print"),
    _level("summary_xlsx"),
    _level("shortlist"),
    _level("shortlist", method="post", data={"action": "propose"}, ok=(302,), without_role="observer_a"),
    _level("shortlist_xlsx"),
    Endpoint("report", lambda w: reverse("yearend:report", args=[w.report_a.pk]),
             outside_url=lambda w: reverse("yearend:report", args=[w.report_b.pk])),
    Endpoint("report_print", lambda w: reverse("yearend:report_print", args=[w.report_a.pk]),
             outside_url=lambda w: reverse("yearend:report_print", args=[w.report_b.pk])),
    Endpoint("report-post", lambda w: reverse("yearend:report", args=[w.report_a.pk]),
             outside_url=lambda w: reverse("yearend:report", args=[w.report_b.pk]), method="post",
             data={"secretary": "李明", "post": "党委书记", "text": "改写的述职"}, ok=(302,), without_role="observer_a"),
    Endpoint("candidate_remove", lambda w: reverse("yearend:candidate_remove", args=[w.candidate_a.pk]),
             outside_url=lambda w: reverse("yearend:candidate_remove", args=[w.candidate_b.pk]), method="post",
             data={"reason": "不符合"}, ok=(302,), without_role="observer_a"),
]
test_anonymous, test_no_role, test_inside, test_outside, test_inside_without_the_role = access_tests(ENDPOINTS)


def test_a_chart_is_an_echarts_option_of_the_levels_figures(client, world):
    client.force_login(world.county_admin)
    body = client.get(reverse("yearend:chart", args=[world.cycle.pk, world.county.pk, "grades"])).json()
    option = body["option"]
    assert option["series"][0]["type"] == "bar" and [s["data"] for s in option["series"]] == [[2], [1]]
    assert client.get(reverse("yearend:chart", args=[world.cycle.pk, world.county.pk, "nonsense"])).status_code == 404


def test_a_charts_data_downloads_as_xlsx_read_by_two_readers_and_as_csv(client, world):
    client.force_login(world.county_admin)
    content = client.get(reverse("yearend:chart_download", args=[world.cycle.pk, world.county.pk, "years", "xlsx"])
                         ).content
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert [str(int(float(rows[n][0]))) if isinstance(rows[n][0], float) else rows[n][0] for n in (4, 5)] == [
        str(world.cycle.year - 1), str(world.cycle.year)]
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [cell.value for cell in sheet[5]][1:3] == [2, 1] and [cell.value for cell in sheet[6]][1:3] == [2, 1]
    response = client.get(reverse("yearend:chart_download", args=[world.cycle.pk, world.county.pk, "years", "csv"]))
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[1:] == [[str(world.cycle.year - 1), "2", "1"], [str(world.cycle.year), "2", "1"]]
    assert client.get(reverse("yearend:chart_download", args=[world.cycle.pk, world.county.pk, "years", "exe"])
                      ).status_code == 404


def test_submitting_an_empty_summary_on_the_page_names_the_field(client, world):
    client.force_login(world.admin_a)
    url = reverse("yearend:summary", args=[world.cycle.pk, world.town_a.pk])
    client.post(url, {"action": "save", "text": ""})
    page = client.post(url, {"action": "submit"}).content.decode()
    assert "errorlist" in page
    assert YearSummary.objects.get(pk=world.summary_a.pk).state == "draft"


def test_the_summary_prints_with_its_tables_and_its_reports(client, world):
    client.force_login(world.county_admin)
    page = client.get(reverse("yearend:summary_print", args=[world.cycle.pk, world.town_a.pk])).content.decode()
    assert "甲镇党委" in page and "年度基层党组织分类定级晋位升级工作总结" in page and "述职正文" in page
    page = client.get(reverse("yearend:report_print", args=[world.report_a.pk])).content.decode()
    assert "党委书记述职报告" in page and "附件" in page


def test_the_summarys_tables_as_xlsx(client, world):
    client.force_login(world.admin_a)
    content = client.get(reverse("yearend:summary_xlsx", args=[world.cycle.pk, world.town_a.pk])).content
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert len(workbook.sheet_names) == 4
    assert len(openpyxl.load_workbook(io.BytesIO(content)).sheetnames) == 4


def test_the_shortlist_exports_with_its_reasons(client, world):
    client.force_login(world.admin_b)
    content = client.get(reverse("yearend:shortlist_xlsx", args=[world.cycle.pk, world.town_b.pk])).content
    cells = [str(c) for row in CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
             for c in row]
    assert "乙一村党支部" in cells and "表现突出" in cells
    assert any("表现突出" == str(c.value) for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows()
               for c in row)


def test_the_summary_pdf_is_laid_out_by_the_worker(task_worker, client):
    world = build_world()
    year_end(world)
    summary = services.summary_save(actor=world.admin_a, cycle=world.cycle, level=world.town_a)
    task_worker.start()
    client.force_login(world.admin_a)
    response = client.post(reverse("yearend:summary_pdf", args=[world.cycle.pk, world.town_a.pk]))
    job = wait_for_job(SummaryJob.objects.get(summary=summary))
    assert response.status_code == 302 and job.queue == "pdf" and job.state == "done", job.problems
    pdf = b"".join(client.get(reverse("yearend:job_download", args=[job.pk])).streaming_content)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "工作总结" in text and "甲镇党委" in text
    client.force_login(world.admin_b)
    assert client.get(reverse("yearend:job", args=[job.pk])).status_code == 404
