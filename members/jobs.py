"""The roster's background jobs (core.jobs): an import's check that lists every problem by row and column,
then, once the uploader confirms it, a commit of every row or nothing; and an export as .xlsx, audited."""

import tempfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from core.jobs import job_execute, job_start
from core.services import audit_record
from members import exports, importing
from members.models import RosterExport, RosterImport

EXPORT_WAIT_SECONDS = 2.0  # the page waits this long for the file before it shows the job's page


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


def roster_export_start(*, actor, organization) -> RosterExport:
    """Queue the roster's export as .xlsx. The caller has checked that ``actor`` sees the branch."""
    job = RosterExport(organization=organization, created_by=actor, filename=f"{organization.name}花名册.xlsx")
    return job_start(job, roster_export_xlsx, stage="export")


def _export(job: RosterExport, progress) -> dict:
    with tempfile.TemporaryFile() as output:  # a roster of 100,000 is written to disk, not to memory
        rows = exports.roster_write(organization=job.organization, output=output, progress=progress)
        output.seek(0)
        job.file.save(job.filename, File(output), save=False)
    audit_record(actor=job.created_by, obj=job.organization, organization=job.organization, action="roster.export",
                 after={"rows": rows})
    return {"rows": rows, "download_url": reverse("members:export_download", args=(job.pk,))}


@task(takes_context=True)
def roster_export_xlsx(context, job_id: int) -> None:
    """A roster as .xlsx and its audit event, in one transaction: no file without its event."""
    job_execute(context, RosterExport, job_id, _export, atomic=True)
