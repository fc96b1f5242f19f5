"""Roster pages: parse, authorize, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import http
from core.forms import add_service_errors
from core.jobs import job_failure, job_status, job_wait
from members import access, exports, jobs, selectors, services
from members.forms import MemberForm, RosterImportForm, TransferForm
from members.models import RosterExport
from orgs import access as org_access
from orgs.models import OrganizationFacts

ROSTER_PAGE_ROWS = 100


@login_required
def roster(request, org_pk: int):
    """花名册 of one branch: its members, the counts, and (for its keepers) the form to add one."""
    organization = org_access.get_organization_for(request.user, org_pk)
    can_keep = access.can_keep_roster(request.user, organization)
    form = MemberForm(request.POST or None) if can_keep else None
    if request.method == "POST":
        if not can_keep:
            org_access.check(request.user, organization, org_access.EDIT_FACTS)
        if form.is_valid():
            try:
                member = services.member_create(actor=request.user, organization=organization, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("%(name)s was added to the roster.") % {"name": member.name})
                return redirect("members:roster", org_pk=organization.pk)
    page = Paginator(selectors.member_list(organization=organization), ROSTER_PAGE_ROWS).get_page(request.GET.get("page"))
    counts = selectors.roster_counts(organization=organization)
    facts = OrganizationFacts.objects.filter(organization=organization).order_by("-year").first()
    return render(request, "members/roster.html", {
        "organization": organization, "page": page, "counts": counts, "form": form, "can_keep": can_keep,
        "facts": facts, "disagreements": selectors.roster_disagreements(organization=organization, facts=facts)})


@login_required
def member_detail(request, pk: int):
    """One member's record, its transfers, and for the roster's keepers the forms to change or transfer it."""
    member = access.get_member_for(request.user, pk)
    can_keep = access.can_keep_roster(request.user, member.organization)
    form = MemberForm(request.POST if "save" in request.POST else None, instance=member) if can_keep else None
    transfer_form = TransferForm(request.POST if "transfer" in request.POST else None) if can_keep else None
    if request.method == "POST":
        if not can_keep:
            org_access.check(request.user, member.organization, org_access.EDIT_FACTS)
        if "save" in request.POST and form.is_valid():
            try:
                services.member_update(actor=request.user, member=member, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The record was saved."))
                return redirect("members:detail", pk=member.pk)
        if "transfer" in request.POST and transfer_form.is_valid():
            data = transfer_form.cleaned_data
            try:
                target = org_access.get_organization_for(request.user, data["to_organization"])
            except Http404:
                transfer_form.add_error("to_organization", _("Receiving branch: not found."))
            else:
                try:
                    services.member_transfer(actor=request.user, member=member, to_organization=target,
                                             transferred_on=data["transferred_on"])
                except ValidationError as error:
                    add_service_errors(transfer_form, error)
                else:
                    messages.success(request, _("%(name)s was transferred to %(org)s.") % {
                        "name": member.name, "org": target.name})
                    return redirect("members:roster", org_pk=target.pk)
    return render(request, "members/detail.html", {
        "member": member, "form": form, "transfer_form": transfer_form, "can_keep": can_keep,
        "transfers": member.transfers.select_related("from_organization", "to_organization")})


@login_required
def facts_from_roster(request, org_pk: int):
    """Write the branch's basic facts' counts for the latest year from its roster."""
    organization = org_access.get_organization_for(request.user, org_pk, org_access.EDIT_FACTS)
    if request.method == "POST":
        facts = OrganizationFacts.objects.filter(organization=organization).order_by("-year").first()
        year = facts.year if facts else int(request.POST.get("year") or 0)
        try:
            services.facts_from_roster(actor=request.user, organization=organization, year=year)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The basic facts now count the roster."))
    return redirect("members:roster", org_pk=organization.pk)


@login_required
def roster_import(request, org_pk: int):
    """导入花名册: upload a file; its check runs in the background and the job's page lists what it found."""
    organization = org_access.get_organization_for(request.user, org_pk, org_access.EDIT_FACTS)
    form = RosterImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = jobs.roster_import_start(actor=request.user, organization=organization, upload=form.cleaned_data["file"])
        return redirect("members:import_job", pk=job.pk)
    return render(request, "members/import.html", {"organization": organization, "form": form})


PROBLEMS_SHOWN = 500


def _job_context(job) -> dict:
    return {"job": job, "organization": job.organization, "status": job_status(job),
            "problems": job.problems[:PROBLEMS_SHOWN], "problems_left": max(0, len(job.problems) - PROBLEMS_SHOWN)}


@login_required
def import_job(request, pk: int):
    """A roster import's check (problems by row and column, the counts, 确认导入) or its result."""
    job = access.get_roster_import_for(request.user, pk)
    return render(request, "members/import_job.html", _job_context(job))


@login_required
def import_progress(request, pk: int):
    """The progress bar alone, polled every second; once the job ends, the page reloads."""
    job = access.get_roster_import_for(request.user, pk)
    return http.job_progress(request, job, page_url=reverse("members:import_job", args=(job.pk,)),
                        template="members/_import_progress.html", context=_job_context(job))


@login_required
@require_POST
def import_confirm(request, pk: int):
    """确认导入: every row in one transaction, or nothing."""
    job = access.get_roster_import_for(request.user, pk)
    try:
        job = jobs.roster_import_confirm(actor=request.user, job=job)
    except ValidationError as error:
        context = _job_context(job)
        context["confirm_errors"] = error.messages
        return render(request, "members/import_job.html", context, status=400)
    return redirect("members:import_job", pk=job.pk)


@login_required
@require_POST
def roster_export(request, org_pk: int):
    """The roster as .xlsx, in the columns its import reads, written and audited by a worker: the file within two
    seconds, else the job's page with its progress and then the download."""
    organization = org_access.get_organization_for(request.user, org_pk)
    job = job_wait(jobs.roster_export_start(actor=request.user, organization=organization), jobs.EXPORT_WAIT_SECONDS)
    if job.state == RosterExport.State.DONE:
        return _export_file(job)
    return redirect("members:export_job", pk=job.pk)


def _export_file(job: RosterExport) -> FileResponse:
    if job.state != RosterExport.State.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=exports.XLSX)


@login_required
def export_job(request, pk: int):
    """A roster export: its progress while the worker writes it, then its file."""
    job = access.get_roster_export_for(request.user, pk)
    return render(request, "members/export_job.html", {"job": job, "organization": job.organization,
                                                       "status": job_status(job), "failure": job_failure(job)})


@login_required
def export_progress(request, pk: int):
    """The progress bar alone, polled every second; once the job ends, its page reloads."""
    job = access.get_roster_export_for(request.user, pk)
    return http.job_progress(request, job, page_url=reverse("members:export_job", args=(job.pk,)),
                             template="members/_export_progress.html", context={"job": job, "status": job_status(job)})


@login_required
def export_download(request, pk: int):
    """The file a roster export wrote, for its requester."""
    return _export_file(access.get_roster_export_for(request.user, pk))
