"""A roster's export as the site runs it: a real worker process writes the .xlsx and its audit event; the page
shows the job until the file is there; two readers read the file back."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from core.models import AuditEvent
from core.testing import wait_for_job
from members.models import RosterExport
from members.tests.factories import make_member
from orgs.testing import build_world


@pytest.fixture
def world(transactional_db):
    world = build_world()
    make_member(world.secretary_a1, world.branch_a1, name="毛小红", gender="female", probationary=True,
                birth_date=datetime.date(1990, 3, 8))
    make_member(world.secretary_a1, world.branch_a1, name="张三", birth_date=datetime.date(1970, 5, 1),
                phone="13912345678")
    return world


def test_the_worker_writes_the_roster_and_audits_it(task_worker, world, client):
    client.force_login(world.reviewer_a)
    response = client.post(reverse("members:export", args=[world.branch_a1.pk]))  # no worker yet: the job's page
    job = RosterExport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("members:export_job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'id="job-progress"' in page and not AuditEvent.objects.filter(action="roster.export").exists()
    task_worker.start()
    job = wait_for_job(job)
    assert (job.state, job.result["rows"]) == ("done", 2), job.problems
    event = AuditEvent.objects.get(action="roster.export")
    assert (event.actor_id, event.organization_id, event.after) == (world.reviewer_a.pk, world.branch_a1.pk, {"rows": 2})
    page = client.get(reverse("members:export_job", args=[job.pk])).content.decode()
    assert reverse("members:export_download", args=[job.pk]) in page
    download = client.get(reverse("members:export_download", args=[job.pk]))
    content = b"".join(download.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[0][:5] == ["姓名", "性别", "出生日期", "学历", "入党日期"]
    assert sorted((row[0], row[1], row[2], row[5]) for row in rows[1:]) == [
        ("张三", "男", "1970-05-01", "正式"), ("毛小红", "女", "1990-03-08", "预备")]
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    phones = sorted(sheet.cell(row, 9).value or "" for row in (2, 3))
    assert sheet.max_row == 3 and phones == ["", "13912345678"]
