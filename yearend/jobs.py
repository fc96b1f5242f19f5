"""The PDF of a level's year summary as a background job on the "pdf" queue (core.jobs)."""

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from core.jobs import job_execute, job_start
from yearend import printing
from yearend.models import SummaryJob, YearSummary


def summary_pdf_start(*, actor, summary: YearSummary) -> SummaryJob:
    """Queue the summary's PDF, with its tables and its secretaries' reports. The caller has checked that
    ``actor`` sees the level."""
    job = SummaryJob(summary=summary, created_by=actor, filename=f"{printing.summary_title(summary)}.pdf")
    return job_start(job, summary_pdf)


def _write(job: SummaryJob, progress) -> dict:
    progress(0, 1)
    summary = YearSummary.objects.select_related("cycle", "organization").get(pk=job.summary_id)
    html = printing.summary_html(summary, today=timezone.localdate(), pdf=True)
    job.file.save(job.filename, ContentFile(printing.html_to_pdf(html)), save=False)
    progress(1, 1)
    return {"download_url": reverse("yearend:job_download", args=(job.pk,))}


@task(takes_context=True, queue_name="pdf")
def summary_pdf(context, job_id: int) -> None:
    """A year summary as an A4 PDF."""
    job_execute(context, SummaryJob, job_id, _write)
