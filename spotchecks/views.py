"""Pages of spot checks (抽查调阅): parse, authorize, call one service or selector, render.

The checking level's page leads through the draw — filters, freeze (the hash shown), the public value, the
draw, the sample with its inspectors — and to the 公示 sheets and the export. The inspector's page shows a
sampled organization's ledger row, plan, evidence and audit through the check's grant (each visit audited)
and takes the findings item by item; it is made for a phone.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.files import file_download
from core.forms import add_service_errors
from orgs import access as org_access
from orgs.choices import Sector
from rectification.models import Evidence
from spotchecks import access, jobs, selectors, services
from spotchecks.choices import FindingResult, SpotCheckState
from spotchecks.forms import EntropyForm, FindingForm, SpotCheckForm
from spotchecks.models import ChecklistItem, SpotCheck
from standards.choices import Grade


@login_required
def check_list(request):
    """The checks the user sees, and the levels where the user may open one."""
    return render(request, "spotchecks/list.html", {
        "checks": selectors.spotcheck_list(user=request.user)[:200],
        "levels": selectors.checking_levels(user=request.user),
        "inspections": selectors.inspector_todos(user=request.user),
    })


@login_required
def check_create(request, level_pk: int):
    level = org_access.get_organization_for(request.user, level_pk, org_access.MANAGE)
    cycles = list(selectors.cycles_of(level=level))
    form = SpotCheckForm(request.POST or None, cycles=cycles, initial={
        "cycle": cycles[0].pk if cycles else None, "title": _("Spot check of the ledgers")})
    if request.method == "POST" and form.is_valid():
        cycle = next(cycle for cycle in cycles if cycle.pk == form.cleaned_data["cycle"])
        try:
            spot_check = services.spotcheck_create(actor=request.user, cycle=cycle, level=level,
                                                   **form.service_values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The spot check is created. Check the filters, then freeze the population."))
            return redirect("spotchecks:detail", pk=spot_check.pk)
    return render(request, "spotchecks/create.html", {"level": level, "form": form, "cycles": cycles})


def _labelled_sample(spot_check: SpotCheck, strata) -> list:
    labels = {stratum.key: stratum.label for stratum in strata}
    sample = list(selectors.sample_rows(spot_check=spot_check)) if spot_check.drawn_at else []
    for row in sample:
        row.stratum_label = labels.get(row.stratum, row.stratum)
    return sample


def _detail(request, spot_check: SpotCheck, *, entropy_form=None, errors=(), status=200):
    strata = selectors.spotcheck_strata(spot_check=spot_check) if spot_check.frozen_at else []
    return render(request, "spotchecks/detail.html", {
        "check": spot_check, "can_manage": access.can_manage(request.user, spot_check),
        "strata": strata, "sample": _labelled_sample(spot_check, strata),
        "sectors": [Sector(s).label for s in spot_check.sectors if s in Sector.values],
        "grades": [Grade(g).label for g in spot_check.grades if g in Grade.values],
        "entropy_form": entropy_form or EntropyForm(),
        "errors": list(errors), "pool": spot_check.pool.order_by("username"),
        "states": SpotCheckState,
    }, status=status)


@login_required
def check_detail(request, pk: int):
    return _detail(request, access.get_spotcheck_for(request.user, pk))


def _step(request, pk: int, call, done: str, **forms):
    """One step of the draw from the check's page; a refusal comes back on the page, naming the field."""
    spot_check = access.get_spotcheck_for(request.user, pk)
    try:
        call(spot_check)
    except ValidationError as error:
        return _detail(request, spot_check, errors=error.messages, status=400, **forms)
    messages.success(request, done)
    return redirect("spotchecks:detail", pk=spot_check.pk)


@login_required
@require_POST
def check_freeze(request, pk: int):
    return _step(request, pk, lambda check: services.spotcheck_freeze(actor=request.user, spot_check=check),
                 _("The population is frozen. Publish its SHA-256 before the public random value is known."))


@login_required
@require_POST
def check_entropy(request, pk: int):
    value = request.POST.get("entropy", "")
    return _step(request, pk, lambda check: services.spotcheck_enter_entropy(
        actor=request.user, spot_check=check, entropy=value), _("The public random value is recorded."),
        entropy_form=EntropyForm(request.POST))


@login_required
@require_POST
def check_draw(request, pk: int):
    return _step(request, pk, lambda check: services.spotcheck_draw(actor=request.user, spot_check=check),
                 _("The organizations and their inspectors are drawn."))


@login_required
@require_POST
def check_close(request, pk: int):
    return _step(request, pk, lambda check: services.spotcheck_close(actor=request.user, spot_check=check),
                 _("The spot check is closed; the inspectors' read access has ended."))


def _drawn(user, pk) -> SpotCheck:
    spot_check = access.get_spotcheck_for(user, pk)
    if not spot_check.drawn_at:
        raise Http404
    return spot_check


@login_required
def draw_print(request, pk: int):
    """公示: the draw on an A4 sheet — the population's hash, the public value, the sample and its inspectors."""
    spot_check = _drawn(request.user, pk)
    strata = selectors.spotcheck_strata(spot_check=spot_check)
    return render(request, "spotchecks/draw_print.html", {
        "check": spot_check, "strata": strata, "sample": _labelled_sample(spot_check, strata)})


@login_required
def report_print(request, pk: int):
    """公示: the results of the check on A4 — each organization's findings and the orders they opened."""
    spot_check = _drawn(request.user, pk)
    return render(request, "spotchecks/report_print.html", {
        "check": spot_check, "sample": selectors.sample_rows(spot_check=spot_check),
        "findings": selectors.spotcheck_findings(spot_check=spot_check), "problem": FindingResult.PROBLEM})


@login_required
def check_export(request, pk: int):
    """The draw and its results as .xlsx (population, sample with inspectors, findings), written by a worker."""
    spot_check = _drawn(request.user, pk)
    job = jobs.job_wait(jobs.spotcheck_export_start(actor=request.user, spot_check=spot_check),
                        jobs.EXPORT_WAIT_SECONDS)
    if job.state == job.State.DONE and job.file:
        return redirect("spotchecks:job_download", pk=job.pk)
    return redirect("spotchecks:job", pk=job.pk)


@login_required
def job_page(request, pk: int):
    job = jobs.get_job_for(request.user, pk)
    template = "spotchecks/_job_progress.html" if request.headers.get("HX-Request") else "spotchecks/job.html"
    return render(request, template, {"job": job, "status": jobs.job_status(job)})


@login_required
def job_download(request, pk: int):
    job = jobs.get_job_for(request.user, pk)
    if job.state != job.State.DONE:
        raise Http404
    return file_download(job.file)


# The inspector's page -------------------------------------------------------------------------


def _sampled_page(request, sampled, *, forms=None, status=200):
    inspector = access.is_inspector(request.user, sampled)
    if inspector and request.method == "GET":
        services.inspection_read(actor=request.user, sampled=sampled,
                                 what=_("the ledger, plan, evidence and audit"))
    lines = []
    for item, finding in selectors.checklist(sampled=sampled):
        form = (forms or {}).get(item.pk) or FindingForm(prefix=f"item-{item.pk}", initial={
            "result": finding.result if finding else FindingResult.MET, "note": finding.note if finding else "",
            "evidence": finding.evidence if finding else "", "deadline": finding.deadline if finding else None})
        lines.append((item, finding, form))
    return render(request, "spotchecks/sampled.html", {
        "sampled": sampled, "check": sampled.spot_check, "organization": sampled.organization,
        "inspection": selectors.inspection_of(sampled=sampled), "lines": lines, "can_record": inspector,
        "inspectors": sampled.inspectors.select_related("inspector"), "problem": FindingResult.PROBLEM,
    }, status=status)


@login_required
def sampled_page(request, pk: int):
    return _sampled_page(request, access.get_sampled_for(request.user, pk))


@login_required
@require_POST
def finding_save(request, pk: int, item_pk: int):
    sampled = access.get_sampled_for(request.user, pk)
    access.require_inspector(request.user, sampled)
    item = ChecklistItem.objects.filter(pk=item_pk).first()
    if item is None:
        raise Http404
    form = FindingForm(request.POST, prefix=f"item-{item.pk}")
    if form.is_valid():
        try:
            services.finding_record(actor=request.user, sampled=sampled, item=item, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The finding on “%(item)s” is saved.") % {"item": item.title})
            return redirect(reverse("spotchecks:sampled", args=(sampled.pk,)) + f"#item-{item.pk}")
    return _sampled_page(request, sampled, forms={item.pk: form}, status=400)


@login_required
def evidence_download(request, pk: int, evidence_pk: int):
    """An evidence file of the sampled organization's plan: through the organization's own access, or the
    inspector's grant, audited."""
    sampled = access.get_sampled_for(request.user, pk)
    evidence = Evidence.objects.filter(pk=evidence_pk, plan__cycle=sampled.spot_check.cycle,
                                       plan__organization=sampled.organization).first()
    if evidence is None:
        raise Http404
    if access.is_inspector(request.user, sampled):
        services.inspection_read(actor=request.user, sampled=sampled, what=_("an evidence file"),
                                 evidence_id=evidence.pk)
    elif not org_access.can_view(request.user, sampled.organization):
        raise PermissionDenied
    return file_download(evidence.file)
