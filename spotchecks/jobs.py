"""Background jobs of spot checks (core.jobs): a check's workbook (.xlsx). The caller has checked access to the
check; the body runs in the worker, in the requester's language."""

import tempfile

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.http import Http404
from django.utils.translation import gettext as _
from django_tasks import task

from core.jobs import job_execute, job_settle, job_start, job_status, job_wait
from orgs import access as org_access
from spotchecks import access, exports
from spotchecks.models import SpotCheck, SpotCheckJob

EXPORT_WAIT_SECONDS = 2.0  # a page waits this long for the file before it shows the job's page

__all__ = ["EXPORT_WAIT_SECONDS", "get_job_for", "job_status", "job_wait", "spotcheck_export_start"]


def get_job_for(user, pk) -> SpotCheckJob:
    """A job: 404 unless its check is visible to the user; 403 for someone else's job unless the user runs the
    check."""
    try:
        job = SpotCheckJob.objects.select_related("spot_check__level", "created_by").get(pk=int(pk))
    except (SpotCheckJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    access.get_spotcheck_for(user, job.spot_check_id)
    if job.created_by_id != user.pk and not org_access.can_manage(user, job.spot_check.level):
        raise PermissionDenied(_("This file was asked for by someone else."))
    return job_settle(job)


def spotcheck_export_start(*, actor, spot_check: SpotCheck) -> SpotCheckJob:
    job = SpotCheckJob(spot_check=spot_check, created_by=actor, filename=exports.file_name(spot_check))
    return job_start(job, export_spotcheck, stage="export")


def _write(job: SpotCheckJob, progress) -> dict:
    spot_check = SpotCheck.objects.select_related("level", "cycle", "entropy_by").get(pk=job.spot_check_id)
    with tempfile.TemporaryFile() as output:
        rows = exports.write_spotcheck(spot_check, target=output, progress=progress)
        output.seek(0)
        job.file.save(job.filename, File(output), save=False)
    return {"rows": rows}


@task(takes_context=True)
def export_spotcheck(context, job_id: int) -> None:
    """A check's draw and results as .xlsx."""
    job_execute(context, SpotCheckJob, job_id, _write)
