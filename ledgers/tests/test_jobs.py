"""The job runner in real threads: quick work answers with its result, longer work shows a progress bar
that the page polls until the end; failures end the job as failed with a message, writing nothing."""

import datetime
import os
import threading
import time

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from ledgers import jobs
from ledgers.models import LedgerJob


@pytest.fixture
def job(transactional_db, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.LEDGER_JOBS_INLINE = False
    return LedgerJob.objects.create(kind=LedgerJob.Kind.EXPORT, created_by=world.admin_a, organization=world.town_a,
                                    filename="台账.xlsx")


def test_quick_work_answers_with_its_result(job):
    job = jobs.job_run(job=job, work=lambda progress: {"rows": 3}, stage="export")
    assert (job.state, job.result, job.stage) == ("done", {"rows": 3}, "export")
    assert job.finished_at is not None


def test_longer_work_shows_progress_until_it_ends(job, client, world):
    release = threading.Event()

    def work(progress):
        for done in range(0, 5001, 1000):
            progress(done, 5000)
            if done == 2000:
                release.wait(10)
        return {"rows": 5000, "problems": [{"row": 3, "column": "A", "header": "党支部名称", "message": "x",
                                            "blocking": False}]}

    job = jobs.job_run(job=job, work=work, wait=0.3)
    assert job.state == "running"
    assert jobs.job_progress(job) == (2000, 5000)
    client.force_login(world.admin_a)
    response = client.get(f"/ledgers/jobs/{job.pk}/progress/")
    html = response.content.decode()
    assert response.status_code == 200 and '<progress max="5000" value="2000"' in html and 'hx-trigger="every 1s"' in html
    assert 'id="job-progress"' in client.get(f"/ledgers/jobs/{job.pk}/").content.decode()

    release.set()
    job = jobs.job_wait(job)
    assert (job.state, job.done, job.total, job.result) == ("done", 5000, 5000, {"rows": 5000})
    assert job.problems[0]["row"] == 3
    response = client.get(f"/ledgers/jobs/{job.pk}/progress/")
    assert response["HX-Redirect"] == f"/ledgers/jobs/{job.pk}/"


def test_a_failure_ends_the_job_with_a_message(job):
    def broken(progress):
        raise RuntimeError("disk full")

    job = jobs.job_run(job=job, work=broken)
    assert job.state == "failed" and job.problems[0]["message"] and "disk" not in job.problems[0]["message"]

    class Refused(Exception):
        problems = [{"row": 4, "column": "E", "header": "流动党员数", "message": "y", "blocking": True}]

    def refused(progress):
        raise Refused()

    job = jobs.job_run(job=job, work=refused)
    assert job.state == "failed" and job.problems == Refused.problems


def test_tests_may_run_the_work_inline(job, settings):
    settings.LEDGER_JOBS_INLINE = True
    seen = []
    job = jobs.job_run(job=job, work=lambda progress: seen.append(threading.current_thread()) or {})
    assert seen == [threading.current_thread()] and job.state == "done"


def test_the_thread_answers_after_the_wait_even_when_slow(job):
    started = time.monotonic()
    job = jobs.job_run(job=job, work=lambda progress: time.sleep(1) or {}, wait=0.2)
    assert time.monotonic() - started < 0.9 and job.state == "running"
    assert jobs.job_wait(job).state == "done"


def test_a_job_its_stopped_server_left_running_ends_as_failed_for_whoever_looks(job, client, world):

    LedgerJob.objects.filter(pk=job.pk).update(state="running", done=300, total=1000)
    client.force_login(world.admin_a)
    assert 'id="job-progress"' in client.get(f"/ledgers/jobs/{job.pk}/").content.decode()  # recent: still running
    LedgerJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - jobs.STALE_AFTER - datetime.timedelta(seconds=1))
    response = client.get(f"/ledgers/jobs/{job.pk}/progress/")
    assert response["HX-Redirect"] == f"/ledgers/jobs/{job.pk}/"
    job.refresh_from_db()
    assert (job.state, job.done, job.problems[0]["blocking"], job.problems[0]["row"]) == ("failed", 300, True, None)
    assert "再次" in job.problems[0]["message"]  # the page says, in Chinese, to start again
    assert client.get(f"/api/ledgers/jobs/{job.pk}").json()["state"] == "failed"


def test_a_running_thread_is_never_taken_for_stale(job):
    release = threading.Event()
    job = jobs.job_run(job=job, work=lambda progress: release.wait(10) and {}, wait=0.1)
    LedgerJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - 2 * jobs.STALE_AFTER)
    job.refresh_from_db()
    assert jobs.job_settle_stale(job).state == "running"
    release.set()
    assert jobs.job_wait(job).state == "done"


def test_purge_deletes_old_finished_jobs_with_their_files(job, settings):
    job.file.save("台账.xlsx", ContentFile(b"x"))
    path = job.file.path
    jobs.job_run(job=job, work=lambda progress: {}, stage="export")
    recent = LedgerJob.objects.create(kind="export", state="done", created_by=job.created_by, organization=job.organization)
    running = LedgerJob.objects.create(kind="import", state="running", created_by=job.created_by,
                                       organization=job.organization)
    LedgerJob.objects.filter(pk__in=[job.pk, running.pk]).update(created_at=timezone.now() - datetime.timedelta(days=31))
    call_command("purge_ledger_jobs", "--days", "30")
    assert set(LedgerJob.objects.values_list("pk", flat=True)) == {recent.pk, running.pk}
    assert not os.path.exists(path)


def test_pdfs_asked_for_together_are_laid_out_one_at_a_time(job, world, monkeypatch):
    # Each click on a PDF starts a job that goes on after its two seconds: the layouts wait for each
    # other rather than share the server's cores and memory.
    from ledgers import exports, layouts, printing

    running, most = [0], [0]

    def layout(html, **kwargs):
        running[0] += 1
        most[0] = max(most[0], running[0])
        time.sleep(0.3)
        running[0] -= 1
        return b"%PDF-1.7 " + html.encode()

    monkeypatch.setattr(printing, "html_to_pdf", layout)
    form = next(iter(layouts.FORMS.values()))
    started = [exports.pdf_export_start(actor=world.admin_a, cycle=None, level=world.town_a, form=form,
                                        html=f"<p>{number}</p>", wait=0) for number in range(3)]
    deadline = time.monotonic() + 10
    while LedgerJob.objects.filter(pk__in=[j.pk for j in started], state="done").count() < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert most[0] == 1
    assert sorted(LedgerJob.objects.get(pk=j.pk).file.read() for j in started) == [
        f"%PDF-1.7 <p>{number}</p>".encode() for number in range(3)]
