"""Background jobs: work that outlasts a request, run by a worker process (``manage.py db_worker``).

A job has two halves. Its row, a model built on ``core.models.Job``, is what the pages and the API
read: state, problems, result, file. Its task, a django-tasks task queued in the database
(django-tasks-db), is how it runs. A view starts one with ``job_start``; the task's body is one call
to ``job_execute`` with the work, ``work(job, progress) -> dict``::

    @task(takes_context=True)
    def export_xlsx(context, job_id: int, form: str) -> None:
        job_execute(context, LedgerJob, job_id, _write_export)

    job = LedgerJob.objects.create(...)
    job = job_start(job, export_xlsx, stage="export", form="hunan-ledger")

``progress(done, total)`` may be called as often as the work likes: the latest figures are written
to the job's ``JobRun`` at most twice a second, through the queue database's own connection, so
any web process sees them even while the work's transaction is open. The dict returned becomes
``job.result`` (its ``"problems"``, when present, ``job.problems``). An exception with a ``problems``
attribute, a ``ValidationError`` or a ``PermissionDenied`` fails the job with those problems; any other is logged and
fails it with a general message. Work that writes (``atomic=True``) commits its rows and the job's
outcome in one transaction: a worker that dies in the middle leaves neither.

Each worker writes a heartbeat (``Worker``). A job's page reads ``job_status``: a job nothing runs
while no worker serves its queue says so (后台任务未运行), and ``job_settle``, which every access
getter of a job calls, fails a job whose worker has fallen silent, telling people to start it again.
"""

import datetime
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, OperationalError, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus, default_task_backend
from django_tasks.exceptions import TaskResultDoesNotExist
from django_tasks_db.models import DBTaskResult

from core.logging import request_id
from core.middleware import database_busy
from core.models import Job, JobRun, Worker

logger = logging.getLogger(__name__)

PROGRESS_SECONDS = 0.5  # progress is stored at least every second while the work reports it
BUSY_RETRY_SECONDS = 600  # SQLite: how long an outcome waits for another writer (a long import) to end

Progress = Callable[[int, int], None]
Work = Callable[[Job, Progress], dict]


def _seconds(name: str) -> datetime.timedelta:
    return datetime.timedelta(seconds=getattr(settings, name))


def job_key(job: Job) -> str:
    return f"{job._meta.label_lower}:{job.pk}"


def job_problem(message: str) -> dict:
    """A problem about the whole job (no row or column), in the shape of an import's problems."""
    return {"row": None, "column": "", "header": "", "message": str(message), "blocking": True}


# Starting -------------------------------------------------------------------------------------


def job_start(job: Job, task, *, stage: str = "", **arguments) -> Job:
    """Queue ``task(job.pk, **arguments)`` for ``job`` (saved here, queued, its progress reset) and
    return the job. Its messages will be in the active language, the request's. Call it outside a
    transaction (a view does): the worker must find the job's row. With the immediate backend
    (tests) the task has run when this returns."""
    job.stage, job.state, job.done, job.total, job.finished_at = stage, Job.State.QUEUED, 0, 0, None
    job.language = translation.get_language() or settings.LANGUAGE_CODE
    job.queue, job.task_id = task.queue_name, ""
    job.save()
    result = task.enqueue(job.pk, **arguments)
    type(job).objects.filter(pk=job.pk).update(task_id=result.id)
    job.refresh_from_db()
    return job


def job_wait(job: Job, seconds: float) -> Job:
    """The job, refreshed, once it has ended or after ``seconds``: a page that answers with the result
    when it comes quickly (an export's file) and with the job's page otherwise."""
    deadline = time.monotonic() + seconds
    while not job.is_finished and time.monotonic() < deadline:
        time.sleep(0.1)
        job.refresh_from_db()
    return job


# Running, in the worker -----------------------------------------------------------------------


class _Progress:
    """``progress(done, total)`` for the work: stored on the job's JobRun at most every PROGRESS_SECONDS."""

    def __init__(self, run: JobRun):
        self.run, self.done, self.total, self.written = run, 0, 0, time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = min(done, total), total
        now = time.monotonic()
        if now - self.written >= PROGRESS_SECONDS or (done >= total and self.run.done != self.done):
            self.written = now
            self.run.done, self.run.total = self.done, self.total
            JobRun.objects.filter(pk=self.run.pk).update(done=self.done, total=self.total, updated_at=timezone.now())


class JobLost(Exception):
    """The job was failed meanwhile (its worker was taken for dead): its work must not be kept."""


def job_execute(context, model: type[Job], job_id: int, work: Work, *, atomic: bool = False) -> None:
    """Run ``work(job, progress)`` for the job in this worker and store its outcome (see the module's note).
    ``atomic``: the work writes, and its writes and the job's outcome commit together or not at all."""
    job = model.objects.filter(pk=job_id).first()
    if job is None or job.is_finished:  # purged, or failed already by whoever saw its worker die
        return
    worker_id = context.task_result.worker_ids[-1]
    logged_as = request_id.set(job_key(job))  # the worker's log lines about this job name it, as a request's do
    run, _created = JobRun.objects.update_or_create(job=job_key(job), defaults={
        "worker_id": worker_id, "done": 0, "total": 0, "updated_at": timezone.now()})
    progress = _Progress(run)
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            try:
                if atomic:
                    with transaction.atomic():
                        _finish(job, progress, work(job, progress), lost_raises=True)
                else:
                    _finish(job, progress, work(job, progress))
            except JobLost:
                logger.warning("job %s was failed while it ran; its work was rolled back", job_key(job))
            except Exception as error:  # noqa: BLE001 - every failure is the job's to show
                problems = getattr(error, "problems", None)
                if problems is None and isinstance(error, ValidationError):
                    problems = [job_problem(message) for message in error.messages]
                if problems is None and isinstance(error, PermissionDenied):  # the actor's role changed meanwhile
                    problems = [job_problem(str(error) or _("You may no longer do this."))]
                if problems is not None:
                    _store(job, state=Job.State.FAILED, problems=problems, result={}, done=progress.done,
                           total=progress.total)
                    return
                logger.exception("job %s failed", job_key(job))
                _store(job, state=Job.State.FAILED, result={}, done=progress.done, total=progress.total,
                       problems=[job_problem(_("The work stopped on an unexpected error; nothing was written. "
                                               "Please try again or tell your administrator."))])
                raise  # the task's own record keeps the traceback for the administrator
            except BaseException:  # the worker is being stopped (a second Ctrl-C, SIGTERM twice)
                _store(job, state=Job.State.FAILED, result={}, done=progress.done, total=progress.total,
                       problems=[job_problem(_stopped_message())])
                raise
    finally:
        JobRun.objects.filter(pk=run.pk).delete()
        request_id.reset(logged_as)


def _finish(job: Job, progress: _Progress, result: dict | None, *, lost_raises: bool = False) -> None:
    result = dict(result or {})
    problems = result.pop("problems", job.problems)
    fields = {"file": job.file.name} if job.file else {}
    stored = _store(job, state=Job.State.DONE, result=result, problems=problems, done=progress.total,
                    total=progress.total, **fields)
    if not stored and lost_raises:
        raise JobLost
    if not stored and job.file:  # failed meanwhile: the file it wrote is nobody's
        job.file.delete(save=False)


def problems_kept(problems: list[dict]) -> list[dict]:
    """The first ``JOB_PROBLEMS_KEPT`` problems, and one more that counts the rest (blocking when any of
    them is): a file with a problem in every cell must not make a job too big to store or show."""
    kept = settings.JOB_PROBLEMS_KEPT
    if len(problems) <= kept:
        return problems
    rest = problems[kept:]
    more = job_problem(_("%(count)d more problems were found and are not listed. Please correct the ones above "
                         "and check the file again.") % {"count": len(rest)})
    more["blocking"] = any(problem.get("blocking", True) for problem in rest)
    return [*problems[:kept], more]


def _bounded(fields: dict) -> dict:
    """The outcome to store, its problems cut to those kept; an outcome still over ``JOB_RESULT_MAX_BYTES``
    fails the job in words instead (PostgreSQL's jsonb refuses a value over 255 MB, and pages read it whole)."""
    if "problems" in fields:
        fields["problems"] = problems_kept(list(fields["problems"]))
    size = sum(len(json.dumps(fields.get(name, ""), cls=DjangoJSONEncoder)) for name in ("problems", "result"))
    if size <= settings.JOB_RESULT_MAX_BYTES:
        return fields
    logger.error("a job's outcome of %d bytes was not stored", size)
    return {**fields, "state": Job.State.FAILED, "result": {}, "problems": [job_problem(
        _("The work's result is too large to keep (%(size)s MB; at most %(limit)s MB). Please split the file or the "
          "export into smaller ones and start again.") % {"size": f"{size / 1024**2:.1f}",
                                                           "limit": f"{settings.JOB_RESULT_MAX_BYTES / 1024**2:g}"})]}


def _store(job: Job, **fields) -> bool:
    """Write a job's outcome unless it has one already; on SQLite, wait for another writer to end."""
    fields = _bounded(fields)
    now = timezone.now()
    fields.update(finished_at=now, updated_at=now)
    deadline = time.monotonic() + BUSY_RETRY_SECONDS
    while True:
        try:
            unfinished = type(job).objects.filter(pk=job.pk, state__in=[Job.State.QUEUED, Job.State.RUNNING])
            return unfinished.update(**fields) == 1
        except OperationalError as error:
            if not database_busy(error) or transaction.get_connection().in_atomic_block or time.monotonic() > deadline:
                raise
            time.sleep(1)


def _stopped_message() -> str:
    return _("The background task stopped while this ran (its worker was stopped or restarted); nothing was "
             "written. Please start it again.")


# Reading, in any web process ------------------------------------------------------------------


@dataclass(frozen=True)
class JobStatus:
    """What a job's page shows: its state (queued, running, done, failed), rows done of rows in all,
    and whether no worker is there to run it (后台任务未运行)."""

    state: str
    done: int
    total: int
    worker_missing: bool = False

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.state in (Job.State.DONE, Job.State.FAILED)


def _workers_heard_since(moment: datetime.datetime) -> list[Worker]:
    return list(Worker.objects.filter(beat_at__gte=moment))


def job_status(job: Job) -> JobStatus:
    """The job's state and progress as stored by whichever process runs it."""
    if job.is_finished:
        return JobStatus(job.state, job.done, job.total)
    heard = timezone.now() - _seconds("JOB_WORKER_MISSING_SECONDS")
    workers = _workers_heard_since(heard)
    run = JobRun.objects.filter(job=job_key(job)).first()
    if run is not None:
        alive = run.updated_at >= heard or any(worker.id == run.worker_id for worker in workers)
        return JobStatus(Job.State.RUNNING, run.done, run.total, worker_missing=not alive)
    return JobStatus(Job.State.QUEUED, 0, 0, worker_missing=not any(worker.serves(job.queue) for worker in workers))


def job_failure(job: Job) -> str:
    """Why a failed job failed, in one sentence for people; empty unless it failed."""
    if job.state != Job.State.FAILED:
        return ""
    blocking = [problem for problem in job.problems if problem.get("blocking", True)] or job.problems
    if not blocking:
        return _("The work stopped; nothing was written. Please start it again.")
    first = blocking[0]
    message = first["message"]
    if first.get("row"):
        message = _("Row %(row)s, column %(column)s: %(message)s") % {
            "row": first["row"], "column": first.get("column", ""), "message": message}
    if len(blocking) > 1:
        message += " " + _("(and %(count)d more problems)") % {"count": len(blocking) - 1}
    return message


def _task_left_it(job: Job, gone: datetime.datetime) -> bool:
    """Whether the job's task ended, or began before ``gone``, without the job having run: its worker
    died between taking the task and starting the work, or the task failed before the work began."""
    backend = default_task_backend
    if not backend.supports_get_result:
        return False
    try:
        result = backend.get_result(job.task_id)
    except TaskResultDoesNotExist:
        return False
    if result.status == TaskResultStatus.RUNNING:
        return result.started_at is not None and result.started_at < gone
    return result.status != TaskResultStatus.READY


def job_settle(job: Job) -> Job:
    """Fail a job whose worker fell silent for ``JOB_WORKER_GONE_SECONDS``, with a message to start it
    again (whatever it wrote was rolled back with its worker); the job, refreshed when it changed."""
    if job.is_finished:
        return job
    gone = timezone.now() - _seconds("JOB_WORKER_GONE_SECONDS")
    run = JobRun.objects.filter(job=job_key(job)).first()
    if run is not None:
        worker = Worker.objects.filter(pk=run.worker_id).first()
        orphaned = max(run.updated_at, worker.beat_at if worker else run.updated_at) < gone
    elif not job.task_id:  # never queued: the queue could not be reached when it started
        orphaned = job.updated_at < gone
    else:
        orphaned = _task_left_it(job, gone)
    if orphaned:
        logger.error("job %s is stuck: its worker fell silent for %s s; the job is failed", job_key(job),
                     settings.JOB_WORKER_GONE_SECONDS)
        if _store(job, state=Job.State.FAILED, problems=[job_problem(_stopped_message())], result={}):
            JobRun.objects.filter(job=job_key(job)).delete()
        job.refresh_from_db()
    return job


# The worker's heartbeat -----------------------------------------------------------------------


@contextmanager
def worker_heartbeat(*, worker_id: str, queues: str) -> Iterator[None]:
    """Say every ``JOB_HEARTBEAT_SECONDS`` that this worker is alive, until the block ends (the worker
    stops), then say it is gone. A thread of the worker process writes it, so a long task still beats."""
    def beat() -> None:
        Worker.objects.update_or_create(id=worker_id, defaults={
            "queues": queues, "host": socket.gethostname()[:255], "pid": os.getpid(), "beat_at": timezone.now()})

    def keep_beating() -> None:
        try:
            while not stopped.wait(settings.JOB_HEARTBEAT_SECONDS):
                try:
                    beat()
                except DatabaseError:  # a busy or restarting database: the next beat tries again
                    logger.warning("worker %s could not write its heartbeat", worker_id, exc_info=True)
        finally:
            connections.close_all()

    beat()
    stopped = threading.Event()
    thread = threading.Thread(target=keep_beating, name="jinwei-worker-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stopped.set()
        thread.join(settings.JOB_HEARTBEAT_SECONDS + 5)
        try:
            Worker.objects.filter(pk=worker_id).delete()
        except DatabaseError:
            logger.warning("worker %s could not say it stopped", worker_id, exc_info=True)


# Purging --------------------------------------------------------------------------------------


def job_models() -> list[type[Job]]:
    return [model for model in apps.get_models() if issubclass(model, Job)]


def jobs_purge(*, older_than: datetime.timedelta) -> int:
    """Delete the finished jobs of every kind created more than ``older_than`` ago, with the files they
    keep, and what the queue's database holds of them; a job still queued or running is kept.
    Returns how many jobs were deleted."""
    cutoff = timezone.now() - older_than
    count = 0
    for model in job_models():
        for job in model.objects.filter(created_at__lt=cutoff, state__in=[Job.State.DONE, Job.State.FAILED]).iterator():
            if job.file:
                job.file.delete(save=False)
            job.delete()
            count += 1
    DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    DBTaskResult.objects.running().filter(started_at__lt=cutoff).delete()  # a dead worker's, long failed
    Worker.objects.filter(beat_at__lt=cutoff).delete()
    JobRun.objects.filter(updated_at__lt=cutoff).delete()
    return count
