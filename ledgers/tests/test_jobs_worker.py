"""Every kind of ledger job through a real worker process (``manage.py db_worker``), as the site runs
them: an import's check and its commit, an export as .xlsx, a PDF on the queue of its own; and a
worker killed in the middle of a commit, after which the job is failed and no row was written."""

import datetime
import io
import time

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from core.jobs import job_key, job_status
from core.models import JobRun
from core.testing import wait_for_job
from cycles import services as cycle_services
from cycles.models import Grading
from ledgers.models import LedgerJob
from ledgers.tests.files.lanshan import flat_header, workbook_bytes
from orgs.choices import VenueStatus
from orgs.models import Organization, OrganizationFacts
from orgs.synthetic import synthetic_tree_create
from orgs.testing import build_world
from rectification.models import Measure

YEAR = datetime.date.today().year
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def world(transactional_db):
    world = build_world()
    world.cycle = cycle_services.cycle_open(actor=world.county_admin, owner=world.county, year=YEAR, name="年度分类定级",
                                            steps=["self_assessment", "superior_decision", "approval"])
    return world


def ledger_file(rows) -> SimpleUploadedFile:
    cells = [[name, "张三", "", f"支部共有党员{members}人，其中女党员3人。", mobile, "已建", "1、团结；\n2、肯干。", "1、学习不够；\n2、阵地小。", "",
              "", "一般", "1、加强学习；\n2、建好阵地。", f"{YEAR}年底", "县委组织部", "李四", "张三"]
             for name, members, mobile in rows]
    content = workbook_bytes(cells, title=False, header=(flat_header(),), note=False)
    return SimpleUploadedFile("甲镇台账.xlsx", content, content_type=XLSX)


def test_an_import_is_checked_and_committed_by_the_worker(task_worker, world, client):
    task_worker.start()
    client.force_login(world.admin_a)
    response = client.post(reverse("ledgers:import", args=[world.cycle.pk, world.town_a.pk]),
                           {"level": world.town_a.pk, "file": ledger_file([("甲一村党支部", 20, 2), ("甲二村党支部", 9, 0)])})
    job = wait_for_job(LedgerJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[-1])))
    assert (job.stage, job.state, job.blocking_problems, job.result["counts"]["matched"]) == ("preview", "done", 0, 2)
    assert not OrganizationFacts.objects.filter(organization=world.branch_a1, year=YEAR).exists()  # a check writes nothing

    assert client.post(reverse("ledgers:import_confirm", args=[job.pk])).status_code == 302
    job = wait_for_job(job)
    assert (job.stage, job.state, job.result["committed"]) == ("commit", "done", True)
    assert OrganizationFacts.objects.get(organization=world.branch_a1, year=YEAR).members_total == 20
    assert Measure.objects.filter(plan__cycle=world.cycle, plan__organization=world.branch_a2).order_by(
        "position", "pk").first().text == "加强学习"
    assert "import-result success" in client.get(f"/ledgers/jobs/{job.pk}/").content.decode()


def test_an_export_is_written_by_the_worker(task_worker, world, client):
    task_worker.start()
    client.force_login(world.admin_a)
    response = client.get(reverse("ledgers:download_form", args=[world.cycle.pk, world.town_a.pk, "hunan-ledger"]))
    if response.status_code == 302:  # the worker took longer than the page waits: its job's page
        job = wait_for_job(LedgerJob.objects.get(kind="export"))
        response = client.get(reverse("ledgers:job_download", args=[job.pk]))
    content = b"".join(response.streaming_content)
    names = {str(cell) for row in CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
             for cell in row}
    assert {world.branch_a1.name, world.branch_a2.name} <= names
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert any(world.branch_a1.name in str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)
    job = LedgerJob.objects.get(kind="export")
    assert job.state == "done" and job.queue == "default" and job.result["rows"] >= 2


def test_a_pdf_is_laid_out_by_the_worker_of_its_own_queue(task_worker, world, client):
    task_worker.queues = "default"  # the imports' worker does not lay out PDFs ...
    task_worker.start()
    client.force_login(world.admin_a)
    url = reverse("ledgers:print_form", args=[world.cycle.pk, world.town_a.pk, "hunan-ledger"])
    response = client.get(url, {"format": "pdf"})
    job = LedgerJob.objects.get(kind="export")
    assert response.status_code == 302 and job.queue == "pdf" and job_status(job).worker_missing
    task_worker.stop()
    task_worker.queues = "pdf"  # ... the PDFs' worker does
    task_worker.start()
    job = wait_for_job(job)
    assert job.state == "done" and job.filename.endswith(".pdf")
    response = client.get(reverse("ledgers:job_download", args=[job.pk]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages)
    assert response["Content-Type"] == "application/pdf" and world.branch_a1.name in "".join(text.split())


ROWS = 3000


def big_ledger():
    """A generated tree of ROWS organizations with a cycle and everyone's facts, as a county's would be."""
    admin = get_user_model().objects.create_superuser("jobs_admin", password="x-unused-x")
    synthetic_tree_create(count=ROWS, root_code="JOBS", analyze=False)
    root = Organization.objects.get(code="JOBS")
    cycle = cycle_services.cycle_open(actor=admin, owner=root, year=YEAR, name="台账", preset="hunan")
    OrganizationFacts.objects.bulk_create(
        [OrganizationFacts(organization_id=pk, year=YEAR, members_total=30 + pk % 50, mobile_members=pk % 7,
                           venue_status=VenueStatus.BUILT, main_features="1、班子团结；\n2、制度健全。")
         for pk in Grading.objects.filter(cycle=cycle).values_list("organization_id", flat=True)], batch_size=2000)
    return admin, cycle, root


def test_a_worker_killed_in_the_middle_of_a_commit_leaves_the_job_failed_and_no_row(task_worker, client, settings):
    settings.JOB_WORKER_GONE_SECONDS = 3
    admin, cycle, root = big_ledger()
    task_worker.start()
    client.force_login(admin)
    exported = client.get(reverse("ledgers:download_form", args=[cycle.pk, root.pk, "hunan-ledger"]))
    if exported.status_code == 302:
        job = wait_for_job(LedgerJob.objects.get(kind="export"))
        exported = client.get(reverse("ledgers:job_download", args=[job.pk]))
    content = b"".join(exported.streaming_content)
    OrganizationFacts.objects.filter(organization__path__startswith=root.path, year=YEAR).delete()

    client.post(reverse("ledgers:import", args=[cycle.pk, root.pk]),
                {"level": root.pk, "file": SimpleUploadedFile("台账.xlsx", content, content_type=XLSX)})
    job = wait_for_job(LedgerJob.objects.get(kind="import"), timeout=120)
    assert job.state == "done" and not job.blocking_problems and job.result["counts"]["facts_new"] > ROWS // 2
    client.post(reverse("ledgers:import_confirm", args=[job.pk]))
    wait_for_job(job, timeout=60, until=lambda job: JobRun.objects.filter(job=job_key(job)).exists())
    # Hold the job's progress row: the commit's next report of its progress, made inside its
    # transaction with rows already handed to the database, waits there until the worker is killed.
    with transaction.atomic(using=settings.TASKS_DATABASE):
        list(JobRun.objects.select_for_update().filter(job=job_key(job)))
        time.sleep(2)
        job.refresh_from_db()
        assert (job.stage, job.state, job_status(job).state) == ("commit", "queued", "running")
        task_worker.kill()

    started = time.monotonic()
    while (page := client.get(f"/ledgers/jobs/{job.pk}/progress/")).get("HX-Redirect") is None:
        assert time.monotonic() - started < 30, page.content.decode()
        time.sleep(0.2)
    job.refresh_from_db()
    assert (job.stage, job.state) == ("commit", "failed") and "重新开始" in job.problems[0]["message"]
    assert not OrganizationFacts.objects.filter(organization__path__startswith=root.path, year=YEAR).exists()
    answer = client.get(f"/api/ledgers/jobs/{job.pk}").json()
    assert answer["state"] == "failed" and "重新开始" in answer["message"]
