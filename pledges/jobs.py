"""The PDF of a branch's members' 承诺书 as a background job on the "pdf" queue (core.jobs)."""

from django.core.files.base import ContentFile
from django.urls import reverse
from django_tasks import task

from core.jobs import job_execute, job_start
from pledges import printing
from pledges.choices import PledgeKind
from pledges.models import Pledge, PledgeJob


def letters_pdf_start(*, actor, cycle, organization) -> PledgeJob:
    """Queue the PDF of every member's 承诺书 of the branch in the cycle. The caller has checked that ``actor``
    sees the branch."""
    job = PledgeJob(cycle=cycle, organization=organization, created_by=actor,
                    filename=f"{organization.name}党员公开承诺书{cycle.year}.pdf")
    return job_start(job, letters_pdf)


def _write(job: PledgeJob, progress) -> dict:
    pledges = list(Pledge.objects.filter(cycle=job.cycle, organization=job.organization, kind=PledgeKind.MEMBER)
                   .select_related("member", "organization", "cycle").prefetch_related("items")
                   .order_by("member__name", "pk"))
    progress(0, len(pledges))
    job.file.save(job.filename, ContentFile(printing.html_to_pdf(printing.letters_html(pledges, pdf=True))), save=False)
    progress(len(pledges), len(pledges))
    return {"letters": len(pledges), "download_url": reverse("pledges:job_download", args=(job.pk,))}


@task(takes_context=True, queue_name="pdf")
def letters_pdf(context, job_id: int) -> None:
    """Every member's 承诺书 of a branch, one A4 page each, as one PDF."""
    job_execute(context, PledgeJob, job_id, _write)
