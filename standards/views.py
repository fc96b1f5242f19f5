"""Pages of standards and score sheets: parse, authorize, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import http
from core.files import file_download
from core.forms import add_service_errors, filters_of
from core.http import refused
from core.jobs import job_status
from core.versions import version_of
from orgs import access as org_access
from orgs.choices import Sector
from standards import access, jobs, selectors, services
from standards.choices import OTHER_ASSESSOR, AssessorKind
from standards.excel import standard_to_xlsx
from standards.forms import (
    DeductionForm,
    DefaultStandardForm,
    DeriveForm,
    ImportForm,
    ItemForm,
    StandardFilterForm,
    VetoForm,
)
from standards.models import Deduction, Item, StandardImport, VetoClause, VetoMark


@login_required
def standard_list(request):
    filters = StandardFilterForm(request.GET)
    try:
        criteria = filters_of(filters)
    except ValidationError as error:
        return refused(request, error)
    standards = selectors.standard_list(user=request.user, sector=criteria.get("sector") or "", year=criteria.get("year"))
    form = DefaultStandardForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            standard = services.standard_create_default(actor=request.user, issuer=form.cleaned_data["issuer"],
                                                        sector=form.cleaned_data["sector"], year=form.cleaned_data["year"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The standard was created from the defaults."))
            return redirect("standards:detail", pk=standard.pk)
    return render(request, "standards/list.html", {"standards": standards[:200], "filters": filters, "form": form})


@login_required
def standard_detail(request, pk: int):
    standard = access.get_standard_for(request.user, pk)
    base, changes = selectors.standard_differences(standard=standard)
    context = {
        "standard": standard,
        "indicators": standard.indicators.prefetch_related("items").order_by("position"),
        "vetoes": standard.vetoes.order_by("position"),
        "base": base,
        "changes": changes,
        "can_manage": org_access.can_manage(request.user, standard.issuer),
    }
    return render(request, "standards/detail.html", context)


@login_required
def standard_derive(request, pk: int):
    standard = access.get_standard_for(request.user, pk)
    form = DeriveForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            derived = services.standard_derive(actor=request.user, source=standard, issuer=form.cleaned_data["issuer"],
                                               name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your own standard was derived; adjust its items as you need."))
            return redirect("standards:detail", pk=derived.pk)
    return render(request, "standards/form.html", {"form": form, "standard": standard, "title": _("Derive a standard")})


@login_required
def item_edit(request, pk: int, code: str):
    standard = access.get_standard_for(request.user, pk, org_access.MANAGE)
    item = Item.objects.filter(indicator__standard=standard, code=code).first()
    if item is None:
        raise Http404
    form = ItemForm(request.POST or None, initial={name: getattr(item, name) for name in ItemForm.base_fields
                                                   if name not in ("reason", "version")} | {"version": version_of(item)})
    if request.method == "POST" and form.is_valid():
        changes = {name: value for name, value in form.cleaned_data.items() if name not in ("reason", "version")}
        try:
            result = services.item_update(actor=request.user, standard=standard, code=code,
                                          version=form.cleaned_data["version"], reason=form.cleaned_data["reason"],
                                          **changes)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if result.pk != standard.pk:
                messages.info(request, _("The standard is in use, so the change made version %(version)d.") % {"version": result.version})
            else:
                messages.success(request, _("Your changes were saved."))
            return redirect("standards:detail", pk=result.pk)
    title = _("Edit item %(code)s") % {"code": code}
    return render(request, "standards/form.html", {"form": form, "standard": standard, "title": title})


@login_required
def standard_export(request, pk: int):
    standard = access.get_standard_for(request.user, pk)
    content = standard_to_xlsx(title=standard.name, issuer_name=standard.issuer.name,
                               sector_label=Sector(standard.sector).label, year=standard.year,
                               data=selectors.standard_structure(standard=standard))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename=standard-{standard.pk}-v{standard.version}.xlsx"
    return response


@login_required
def standard_import(request, pk: int):
    """Upload an edited Excel file; a worker reads it into the standard and its job's page follows."""
    standard = access.get_standard_for(request.user, pk, org_access.MANAGE)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = jobs.standard_import_start(actor=request.user, standard=standard, upload=form.cleaned_data["file"],
                                         reason=form.cleaned_data["reason"])
        return redirect("standards:import_job", pk=job.pk)
    return render(request, "standards/form.html", {"form": form, "standard": standard, "title": _("Import from Excel"),
                                                   "multipart": True})


@login_required
def standard_import_job(request, pk: int):
    """An import from Excel: a progress bar while a worker reads the file, then the standard it made,
    or every cell that could not be read with the form to upload a corrected file."""
    job = access.get_standard_import_for(request.user, pk)
    if job.state == StandardImport.State.DONE:
        messages.success(request, _("The standard was read from the Excel file."))
        return redirect("standards:detail", pk=job.result.get("standard_id", job.standard_id))
    return render(request, "standards/import_job.html", {"job": job, "standard": job.standard,
                                                         "status": job_status(job), "form": ImportForm()})


@login_required
def standard_import_progress(request, pk: int):
    """The progress bar alone, polled every second; once the import ends, its page takes over."""
    job = access.get_standard_import_for(request.user, pk)
    return http.job_progress(request, job, page_url=reverse("standards:import_job", args=(job.pk,)),
                        template="standards/_import_progress.html", context={"job": job, "status": job_status(job)})


@login_required
def sheet_page(request, org_pk: int, standard_pk: int, assessor_kind: str):
    """A score sheet: items, deductions, running total, grade, stars; the other assessor's beside it."""
    organization = org_access.get_organization_for(request.user, org_pk)
    standard = access.get_standard_for(request.user, standard_pk)
    if assessor_kind not in AssessorKind.values:
        raise Http404
    sheets = selectors.sheets_for_organization(user=request.user, organization=organization, standard=standard)
    sheet = sheets.get(assessor_kind)
    if request.method == "POST" and sheet is None:
        try:
            sheet = services.score_sheet_open(actor=request.user, organization=organization, standard=standard,
                                              assessor_kind=assessor_kind)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("standards:sheet", org_pk=org_pk, standard_pk=standard_pk, assessor_kind=assessor_kind)
    return render(request, "standards/sheet.html", _sheet_context(request, organization, standard, assessor_kind, sheet, sheets))


def _sheet_context(request, organization, standard, assessor_kind, sheet, sheets):
    other_kind = OTHER_ASSESSOR[AssessorKind(assessor_kind)]
    other = sheets.get(other_kind)
    explanation = selectors.sheet_explanation(user=request.user, sheet=sheet) if sheet else None
    if other is not None and explanation is not None:
        other_scores = {line.item.pk: line.score for indicator in selectors.sheet_explanation(user=request.user, sheet=other)
                        .indicators for line in indicator.items}
        for indicator in explanation.indicators:
            for line in indicator.items:
                line.other_score = other_scores.get(line.item.pk)
    return {
        "organization": organization,
        "standard": standard,
        "assessor_kind": assessor_kind,
        "assessor_label": AssessorKind(assessor_kind).label,
        "sheet": sheet,
        "other": other,
        "explanation": explanation,
        "can_enter": access.can_enter(request.user, organization, assessor_kind),
        "marked": {mark.clause_id for mark in explanation.vetoes} if explanation else set(),
        "deduction_form": DeductionForm(),
        "veto_form": VetoForm(),
    }


def _sheet_response(request, sheet, form_errors=None):
    sheet.refresh_from_db()  # the service changed it
    sheets = selectors.sheets_for_organization(user=request.user, organization=sheet.organization, standard=sheet.standard)
    context = _sheet_context(request, sheet.organization, sheet.standard, sheet.assessor_kind, sheet, sheets)
    context["form_errors"] = form_errors or []
    template = "standards/_sheet_body.html" if request.headers.get("HX-Request") else "standards/sheet.html"
    return render(request, template, context)


@login_required
@require_POST
def deduction_add(request, sheet_pk: int, item_pk: int):
    sheet = access.get_sheet_for(request.user, sheet_pk, "edit")
    item = Item.objects.filter(pk=item_pk, indicator__standard=sheet.standard_id).select_related("indicator").first()
    if item is None:
        raise Http404
    form = DeductionForm(request.POST, request.FILES)
    errors = []
    if form.is_valid():
        try:
            services.deduction_add(actor=request.user, sheet=sheet, item=item, **form.cleaned_data)
        except ValidationError as error:
            errors = error.messages
    else:
        errors = [f"{item.code} {form.fields[name].label}：{' '.join(messages_)}" for name, messages_ in form.errors.items()]
    return _sheet_response(request, sheet, errors)


@login_required
@require_POST
def deduction_remove(request, pk: int):
    deduction = Deduction.objects.select_related("sheet").filter(pk=pk).first()
    if deduction is None:
        raise Http404
    sheet = access.get_sheet_for(request.user, deduction.sheet_id, "edit")
    services.deduction_remove(actor=request.user, deduction=deduction)
    return _sheet_response(request, sheet)


@login_required
@require_POST
def veto_mark(request, sheet_pk: int, clause_pk: int):
    sheet = access.get_sheet_for(request.user, sheet_pk, "edit")
    clause = VetoClause.objects.filter(pk=clause_pk, standard=sheet.standard_id).first()
    if clause is None:
        raise Http404
    form = VetoForm(request.POST, request.FILES)
    errors = []
    try:
        if not form.is_valid():
            raise ValidationError(_("Evidence: please say what shows the clause applies."))
        services.veto_mark(actor=request.user, sheet=sheet, clause=clause, **form.cleaned_data)
    except ValidationError as error:
        errors = error.messages
    return _sheet_response(request, sheet, errors)


@login_required
@require_POST
def veto_unmark(request, pk: int):
    mark = VetoMark.objects.filter(pk=pk).first()
    if mark is None:
        raise Http404
    sheet = access.get_sheet_for(request.user, mark.sheet_id, "edit")
    services.veto_unmark(actor=request.user, mark=mark)
    return _sheet_response(request, sheet)


@login_required
def deduction_evidence(request, pk: int):
    """A deduction's evidence file, for those who may see its sheet."""
    deduction = Deduction.objects.filter(pk=pk).first()
    if deduction is None:
        raise Http404
    access.get_sheet_for(request.user, deduction.sheet_id)
    return file_download(deduction.evidence)


@login_required
def veto_evidence(request, pk: int):
    """A veto mark's evidence file, for those who may see its sheet."""
    mark = VetoMark.objects.filter(pk=pk).first()
    if mark is None:
        raise Http404
    access.get_sheet_for(request.user, mark.sheet_id)
    return file_download(mark.evidence_file)
