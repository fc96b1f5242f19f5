"""Background work with a progress bar: ledger imports now, exports through the same runner.

``job_run(job=…, work=…)`` runs ``work(progress)`` in a thread and returns once it has finished or
``wait`` seconds have passed, whichever comes first: a page renders the result directly when the
work is quick, and a progress bar (polled every second) only when it takes longer.

``work`` is any callable ``work(progress) -> dict``; ``progress(done, total)`` may be called as often
as it likes (the runner writes at most every ``PROGRESS_EVERY`` rows or half a second). The dict
returned becomes ``job.result``; its ``"problems"`` entry, when present, becomes ``job.problems``.
An ``ImportRefused``-like exception with a ``problems`` attribute ends the job as failed with those
problems; any other exception fails it with one general message (and is logged).

Progress written inside a transaction would stay invisible to the page polling it until the
commit, and SQLite would refuse a second writer meanwhile, so the runner also keeps the latest
progress of the jobs running in this process in memory, where the progress view reads it first.
With several server processes, a poll served by another process sees the last progress written
outside the transaction (the preview part of a commit), then the end.

A job whose server process stopped (a restart, a crash) would run for ever on its page:
``job_settle_stale`` ends a job that no thread of this process runs and that has written no
progress for ``STALE_AFTER`` as failed; an import's transaction was rolled back with its process,
so nothing was written, and the message says to start again.
"""

import datetime
import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ledgers.models import LedgerJob

logger = logging.getLogger(__name__)

WAIT_SECONDS = 2.0  # work shorter than this answers with its result; longer shows a progress bar
PROGRESS_EVERY = 1000
PROGRESS_SECONDS = 0.5
STALE_AFTER = datetime.timedelta(minutes=30)  # far above the 20 s of a 100,000-row import's commit

Progress = Callable[[int, int], None]
Work = Callable[[Progress], dict]

_running: dict[int, tuple[int, int]] = {}  # job id → (done, total), for the jobs running in this process
_threads: dict[int, threading.Thread] = {}


def _inline() -> bool:
    """Tests run the work in the calling thread: their data lives in a transaction other threads cannot see."""
    return bool(getattr(settings, "LEDGER_JOBS_INLINE", False))


def job_progress(job: LedgerJob) -> tuple[int, int]:
    """(done, total) of a job: the in-memory figure while it runs in this process, else the stored one."""
    return _running.get(job.pk, (job.done, job.total))


def _make_progress(job: LedgerJob) -> Progress:
    last = {"done": -PROGRESS_EVERY, "at": 0.0}

    def progress(done: int, total: int) -> None:
        done = min(done, total)
        _running[job.pk] = (done, total)
        now = time.monotonic()
        if done - last["done"] < PROGRESS_EVERY and now - last["at"] < PROGRESS_SECONDS and done != total:
            return
        last["done"], last["at"] = done, now
        if not connection.in_atomic_block:
            LedgerJob.objects.filter(pk=job.pk).update(done=done, total=total, updated_at=timezone.now())

    return progress


def _finish(job: LedgerJob, *, state: str, result: dict, problems: list) -> None:
    """Store the outcome with one UPDATE: the request thread may be refreshing the same job object meanwhile."""
    done, total = _running.get(job.pk, (job.done, job.total))
    done = total if state == LedgerJob.State.DONE else min(done, total)
    now = timezone.now()
    LedgerJob.objects.filter(pk=job.pk).update(state=state, result=result, problems=problems, done=done, total=total,
                                               finished_at=now, updated_at=now)


def _execute(job: LedgerJob, work: Work) -> None:
    progress = _make_progress(job)
    try:
        result = work(progress) or {}
    except Exception as error:  # noqa: BLE001 - the job records every failure; the page says it failed
        problems = getattr(error, "problems", None)
        if problems is None:
            logger.exception("ledger job %s failed", job.pk)
            problems = [{"row": None, "column": "", "header": "", "blocking": True,
                         "message": _("The work stopped on an unexpected error; nothing was written. "
                                      "Please try again or tell your administrator.")}]
        _finish(job, state=LedgerJob.State.FAILED, result={}, problems=problems)
    else:
        problems = result.pop("problems", job.problems if job.stage == "commit" else [])
        _finish(job, state=LedgerJob.State.DONE, result=result, problems=problems)
    finally:
        _running.pop(job.pk, None)


def job_run(*, job: LedgerJob, work: Work, stage: str = "", wait: float = WAIT_SECONDS,
            language: str | None = None) -> LedgerJob:
    """Run ``work(progress) -> dict`` for ``job`` in a background thread; return the job, refreshed,
    once it has finished or after ``wait`` seconds. ``language`` is the one its messages are written in
    (the request's, by default the active one). The thread closes its database connection at the end."""
    language = language or translation.get_language()
    job.stage, job.state, job.done, job.total, job.finished_at = stage, LedgerJob.State.RUNNING, 0, 0, None
    job.save(update_fields=["stage", "state", "done", "total", "finished_at"])
    _running[job.pk] = (0, 0)
    if _inline():
        with translation.override(language):
            _execute(job, work)
        job.refresh_from_db()
        return job

    def target():
        try:
            with translation.override(language):
                _execute(job, work)
        finally:
            _threads.pop(job.pk, None)
            connection.close()

    thread = threading.Thread(target=target, name=f"ledger-job-{job.pk}", daemon=True)
    _threads[job.pk] = thread
    thread.start()
    thread.join(wait)
    job.refresh_from_db()
    return job


def job_settle_stale(job: LedgerJob) -> LedgerJob:
    """End as failed a job left running by a server process that has stopped (see the module's note)."""
    if job.is_finished or job.pk in _threads or timezone.now() - job.updated_at < STALE_AFTER:
        return job
    logger.warning("ledger job %s ended as failed: no progress since %s", job.pk, job.updated_at)
    _finish(job, state=LedgerJob.State.FAILED, result={}, problems=[{
        "row": None, "column": "", "header": "", "blocking": True,
        "message": _("The server stopped while this ran; nothing was written. Please start it again.")}])
    job.refresh_from_db()
    return job


def jobs_purge(*, older_than: datetime.timedelta) -> int:
    """Delete the finished jobs created more than ``older_than`` ago, with the uploaded or written files they
    keep; a job still running is kept. Returns how many were deleted."""
    old = LedgerJob.objects.filter(created_at__lt=timezone.now() - older_than,
                                   state__in=[LedgerJob.State.DONE, LedgerJob.State.FAILED])
    count = 0
    for job in old.iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count


def job_wait(job: LedgerJob, timeout: float = 60.0) -> LedgerJob:
    """Wait for a job's thread to end (tests, and a caller that needs the result now)."""
    thread = _threads.get(job.pk)
    if thread is not None:
        thread.join(timeout)
    job.refresh_from_db()
    return job
