"""The organization list's background jobs: an import's check and its commit, and a level's tree
as .xlsx, each run by a worker process (core.jobs; ``manage.py db_worker``).

A page or the API starts one with a function here, which checks that the user administers the
level (orgs.access) and the state of an import, then queues the job's task. Nothing is written by
a check; the commit runs the plan again inside the job's one transaction (orgs.importing.writing).
"""

import datetime
import tempfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from core.jobs import job_execute, job_settle, job_start
from orgs import access
from orgs.importing.exporting import tree_export_filename, tree_export_write
from orgs.importing.people import people_import_commit, people_import_plan, people_read
from orgs.importing.planning import tree_import_plan
from orgs.importing.reading import read_rows
from orgs.importing.writing import tree_import_commit
from orgs.models import PeopleJob, TreeJob


def get_tree_job_for(user, pk) -> TreeJob:
    """A tree job: 404 unless the user administers its level (an import shows the level's whole tree)."""
    try:
        job = TreeJob.objects.select_related("organization", "created_by").get(pk=int(pk))
    except (TreeJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not access.can_manage(user, job.organization):
        raise Http404
    return job_settle(job)  # every reader of a job sees one whose worker died as failed


def check_level(user, level) -> None:
    """Only administrators of a level import into it or export it: 404 outside the user's scope,
    403 inside it for others."""
    access.check(user, level, access.MANAGE)


def tree_import_start(*, actor, level, upload) -> TreeJob:
    """Keep the uploaded file in a new import job and queue its check; nothing is written."""
    check_level(actor, level)
    if not level.is_active:
        raise ValidationError({"file": _("%(name)s is dissolved: nothing can be imported under it.")
                               % {"name": level.name}})
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:255]
    job = TreeJob(kind=TreeJob.Kind.IMPORT, created_by=actor, organization=level, filename=name)
    job.file.save(name or "organizations", upload, save=False)
    return job_start(job, tree_preview, stage="preview")


def tree_import_confirm(*, actor, job: TreeJob, dissolve: list[str] = (), dissolved_on: datetime.date | None = None,
                        reason: str = "") -> TreeJob:
    """Queue the import of a checked file without blocking problems: every row, or nothing;
    ``dissolve``: codes, among those the file leaves out, that the person chose to dissolve."""
    if job.created_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who uploaded the file may import it."))
    cannot = ValidationError({"job": _("This file cannot be imported now: its check is not finished, "
                                       "or it was imported already.")})
    if job.kind != TreeJob.Kind.IMPORT or job.stage != "preview" or job.state != TreeJob.State.DONE:
        raise cannot
    if job.blocking_problems:
        raise ValidationError({"job": _("The file has problems; please correct them and upload it again.")})
    offered = {gone["code"] for gone in (job.result or {}).get("missing", []) if gone.get("offered")}
    unknown = sorted(set(dissolve) - offered)
    if unknown:
        raise ValidationError({"dissolve": _("These organizations are not among those the file leaves out: "
                                             "%(codes)s") % {"codes": "、".join(unknown)}})
    if dissolve and not reason.strip():
        raise ValidationError({"reason": _("Reason: please say why the organizations left out are dissolved.")})
    # One step from checked to queued, so that two clicks on 确认导入 import the file once.
    if not TreeJob.objects.filter(pk=job.pk, stage="preview", state=TreeJob.State.DONE).update(
            stage="commit", state=TreeJob.State.QUEUED):
        raise cannot
    job.refresh_from_db()
    return job_start(job, tree_commit, stage="commit", dissolve=sorted(set(dissolve)),
                     dissolved_on=dissolved_on.isoformat() if dissolved_on else "", reason=reason.strip())


def tree_export_start(*, actor, level, year: int | None = None) -> TreeJob:
    """Queue the writing of the level's tree as .xlsx (with the basic facts of ``year``, if given)."""
    check_level(actor, level)
    job = TreeJob(kind=TreeJob.Kind.EXPORT, created_by=actor, organization=level,
                  filename=tree_export_filename(level))
    return job_start(job, tree_export, stage="export", year=year)


def _content(job: TreeJob) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


def _preview(job: TreeJob, progress) -> dict:
    check_level(job.created_by, job.organization)
    reading = read_rows(job.filename, _content(job))
    progress(0, max(1, len(reading.rows)))
    plan = tree_import_plan(level=job.organization, reading=reading)
    progress(len(reading.rows), len(reading.rows))
    return plan.summary()


def _commit(job: TreeJob, progress, *, dissolve: list[str], dissolved_on: str, reason: str) -> dict:
    when = datetime.date.fromisoformat(dissolved_on) if dissolved_on else None
    counts = tree_import_commit(actor=job.created_by, level=job.organization, filename=job.filename,
                                content=_content(job), progress=progress, dissolve=dissolve, dissolved_on=when,
                                reason=reason)
    return {"counts": counts, "committed": True}


def _export(job: TreeJob, progress, *, year: int | None) -> dict:
    with tempfile.TemporaryFile() as output:  # a province's tree is written to disk, not to memory
        rows = tree_export_write(level=job.organization, target=output, year=year, progress=progress)
        output.seek(0)
        job.file.save(job.filename, File(output), save=False)
    return {"rows": rows, "download_url": reverse("orgs:job_download", args=(job.pk,))}


@task(takes_context=True)
def tree_preview(context, job_id: int) -> None:
    """An import's check: every problem by row and column, and what the import would do."""
    job_execute(context, TreeJob, job_id, _preview)


@task(takes_context=True)
def tree_commit(context, job_id: int, *, dissolve: list[str], dissolved_on: str, reason: str) -> None:
    """An import: the rows and the job's outcome in one transaction, so a worker that dies writes nothing."""
    job_execute(context, TreeJob, job_id, lambda job, progress: _commit(
        job, progress, dissolve=dissolve, dissolved_on=dissolved_on, reason=reason), atomic=True)


@task(takes_context=True)
def tree_export(context, job_id: int, *, year: int | None) -> None:
    """A level's tree as .xlsx, in the columns the import reads."""
    job_execute(context, TreeJob, job_id, lambda job, progress: _export(job, progress, year=year))



# People and their roles ------------------------------------------------------------------------


def get_people_job_for(user, pk) -> PeopleJob:
    """A people import: 404 unless the user administers its level."""
    try:
        job = PeopleJob.objects.select_related("organization", "created_by").get(pk=int(pk))
    except (PeopleJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not access.can_manage(user, job.organization):
        raise Http404
    return job_settle(job)


def people_import_start(*, actor, level, upload) -> PeopleJob:
    """Keep the uploaded people list in a new job and queue its check; nothing is written."""
    check_level(actor, level)
    if not level.is_active:
        raise ValidationError({"file": _("%(name)s is dissolved: nothing can be imported under it.")
                               % {"name": level.name}})
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:255]
    job = PeopleJob(created_by=actor, organization=level, filename=name)
    job.file.save(name or "people", upload, save=False)
    return job_start(job, people_preview, stage="preview")


def people_import_confirm(*, actor, job: PeopleJob) -> PeopleJob:
    """Queue the import of a checked people list without blocking problems: every row, or nothing."""
    if job.created_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who uploaded the file may import it."))
    cannot = ValidationError({"job": _("This file cannot be imported now: its check is not finished, "
                                       "or it was imported already.")})
    if job.stage != "preview" or job.state != PeopleJob.State.DONE:
        raise cannot
    if job.blocking_problems:
        raise ValidationError({"job": _("The file has problems; please correct them and upload it again.")})
    if not PeopleJob.objects.filter(pk=job.pk, stage="preview", state=PeopleJob.State.DONE).update(
            stage="commit", state=PeopleJob.State.QUEUED):
        raise cannot
    job.refresh_from_db()
    return job_start(job, people_commit, stage="commit")


def _people_preview(job: PeopleJob, progress) -> dict:
    check_level(job.created_by, job.organization)
    reading = people_read(job.filename, _content(job))
    progress(0, max(1, len(reading.rows)))
    plan = people_import_plan(level=job.organization, reading=reading)
    progress(len(reading.rows), len(reading.rows))
    return plan.summary()


@task(takes_context=True)
def people_preview(context, job_id: int) -> None:
    """A people import's check: every problem by row and column, who is created, which roles are given."""
    job_execute(context, PeopleJob, job_id, _people_preview)


@task(takes_context=True)
def people_commit(context, job_id: int) -> None:
    """A people import: the logins, roles and the job's outcome in one transaction."""
    job_execute(context, PeopleJob, job_id, lambda job, progress: {"committed": True, "counts": people_import_commit(
        actor=job.created_by, level=job.organization, filename=job.filename, content=_content(job), job=job,
        progress=progress)}, atomic=True)
