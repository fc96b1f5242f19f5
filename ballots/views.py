"""Pages of anonymous ballots: the phone voting page and the published receipts (no login), and
the staff pages that schedule a session, issue codes as slips, enter paper tallies and close it.

Every rule lives in ballots.services; access goes through ballots.access (404 outside the
user's subtree, 403 inside it when the action is not theirs).
"""

import csv
import io
from urllib.parse import quote

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from ballots import access, selectors, services
from ballots.choices import SessionState, answer_label
from ballots.forms import CodesForm, PaperTallyForm, SessionForm
from ballots.models import BallotSession
from core.forms import add_service_errors
from core.http import client_address
from core.keys import public_key_normalized
from cycles.models import Grading
from orgs import access as org_access

# Voting (no login) --------------------------------------------------------------------------------


def _public_session(key) -> BallotSession:
    """The session whose public key this is (404 otherwise: the same for a key that never was)."""
    key = public_key_normalized(key)
    if key is None:
        raise Http404
    try:
        return BallotSession.objects.only(
            "id", "public_key", "title", "answers", "opens_at", "closes_at", "closed", "opened_at", "question_kind",
            "grade_voted_on", "tallies", "answer_labels").get(public_key=key)
    except BallotSession.DoesNotExist:
        raise Http404 from None


def _vote_page(request, session, *, status=200, errors=None, answer="", device=""):
    answers = [(value, answer_label(value, session)) for value in services.session_answers(session)]
    return render(request, "ballots/vote.html", {
        "session": session, "answers": answers, "errors": errors or {}, "chosen": answer,
        "device": device or services.device_token(), "state": session.state, "States": SessionState}, status=status)


# csrf_exempt: the page involves no login and no session cookie, so there is no ambient authority
# for a forged cross-site request to ride on; the one-time code in the form is the credential.
# The view never reads request.user or request.session (a cast is the only database work), and
# sensitive_post_parameters keeps the code out of Django's error pages and error e-mails.
@csrf_exempt
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
@never_cache
def vote(request, key: str):
    """投票: the question and its answers as large targets and a code field (filled from the QR code's
    URL fragment, which browsers never send to the server); a good vote answers with its receipt.

    The form carries a random device token, so that wrong codes count against this phone before they
    count against the address a meeting room's phones share; a refusal keeps the phone's token."""
    if request.method == "GET":
        return _vote_page(request, _public_session(key))
    key = public_key_normalized(key)
    if key is None:
        raise Http404
    answer, device = request.POST.get("answer", ""), request.POST.get("device", "")
    address = client_address(request)
    try:
        cast = services.ballot_cast(public_key=key, code=request.POST.get("code", ""), answer=answer,
                                    client=services.client_key(address, key),
                                    device=services.device_key(device, address, key))
    except services.GuessesLimited as limited:
        response = _vote_page(request, _public_session(key), status=429, errors=limited.message_dict,
                              device=services.device_token_kept(device))
        response["Retry-After"] = str(limited.wait_seconds)
        return response
    except ValidationError as error:
        status = 409 if "session" in error.message_dict else 400
        return _vote_page(request, _public_session(key), status=status, errors=error.message_dict,
                          answer=answer if "answer" not in error.message_dict else "",
                          device=services.device_token_kept(device))
    # The POST's own answer, not a redirect: no address ever carries a receipt or a code.
    return render(request, "ballots/receipt.html", {"session": cast.session, "receipt": cast.receipt_display})


@never_cache
def receipts(request, key: str):
    """The receipts of a closed session, sorted, for voters to find theirs (receipts only: see
    selectors.receipt_list). Looking one up happens in the page (a few lines of script, or the
    browser's find): a lookup sent to the server would put a receipt beside an address in its logs."""
    session = _public_session(key)
    listed = selectors.receipt_list(session=session)
    return render(request, "ballots/receipts.html", {
        "session": session, "receipts": [services.grouped(r, 4) for r in listed or []], "published": listed is not None})


# Staff pages -------------------------------------------------------------------------------------


def _gradings(organization):
    return list(Grading.objects.filter(organization=organization).select_related("cycle").order_by("-cycle__year"))


@login_required
def session_list(request, org_pk: int):
    """An organization's ballots, and the form to schedule one (from the grading page: ?grading=)."""
    organization = org_access.get_organization_for(request.user, org_pk)
    gradings = _gradings(organization)
    initial = {"grading": request.GET.get("grading", "")}
    form = SessionForm(request.POST or None, gradings=gradings, initial=initial)
    if request.method == "POST":
        access.require(request.user, organization)
        if form.is_valid():
            data = form.cleaned_data
            try:
                session = services.session_create(
                    actor=request.user, organization=organization, purpose=data["purpose"], grading=data["grading"],
                    title=data["title"], opens_at=data["opens_at"], closes_at=data["closes_at"], quorum=data["quorum"],
                    voters=data["voters"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The ballot %(title)s was scheduled.") % {"title": session.title})
                return redirect("ballots:detail", pk=session.pk)
    return render(request, "ballots/list.html", {
        "organization": organization, "sessions": selectors.session_list(user=request.user, organization=organization),
        "form": form, "can_run": access.can_run(request.user, organization),
        "has_below": organization.children.exists()})


BELOW_PER_PAGE = 50


@login_required
def sessions_below(request, org_pk: int):
    """The ballots of every organization under this one, with voters, codes issued, ballots cast and
    quorum, for the superior who watches that no one fills a ballot box alone."""
    organization = org_access.get_organization_for(request.user, org_pk)
    page = Paginator(selectors.sessions_below(user=request.user, level=organization), BELOW_PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "ballots/below.html", {"organization": organization, "page": page})


def _detail_page(request, session, *, codes_form=None, paper_form=None, close_errors=None, open_errors=None,
                 status=200):
    results = selectors.session_results(user=request.user, session=session)
    can_run = access.can_run(request.user, session.organization)
    answers = services.session_answers(session)
    counts = [(answer_label(answer, session), (results or {}).get("counts", {}).get(answer, 0)) for answer in answers]
    return render(request, "ballots/detail.html", {
        "session": session, "organization": session.organization, "results": results, "counts": counts,
        "issued": selectors.session_issued(session=session),
        "tallies": [(tally, [(answer_label(a, session), n) for a, n in tally.counts.items()])
                    for tally in selectors.paper_tally_list(session=session)],
        "codes_form": codes_form or CodesForm(), "paper_form": paper_form or PaperTallyForm(answers=answers, session=session),
        "close_errors": close_errors or [], "can_run": can_run,
        "second_person": can_run and access.is_second_person(request.user, session,
                                                             first_person_id=session.created_by_id),
        "open_errors": open_errors or [],
        "States": SessionState,
        "vote_url": request.build_absolute_uri(reverse("ballots:vote", args=[session.public_key])),
    }, status=status)


@login_required
def session_detail(request, pk: int):
    """One ballot: its state, codes issued, paper tallies, and — only once closed — its results."""
    return _detail_page(request, access.get_session_for(request.user, pk))


def _slip_sheets(request, session, codes: list[str]) -> list[list[dict]]:
    """The slips, 18 to an A4 page (3 × 6), each with a QR code of the voting address with the code
    in its fragment, and the code typed out."""
    vote_url = request.build_absolute_uri(reverse("ballots:vote", args=[session.public_key]))
    slips = []
    for code in codes:
        shown = services.grouped(code)
        qr = segno.make(f"{vote_url}#{shown}", error="m")
        slips.append({"code": shown, "qr": qr.svg_inline(scale=1, border=2, omitsize=True)})
    return [slips[n:n + SLIPS_PER_PAGE] for n in range(0, len(slips), SLIPS_PER_PAGE)]


SLIPS_PER_PAGE = 18


@login_required
@require_POST
@never_cache
def codes_generate(request, pk: int):
    """Issue codes and hand them out once, in this one answer: the A4 slip sheet to print and the
    list to download (a data: link in the same page). Only keyed hashes are stored, so there is no
    second chance to show them: the page is not cached, and lost codes are replaced by new ones."""
    session = access.get_session_for(request.user, pk, access.RUN)
    form = CodesForm(request.POST)
    if form.is_valid():
        try:
            codes = services.codes_generate(actor=request.user, session=session, count=form.cleaned_data["count"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            vote_url = request.build_absolute_uri(reverse("ballots:vote", args=[session.public_key]))
            listing = io.StringIO()
            writer = csv.writer(listing)
            writer.writerow([_("code"), _("voting address")])
            for code in codes:
                writer.writerow([services.grouped(code), f"{vote_url}#{services.grouped(code)}"])
            return render(request, "ballots/slips.html", {
                "session": session, "count": len(codes), "pages": _slip_sheets(request, session, codes),
                "address": vote_url.split("://", 1)[-1],
                "download": "data:text/csv;charset=utf-8," + quote("\ufeff" + listing.getvalue()),
                "filename": f"ballot-{session.pk}-codes.csv"})
    return _detail_page(request, session, codes_form=form, status=400)


@login_required
@require_POST
def session_open(request, pk: int):
    """开启投票: a second person opens the ballot once its codes are issued."""
    session = access.get_session_for(request.user, pk, access.RUN)
    try:
        session = services.session_open(actor=request.user, session=session)
    except ValidationError as error:
        return _detail_page(request, session, open_errors=error.messages, status=400)
    messages.success(request, _("The ballot is open: the codes handed out can vote from %(time)s.") % {
        "time": timezone.localtime(max(session.opens_at, session.opened_at)).strftime("%Y-%m-%d %H:%M")})
    return redirect("ballots:detail", pk=session.pk)


@login_required
@require_http_methods(["GET", "POST"])
def session_close(request, pk: int):
    """关闭计票: asks first, saying what closing does and that it cannot be undone; then closes and counts."""
    session = access.get_session_for(request.user, pk, access.RUN)
    if request.method == "GET":
        if session.closed:
            return redirect("ballots:detail", pk=session.pk)
        return render(request, "ballots/close.html", {
            "session": session, "organization": session.organization, "issued": selectors.session_issued(session=session),
            "unconfirmed": session.paper_tallies.filter(confirmed_by__isnull=True).count(),
            "confirmed": session.paper_tallies.filter(confirmed_by__isnull=False).count()})
    try:
        session = services.session_close(actor=request.user, session=session)
    except ValidationError as error:
        return _detail_page(request, session, close_errors=error.messages, status=400)
    if session.state == SessionState.VOID:
        messages.warning(request, _("The ballot is closed with no ballot cast: it is void and passes nothing on."))
    else:
        messages.success(request, _("The ballot is closed and counted."))
    return redirect("ballots:detail", pk=session.pk)


@login_required
@require_POST
def paper_tally_enter(request, pk: int):
    session = access.get_session_for(request.user, pk, access.RUN)
    form = PaperTallyForm(request.POST, answers=services.session_answers(session), session=session)
    if form.is_valid():
        try:
            services.paper_tally_enter(actor=request.user, session=session, counts=form.counts(),
                                       issued=form.cleaned_data["issued"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The paper tally was entered; a second person must confirm it."))
            return redirect("ballots:detail", pk=session.pk)
    return _detail_page(request, session, paper_form=form, status=400)


@login_required
@require_POST
def paper_tally_confirm(request, pk: int):
    tally = access.get_tally_for(request.user, pk)
    try:
        services.paper_tally_confirm(actor=request.user, tally=tally)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The paper tally was confirmed."))
    return redirect("ballots:detail", pk=tally.session_id)


@login_required
@require_POST
def paper_tally_discard(request, pk: int):
    tally = access.get_tally_for(request.user, pk)
    try:
        services.paper_tally_discard(actor=request.user, tally=tally)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The paper tally was withdrawn."))
    return redirect("ballots:detail", pk=tally.session_id)
