"""Pledge pages: parse, authorize, call one service or selector, render. The public board needs no login."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import http
from core.forms import add_service_errors
from core.jobs import job_status
from cycles import access as cycle_access
from members import selectors as member_selectors
from orgs import access as org_access
from pledges import access, jobs, printing, selectors, services
from pledges.choices import RATED_STATES, PledgeKind, PledgeState
from pledges.forms import EvaluateForm, ItemForm, PledgeCreateForm, ProgressForm, RatingForm, ReturnForm
from pledges.models import PledgeJob


def _cycle_and_organization(user, cycle_pk, org_pk):
    cycle = cycle_access.get_cycle_for(user, cycle_pk)
    organization = org_access.get_organization_for(user, org_pk)
    if not organization.path.startswith(cycle.owner.path):
        raise Http404
    return cycle, organization


@login_required
def organization_pledges(request, cycle_pk: int, org_pk: int):
    """承诺践诺 of one organization in a cycle: its own pledge and its members', and the form to draft one."""
    cycle, organization = _cycle_and_organization(request.user, cycle_pk, org_pk)
    can_keep = access.can_keep(request.user, organization)
    pledges = list(selectors.pledge_list(cycle=cycle, organization=organization))
    pledged = {p.member_id for p in pledges}
    members = [m for m in member_selectors.member_list(organization=organization) if m.pk not in pledged]
    form = PledgeCreateForm(request.POST or None, members=members, organization=organization) if can_keep else None
    if request.method == "POST":
        _require_keep(request.user, organization, can_keep)
        if form.is_valid():
            member = form.members.get(form.cleaned_data["member"])
            try:
                pledge = services.pledge_create(actor=request.user, cycle=cycle, organization=organization, member=member)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("pledges:detail", pk=pledge.pk)
    return render(request, "pledges/organization.html", {
        "cycle": cycle, "organization": organization, "pledges": pledges, "form": form, "can_keep": can_keep,
        "withdrawn": selectors.board_is_withdrawn(cycle=cycle, organization=organization),
        "board": services.board_address(actor=request.user, cycle=cycle, organization=organization),
        "summary": selectors.level_summary(cycle=cycle, organization=organization)})


def _require_keep(user, organization, allowed: bool) -> None:
    if not allowed:
        org_access.check(user, organization, org_access.EDIT_FACTS)


@login_required
def pledge_detail(request, pk: int):
    """One pledge: its items and progress, and the forms its state and the user's role allow."""
    pledge = access.get_pledge_for(request.user, pk)
    can_keep, can_vet = access.can_keep(request.user, pledge.organization), access.can_vet(request.user, pledge)
    action = request.POST.get("action", "")
    item_form = ItemForm(request.POST if action == "item" else None, kind=pledge.kind)
    return_form = ReturnForm(request.POST if action == "return" else None)
    progress_form = ProgressForm(request.POST if action == "progress" else None,
                                 request.FILES if action == "progress" else None)
    rating = selectors.public_ratings(pledges=[pledge])[pledge.pk]
    evaluate_form = EvaluateForm(request.POST if action == "evaluate" else None, instance=pledge,
                                 public_result=rating.result)
    rating_form = RatingForm(request.POST if action == "rating" else None)
    if request.method == "POST":
        form, call = _action(request, pledge, action, item_form, return_form, progress_form, evaluate_form,
                             rating_form)
        if form is None or form.is_valid():
            try:
                call(form.cleaned_data if form is not None else {})
            except ValidationError as error:
                if form is None:
                    for message in error.messages:
                        messages.error(request, message)
                else:
                    add_service_errors(form, error)
            else:
                return redirect("pledges:detail", pk=pledge.pk)
    items = pledge.items.prefetch_related("progress")
    return render(request, "pledges/detail.html", {
        "pledge": pledge, "items": items, "can_keep": can_keep, "can_vet": can_vet, "States": PledgeState,
        "item_form": item_form, "return_form": return_form, "progress_form": progress_form,
        "evaluate_form": evaluate_form, "rating_form": rating_form, "rating": rating,
        "ratings": selectors.pledge_rating_list(pledge=pledge), "RATED_STATES": RATED_STATES})


def _action(request, pledge, action, item_form, return_form, progress_form, evaluate_form, rating_form):
    """(the form to validate or None, the service call) for the button pressed."""
    user = request.user
    calls = {
        "item": (item_form, lambda data: services.pledge_item_add(actor=user, pledge=pledge, **data)),
        "submit": (None, lambda data: services.pledge_submit(actor=user, pledge=pledge)),
        "approve": (None, lambda data: services.pledge_approve(actor=user, pledge=pledge)),
        "return": (return_form, lambda data: services.pledge_return(actor=user, pledge=pledge, reason=data["reason"])),
        "progress": (progress_form, lambda data: services.progress_add(
            actor=user, item=access.get_item_for(user, request.POST.get("item")), **data)),
        "evaluate": (evaluate_form, lambda data: services.pledge_evaluate(actor=user, pledge=pledge, **data)),
        "close": (None, lambda data: services.pledge_close(actor=user, pledge=pledge)),
        "rating": (rating_form, lambda data: services.pledge_rating_schedule(actor=user, pledge=pledge, **data)),
    }
    if action not in calls:
        raise Http404
    return calls[action]


def board(request, key: str):
    """公示栏: the organization's public pledges, progress and results, for anyone (no login), small enough for a
    slow phone connection: one page of HTML with its own few lines of style, no script, no image. Reached by
    the board's random public key (the poster's QR code), never by ids."""
    public = selectors.board_by_key(key)
    if public is None:
        raise Http404
    cycle, organization = public.cycle, public.organization
    if (organization.dissolved_on is not None or not organization.path.startswith(cycle.owner.path)
            or selectors.board_is_withdrawn(cycle=cycle, organization=organization)):
        raise Http404
    pledges = selectors.board_pledges(cycle=cycle, organization=organization)
    ratings = selectors.public_ratings(pledges=pledges)
    for pledge in pledges:
        pledge.public_rating = ratings[pledge.pk]
    return render(request, "pledges/board.html", {
        "cycle": cycle, "organization": organization,
        "own": [p for p in pledges if p.kind == PledgeKind.ORGANIZATION],
        "members": [p for p in pledges if p.kind == PledgeKind.MEMBER]})


@login_required
def poster(request, cycle_pk: int, org_pk: int):
    """The A4 poster for the 公示栏: the board's address as a QR code, to print and post."""
    cycle, organization = _cycle_and_organization(request.user, cycle_pk, org_pk)
    public = services.board_address(actor=request.user, cycle=cycle, organization=organization)
    url = request.build_absolute_uri(reverse("pledges:board", args=[public.public_key]))
    qr = segno.make(url, error="m").svg_inline(scale=8)
    return render(request, "pledges/poster.html", {"cycle": cycle, "organization": organization, "url": url, "qr": qr})


@login_required
@require_POST
def board_toggle(request, cycle_pk: int, org_pk: int):
    """Withdraw the board for the cycle, or put it up again."""
    cycle, organization = _cycle_and_organization(request.user, cycle_pk, org_pk)
    if request.POST.get("withdraw"):
        services.board_withdraw(actor=request.user, cycle=cycle, organization=organization)
        messages.success(request, _("The public board is withdrawn."))
    else:
        services.board_restore(actor=request.user, cycle=cycle, organization=organization)
        messages.success(request, _("The public board is up again."))
    return redirect("pledges:organization", cycle_pk=cycle.pk, org_pk=organization.pk)


@login_required
def pledge_print(request, pk: int):
    """附件7 or 附件8: one pledge's 承诺书 as an A4 print page."""
    pledge = access.get_pledge_for(request.user, pk)
    return HttpResponse(printing.letters_html([pledge]))


@login_required
@require_POST
def letters_pdf(request, cycle_pk: int, org_pk: int):
    """Queue the PDF of every member's 承诺书 of the branch; its page shows the progress, then the file."""
    cycle, organization = _cycle_and_organization(request.user, cycle_pk, org_pk)
    job = jobs.letters_pdf_start(actor=request.user, cycle=cycle, organization=organization)
    return redirect("pledges:job", pk=job.pk)


@login_required
def job_detail(request, pk: int):
    """A letters PDF job: its progress while a worker lays it out, then its file."""
    job = access.get_pledge_job_for(request.user, pk)
    return render(request, "pledges/job.html", {"job": job, "status": job_status(job)})


@login_required
def job_progress(request, pk: int):
    """The progress bar alone, polled every second; once the job ends, its page reloads."""
    job = access.get_pledge_job_for(request.user, pk)
    return http.job_progress(request, job, page_url=reverse("pledges:job", args=(job.pk,)),
                        template="pledges/_job_progress.html", context={"job": job, "status": job_status(job)})


@login_required
def job_download(request, pk: int):
    """The PDF a letters job wrote."""
    job = access.get_pledge_job_for(request.user, pk)
    if job.state != PledgeJob.State.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), filename=job.filename, content_type="application/pdf")
