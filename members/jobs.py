"""The roster's import as a background job (core.jobs): a check that lists every problem by row and
column, then, once the uploader confirms it, a commit of every row or nothing."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django_tasks import task

from core.jobs import job_execute, job_start
from members import importing
from members.models import RosterImport


def roster_import_start(*, actor, organization, upload) -> RosterImport:
    """Keep the uploaded file in a new job and queue its check; nothing is written. The caller has checked
    that ``actor`` keeps the branch's roster."""
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:255]
    job = RosterImport(organization=organization, created_by=actor, filename=name)
    job.file.save(name or "roster.xlsx", upload, save=False)
    return job_start(job, roster_preview, stage="preview")


def roster_import_confirm(*, actor, job: RosterImport) -> RosterImport:
    """Queue the commit of a checked file without problems: every row, or nothing."""
    if job.created_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who uploaded the file may import it."))
    cannot = ValidationError({"job": _("This file cannot be imported now: its check is not finished, "
                                       "or it was imported already.")})
    if job.stage != "preview" or job.state != RosterImport.State.DONE:
        raise cannot
    if job.blocking_problems:
        raise ValidationError({"job": _("The file has problems; please correct them and upload it again.")})
    if not RosterImport.objects.filter(pk=job.pk, stage="preview", state=RosterImport.State.DONE).update(
            stage="commit", state=RosterImport.State.QUEUED):
        raise cannot
    job.refresh_from_db()
    return job_start(job, roster_commit, stage="commit")


def _preview(job: RosterImport, progress) -> dict:
    return importing.roster_import_preview(actor=job.created_by, organization=job.organization, path=job.file.path,
                                           filename=job.filename, progress=progress)


def _commit(job: RosterImport, progress) -> dict:
    return importing.roster_import_commit(actor=job.created_by, organization=job.organization, path=job.file.path,
                                          filename=job.filename, progress=progress)


@task(takes_context=True)
def roster_preview(context, job_id: int) -> None:
    """A roster file's check: every problem by row and column, and how many members it adds and changes."""
    job_execute(context, RosterImport, job_id, _preview)


@task(takes_context=True)
def roster_commit(context, job_id: int) -> None:
    """A roster's import: its rows and the job's outcome in one transaction."""
    job_execute(context, RosterImport, job_id, _commit, atomic=True)
