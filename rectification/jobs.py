"""Background jobs of rectification (core.jobs): a level's problem list and measure list as .xlsx, and a
responsibility letter (目标责任书) as a PDF on the "pdf" queue. The caller has checked access to the cycle
and the level or plan; the bodies run in the worker, in the requester's language."""

import tempfile

from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.base import ContentFile
from django.http import Http404
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django_tasks import task
from weasyprint import CSS, HTML

from core.jobs import job_execute, job_settle, job_start, job_status, job_wait
from orgs import access as org_access
from rectification import exports, selectors
from rectification.models import Plan, RectificationJob
from standards.choices import Grade

EXPORT_WAIT_SECONDS = 2.0  # a page waits this long for an export's file before it shows the job's page
PRINT_CSS = ("css/print.css", "rectification/letter.css")

__all__ = ["EXPORT_WAIT_SECONDS", "get_job_for", "job_status", "job_wait", "letter_pdf_start", "list_export_start"]


def get_job_for(user, pk) -> RectificationJob:
    """A job: 404 unless its level is in the user's scope; 403 for someone else's job unless the user
    administers its level."""
    try:
        job = RectificationJob.objects.select_related("organization", "cycle", "created_by").get(pk=int(pk))
    except (RectificationJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    org_access.check(user, job.organization, org_access.VIEW)
    if job.created_by_id != user.pk and not org_access.can_manage(user, job.organization):
        raise PermissionDenied(_("This file was asked for by someone else."))
    return job_settle(job)


def list_export_start(*, actor, cycle, level, kind: str) -> RectificationJob:
    job = RectificationJob(kind=kind, created_by=actor, organization=level, cycle=cycle,
                           filename=exports.file_name(kind, level))
    return job_start(job, export_list, stage="export")


def letter_pdf_start(*, actor, plan: Plan) -> RectificationJob:
    job = RectificationJob(kind=RectificationJob.Kind.LETTER, created_by=actor, organization=plan.organization,
                           cycle=plan.cycle, plan=plan, filename=f"目标责任书-{plan.organization.name}.pdf")
    return job_start(job, letter_pdf, stage="export")


def _write_list(job: RectificationJob, progress) -> dict:
    with tempfile.TemporaryFile() as output:
        rows = exports.write_list(job.kind, cycle=job.cycle, level=job.organization, target=output, progress=progress)
        output.seek(0)
        job.file.save(job.filename, File(output), save=False)
    return {"rows": rows}


def html_to_pdf(html: str) -> bytes:
    """The letter as a PDF (A4, fonts embedded), with the official forms' print sheet and the letter's own."""
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=finders.find(name)) for name in PRINT_CSS])


def letter_context(plan: Plan) -> dict:
    """What the letter shows: the grade, the targets, the problems with their measures, both sides' duties."""
    return {"plan": plan, "cycle": plan.cycle, "organization": plan.organization, "superior": plan.organization.parent,
            "problems": selectors.plan_problems(plan=plan),
            "target_label": Grade(plan.target_grade).label if plan.target_grade else "",
            "current_label": Grade(plan.current_grade).label if plan.current_grade else "",
            "targets": [(Grade(t["from"]).label, Grade(t["to"]).label, f"{float(t['share']) * 100:g}%")
                        for t in plan.overall_targets]}


def _write_letter(job: RectificationJob, progress) -> dict:
    plan = Plan.objects.select_related("cycle", "organization__parent").get(pk=job.plan_id)
    html = render_to_string("rectification/letter.html", {**letter_context(plan), "pdf": True})
    job.file.save(job.filename, ContentFile(html_to_pdf(html)), save=False)
    return {}


@task(takes_context=True)
def export_list(context, job_id: int) -> None:
    """A level's problem list or measure list as .xlsx."""
    job_execute(context, RectificationJob, job_id, _write_list)


@task(takes_context=True, queue_name="pdf")
def letter_pdf(context, job_id: int) -> None:
    """A responsibility letter as a PDF."""
    job_execute(context, RectificationJob, job_id, _write_letter)
