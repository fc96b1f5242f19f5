"""The job runner (core.jobs) on the ledger's jobs: in the calling thread (django-tasks' immediate
backend) for what a job keeps, and in a real worker process for what people see while it runs: the
progress stored in the database at least every second and read by the web process, the page that
says when no worker runs (后台任务未运行), and a job whose worker died failed with a message."""

import datetime
import itertools
import os
import time

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from core.jobs import job_key, job_settle, job_start, job_status
from core.models import JobRun, Worker
from core.testing import wait_for_job
from ledgers.models import LedgerJob
from ledgers.tests.tasks import Refused, count_rows


def new_job(world) -> LedgerJob:
    return LedgerJob(kind=LedgerJob.Kind.EXPORT, created_by=world.admin_a, organization=world.town_a,
                     filename="台账.xlsx")


@pytest.mark.django_db
def test_a_job_runs_its_task_and_keeps_what_it_returned(world):
    job = job_start(new_job(world), count_rows, stage="export", rows=3)
    assert (job.state, job.stage, job.result, job.done, job.total) == ("done", "export", {"rows": 3}, 3, 3)
    assert job.problems[0]["row"] == 3 and job.finished_at is not None and job.task_id
    assert job.language == "zh-hans" and job.queue == "default"
    assert not JobRun.objects.exists()  # the run ends with the job


@pytest.mark.django_db
def test_a_job_keeps_its_first_problems_and_counts_the_rest(world, settings):
    job = job_start(new_job(world), count_rows, problems=5000)
    assert len(job.problems) == settings.JOB_PROBLEMS_KEPT + 1 == 1001
    assert [problem["row"] for problem in job.problems[:3]] == [3, 4, 5]  # the first ones, in order
    assert "另有 4000 个问题未列出" in job.problems[-1]["message"]
    assert job.problems[-1]["blocking"] and job.blocking_problems == 1  # the rest held blocking ones: still blocks
    job = job_start(new_job(world), count_rows, problems=1200)
    assert not job.problems[-1]["blocking"] and not job.blocking_problems  # 200 warnings only: no block


@pytest.mark.django_db
def test_a_result_too_large_to_store_fails_the_job_in_words(world, settings):
    settings.JOB_RESULT_MAX_BYTES = 1024**2
    job = job_start(new_job(world), count_rows, padding=200_000)
    assert job.state == "failed" and job.result == {}
    assert "处理结果过大" in job.problems[0]["message"] and "最多 1 MB" in job.problems[0]["message"]
    assert job_start(new_job(world), count_rows, padding=1000).state == "done"


@pytest.mark.django_db
def test_a_failure_fails_the_job_with_a_message_in_chinese(world, client):
    job = job_start(new_job(world), count_rows, fail="unexpected")
    message = job.problems[0]["message"]
    assert job.state == "failed" and "未写入" in message and "disk" not in message  # no internals shown
    client.force_login(world.admin_a)
    answer = client.get(f"/api/ledgers/jobs/{job.pk}").json()
    assert answer["state"] == "failed" and answer["message"] == message
    assert message in client.get(f"/ledgers/jobs/{job.pk}/").content.decode()

    job = job_start(new_job(world), count_rows, fail="refused")
    assert job.state == "failed" and job.problems == Refused.problems
    assert client.get(f"/api/ledgers/jobs/{job.pk}").json()["message"] == "第 4 行 E 列：流动党员数不是数字"
    job = job_start(new_job(world), count_rows, fail="invalid")
    assert job.state == "failed" and [p["message"] for p in job.problems] == ["第 3 行：缺少党组织名称。"]


@pytest.mark.django_db
def test_a_queued_job_says_whether_a_worker_serves_its_queue(world):
    job = LedgerJob.objects.create(kind="export", created_by=world.admin_a, organization=world.town_a, queue="pdf")
    assert job_status(job).state == "queued" and job_status(job).worker_missing  # no worker at all
    Worker.objects.create(id="imports", queues="default", beat_at=timezone.now())
    assert job_status(job).worker_missing  # a worker of the imports does not lay out PDFs
    Worker.objects.create(id="pdfs", queues="pdf", beat_at=timezone.now() - datetime.timedelta(seconds=60))
    assert job_status(job).worker_missing  # silent for a minute: not running
    Worker.objects.filter(id="pdfs").update(beat_at=timezone.now())
    assert not job_status(job).worker_missing and job_status(job).state == "queued"


@pytest.mark.django_db
def test_a_job_whose_worker_fell_silent_is_failed_within_two_minutes(world, client, caplog):
    assert django_settings.JOB_WORKER_GONE_SECONDS + django_settings.JOB_HEARTBEAT_SECONDS < 120
    job = LedgerJob.objects.create(kind="import", stage="commit", created_by=world.admin_a, organization=world.town_a,
                                   task_id="0f6c3c8e-5b1e-4a51-9d31-2a2b8c0f0001")
    silent = timezone.now() - datetime.timedelta(seconds=django_settings.JOB_WORKER_GONE_SECONDS - 5)
    Worker.objects.create(id="w1", queues="default", beat_at=silent)
    JobRun.objects.create(job=job_key(job), worker_id="w1", done=300, total=1000, updated_at=silent)
    client.force_login(world.admin_a)
    page = client.get(f"/ledgers/jobs/{job.pk}/").content.decode()
    assert 'value="300"' in page and "后台任务未运行" in page  # still its own, but said not to be running
    assert job_settle(job).state == "queued"

    gone = timezone.now() - datetime.timedelta(seconds=django_settings.JOB_WORKER_GONE_SECONDS + 1)
    Worker.objects.filter(id="w1").update(beat_at=gone)
    JobRun.objects.filter(worker_id="w1").update(updated_at=gone)
    response = client.get(f"/ledgers/jobs/{job.pk}/progress/")
    assert response["HX-Redirect"] == f"/ledgers/jobs/{job.pk}/"
    stuck = [record for record in caplog.records if "is stuck" in record.getMessage()]
    assert [record.levelname for record in stuck] == ["ERROR"]  # an operator's alert, naming the job
    assert job_key(job) in stuck[0].getMessage() and stuck[0].request_id == response["X-Request-ID"]
    job.refresh_from_db()
    assert (job.state, job.problems[0]["blocking"], job.problems[0]["row"]) == ("failed", True, None)
    assert "重新开始" in job.problems[0]["message"] and "没有写入" in job.problems[0]["message"]
    assert client.get(f"/api/ledgers/jobs/{job.pk}").json()["state"] == "failed"
    assert not JobRun.objects.exists()


@pytest.mark.django_db
def test_purge_deletes_old_finished_jobs_with_their_files(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    old = new_job(world)
    old.file.save("台账.xlsx", ContentFile(b"x"), save=False)
    old = job_start(old, count_rows)
    path = old.file.path
    recent = job_start(new_job(world), count_rows)
    waiting = LedgerJob.objects.create(kind="import", created_by=world.admin_a, organization=world.town_a)
    LedgerJob.objects.filter(pk__in=[old.pk, waiting.pk]).update(created_at=timezone.now() - datetime.timedelta(days=31))
    call_command("purge_jobs", "--days", "30")
    assert set(LedgerJob.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert not os.path.exists(path)


# In a real worker process --------------------------------------------------------------------


def test_progress_is_stored_every_second_and_read_by_the_web(task_worker, world, client):
    task_worker.start()
    client.force_login(world.admin_a)
    job = job_start(new_job(world), count_rows, rows=40, pause=0.1)
    seen = []  # (when, rows done) as the API tells it
    while True:
        answer = client.get(f"/api/ledgers/jobs/{job.pk}").json()
        seen.append((time.monotonic(), answer["done"], answer["state"]))
        if answer["state"] in ("done", "failed"):
            break
        assert answer["worker_running"]
        time.sleep(0.1)
    assert answer["state"] == "done" and answer["done"] == answer["total"] == 40
    running = [(when, done) for when, done, state in seen if state == "running"]
    assert any(0 < done < 40 for _when, done in running)  # the bar moved while it ran
    moved_at = [when for (when, done), (_, before) in zip(running[1:], running[:-1], strict=True) if done != before]
    assert moved_at and max((later - earlier for earlier, later in itertools.pairwise(moved_at)), default=0) < 1.5


def test_the_worker_logs_to_standard_output_as_the_web_does_naming_the_job(task_worker, world):
    task_worker.start()
    job = wait_for_job(job_start(new_job(world), count_rows, fail="unexpected"))
    assert job.state == "failed"
    deadline = time.monotonic() + 10
    while "Traceback" not in task_worker.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    lines = task_worker.log.read_text().splitlines()
    # The format of settings.LOGGING: time, level, [the id], logger: message; a job's lines carry its key.
    failed = [line for line in lines if f" ERROR [{job_key(job)}] core.jobs: job {job_key(job)} failed" in line]
    assert len(failed) == 1, lines[-20:]
    assert "RuntimeError: disk full" in "\n".join(lines)  # the traceback follows, for the administrator


def test_a_page_says_at_once_when_no_worker_runs_and_the_job_starts_with_one(task_worker, world, client):
    client.force_login(world.admin_a)
    job = job_start(new_job(world), count_rows, rows=3)
    page = client.get(f"/ledgers/jobs/{job.pk}/progress/").content.decode()
    assert "后台任务未运行" in page and "manage.py db_worker" in page
    assert client.get(f"/api/ledgers/jobs/{job.pk}").json()["worker_running"] is False
    task_worker.start()
    job = wait_for_job(job)
    assert job.state == "done" and job.result == {"rows": 3}
    task_worker.stop()  # a worker that stops says so: the next job's page knows at once
    assert not Worker.objects.exists()


def test_a_killed_worker_is_reported_within_seconds_then_its_job_failed(task_worker, world, client, settings):
    settings.JOB_WORKER_MISSING_SECONDS = 2
    settings.JOB_WORKER_GONE_SECONDS = 4
    task_worker.start()
    client.force_login(world.admin_a)
    job = job_start(new_job(world), count_rows, rows=100, pause=0.2)
    wait_for_job(job, until=lambda job: job_status(job).done > 0)
    task_worker.kill()
    killed = time.monotonic()
    page = ""
    while "后台任务未运行" not in page and time.monotonic() - killed < 10:
        page = client.get(f"/ledgers/jobs/{job.pk}/progress/").content.decode()
        time.sleep(0.2)
    assert "后台任务未运行" in page and time.monotonic() - killed < 2 + 2  # within seconds
    while client.get(f"/ledgers/jobs/{job.pk}/progress/").get("HX-Redirect") is None:
        assert time.monotonic() - killed < 10
        time.sleep(0.2)
    job.refresh_from_db()
    assert job.state == "failed" and "重新开始" in job.problems[0]["message"]
    assert client.get(f"/api/ledgers/jobs/{job.pk}").json()["message"] == job.problems[0]["message"]
