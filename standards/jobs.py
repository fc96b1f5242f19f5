"""A standard's import from Excel as a background job, run by a worker process (core.jobs).

The page starts it with ``standard_import_start``; the task reads the file (``standard_from_xlsx``)
and revises the standard in one transaction with the job's outcome. A file that cannot be read
fails the job with each cell's problem, by row and column; nothing is changed then.
"""

from django_tasks import task

from core.jobs import job_execute, job_start
from standards import services
from standards.excel import standard_from_xlsx
from standards.models import StandardImport


def standard_import_start(*, actor, standard, upload, reason: str = "") -> StandardImport:
    """Keep the uploaded file in a new job and queue its import into ``standard``. The caller has
    checked that ``actor`` manages the standard's issuer (``access.get_standard_for(…, MANAGE)``)."""
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:255]
    job = StandardImport(standard=standard, created_by=actor, reason=reason, filename=name)
    job.file.save(name or "standard.xlsx", upload, save=False)
    return job_start(job, standard_import, stage="import")


def _import(job: StandardImport, progress) -> dict:
    with job.file.open("rb") as handle:
        data = standard_from_xlsx(handle.read())
    result = services.standard_revise(actor=job.created_by, standard=job.standard, data=data, reason=job.reason)
    return {"standard_id": result.pk, "version": result.version}


@task(takes_context=True)
def standard_import(context, job_id: int) -> None:
    """A standard read from an Excel file, its revision and the job's outcome in one transaction."""
    job_execute(context, StandardImport, job_id, _import, atomic=True)
