"""The roster's import: every problem by row and column in Chinese, then every row or nothing."""

import csv
import datetime
import io

import openpyxl
import pytest
import xlsxwriter
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from core.models import AuditEvent
from members import jobs
from members.models import Member, RosterExport, RosterImport
from members.tests.factories import make_member

pytestmark = pytest.mark.django_db
HEADER = ["序号", "姓名", "性别", "出生日期", "身份证号", "学历", "入党日期", "党员类别", "流动党员", "流动去向"]
GOOD = [[1, "张三", "男", "1970-05-01", "430000197005010000", "初中", "1995-07-01", "正式", "否", ""],
        [2, "李红", "女", "1990/3/8", "", "本科", "2015年7月1日", "预备", "是", "广东省深圳市"]]


def csv_upload(rows, name="花名册.csv", encoding="gb18030"):
    text = io.StringIO()
    csv.writer(text).writerows([["毛俊村党支部党员花名册"], HEADER, *rows])
    return SimpleUploadedFile(name, text.getvalue().encode(encoding), content_type="text/csv")


def xlsx_upload(rows):
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = book.add_worksheet("花名册")
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADER)
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write_datetime(number, column, datetime.datetime.combine(value, datetime.time()), dates)
            else:
                sheet.write(number, column, value)
    book.close()
    return SimpleUploadedFile("花名册.xlsx", output.getvalue())


@pytest.fixture
def world(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return world


def test_a_good_file_is_checked_then_imported_without_the_id_card_column(world):
    job = jobs.roster_import_start(actor=world.secretary_a1, organization=world.branch_a1, upload=csv_upload(GOOD))
    assert job.state == "done" and job.problems == []
    assert (job.result["added"], job.result["ignored_id_column"]) == (2, "E")
    assert not Member.objects.exists()
    job = jobs.roster_import_confirm(actor=world.secretary_a1, job=job)
    assert job.state == "done" and job.result["added"] == 2
    li = Member.objects.get(name="李红")
    assert (li.birth_date, li.joined_on, li.probationary, li.mobile_where) == (
        datetime.date(1990, 3, 8), datetime.date(2015, 7, 1), True, "广东省深圳市")
    assert not any("430000" in str(value) for value in Member.objects.values_list())
    event = AuditEvent.objects.get(action="roster.import")
    assert (event.object_id, event.after) == (str(world.branch_a1.pk), {"rows": 2, "added": 2, "changed": 0})
    assert not AuditEvent.objects.filter(action="member.create").exists()


def test_an_xlsx_with_date_cells_updates_who_is_there(world):
    make_member(world.secretary_a1, world.branch_a1, name="张三", birth_date=datetime.date(1970, 5, 1))
    rows = [[1, "张三", "男", datetime.date(1970, 5, 1), "", "大专", datetime.date(1995, 7, 1), "正式", "否", ""]]
    job = jobs.roster_import_start(actor=world.secretary_a1, organization=world.branch_a1, upload=xlsx_upload(rows))
    assert (job.result["added"], job.result["changed"]) == (0, 1), job.problems
    jobs.roster_import_confirm(actor=world.secretary_a1, job=job)
    assert Member.objects.get().education == "college"


def test_every_problem_names_its_row_and_column_and_nothing_is_written(world):
    rows = [GOOD[0],
            [2, "王五", "男", "1970-02-30", "", "初中", "1995-07-01", "正式", "否", ""],
            [3, "赵六", "未知", "1980-01-01", "", "博士后", "1979-01-01", "正式", "否", ""],
            [4, "张三", "男", "1970-05-01", "", "初中", "1995-07-01", "正式", "否", ""],
            [5, "钱七", "男", "1980-01-01", "", "初中", "2000-01-01", "正式", "是", ""]]
    job = jobs.roster_import_start(actor=world.secretary_a1, organization=world.branch_a1, upload=csv_upload(rows))
    found = {(p["row"], p["column"]) for p in job.problems}
    # The title is row 1 and the header row 2: the file's second member is row 4.
    assert {(4, "D"), (5, "C"), (5, "F"), (5, "G"), (6, "B"), (7, "J")} <= found
    by_cell = {(p["row"], p["column"]): p["message"] for p in job.problems}
    assert "有效日期" in by_cell[(4, "D")]
    assert "列了两次" in by_cell[(6, "B")] and "第3行和第6行" in by_cell[(6, "B")]
    with pytest.raises(ValidationError, match="有问题"):
        jobs.roster_import_confirm(actor=world.secretary_a1, job=job)
    assert not Member.objects.exists()


def test_a_file_without_the_header_is_refused_in_words(world):
    upload = SimpleUploadedFile("花名册.csv", "名字,年龄\n张三,40\n".encode())
    job = jobs.roster_import_start(actor=world.secretary_a1, organization=world.branch_a1, upload=upload)
    assert "姓名" in job.problems[0]["message"]


def test_the_pages_walk_a_file_from_upload_to_the_roster(client, world):
    client.force_login(world.secretary_a1)
    response = client.post(reverse("members:import", args=[world.branch_a1.pk]), {"file": csv_upload(GOOD)})
    job = RosterImport.objects.get()
    assert response["Location"] == reverse("members:import_job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "2" in page and "members/imports" in page
    assert client.post(reverse("members:import_confirm", args=[job.pk])).status_code == 302
    assert Member.objects.count() == 2
    assert client.post(reverse("members:import_confirm", args=[job.pk])).status_code == 400
    client.force_login(world.admin_b)
    assert client.get(reverse("members:import_job", args=[job.pk])).status_code == 404
    client.force_login(world.reviewer_a)
    assert client.get(reverse("members:import_job", args=[job.pk])).status_code == 403


def test_an_export_is_audited_and_imports_back_unchanged(client, world):
    jobs.roster_import_confirm(actor=world.secretary_a1, job=jobs.roster_import_start(
        actor=world.secretary_a1, organization=world.branch_a1, upload=csv_upload(GOOD)))
    client.force_login(world.reviewer_a)
    response = client.post(reverse("members:export", args=[world.branch_a1.pk]))
    content = b"".join(response.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[0][:3] == ["姓名", "性别", "出生日期"] and {row[0] for row in rows[1:]} == {"张三", "李红"}
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.cell(3, 6).value in ("预备", "正式") and sheet.max_row == 3
    event = AuditEvent.objects.get(action="roster.export")
    assert (event.actor_id, event.after) == (world.reviewer_a.pk, {"rows": 2})
    job = jobs.roster_import_start(actor=world.secretary_a1, organization=world.branch_a1,
                                   upload=SimpleUploadedFile("花名册.xlsx", content))
    assert (job.result["added"], job.result["changed"], job.result["unchanged"]) == (0, 0, 2), job.problems
    export = RosterExport.objects.get()
    assert client.get(reverse("members:export_download", args=[export.pk])).status_code == 200
    client.force_login(world.secretary_a1)  # inside the branch, but not the one who asked: each export is audited
    assert client.get(reverse("members:export_download", args=[export.pk])).status_code == 403
    assert client.get(reverse("members:export", args=[world.branch_a1.pk])).status_code == 405
    client.force_login(world.admin_b)
    assert client.post(reverse("members:export", args=[world.branch_a1.pk])).status_code == 404
    assert client.get(reverse("members:export_job", args=[export.pk])).status_code == 404
