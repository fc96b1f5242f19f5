"""Year-end pages: the dashboard with its charts and their data, the year summary with its print, PDF and
tables, the secretaries' reports, the commendation shortlist. Parse, authorize, call one service, render."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import http
from core.forms import add_service_errors
from core.jobs import job_status
from orgs.models import Organization
from yearend import access, charts, exports, jobs, printing, selectors, services
from yearend.choices import ShortlistState, SummaryState
from yearend.forms import CandidateAddForm, ReasonForm, ReportForm, SummaryForm
from yearend.models import SummaryJob

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = http_filename(filename)
    return response


def http_filename(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"


@login_required
def dashboard(request, cycle_pk: int, level_pk: int):
    """The level's year at a glance: each chart drawn from its JSON endpoint, with its data to download."""
    cycle, level = access.get_level_for(request.user, cycle_pk, level_pk)
    today = timezone.localdate()
    figures, tables = selectors.dashboard_tables(user=request.user, cycle=cycle, level=level, today=today)
    return render(request, "yearend/dashboard.html", {
        "cycle": cycle, "level": level, "figures": figures, "tables": tables,
        "summary": selectors.summary_of(cycle=cycle, level=level),
        "shortlist": selectors.shortlist_of(cycle=cycle, level=level)})


def _table(request, cycle_pk, level_pk, chart):
    if chart not in selectors.CHARTS:
        raise Http404
    cycle, level = access.get_level_for(request.user, cycle_pk, level_pk)
    return cycle, level, selectors.chart_table(user=request.user, cycle=cycle, level=level, chart=chart,
                                               today=timezone.localdate())


@login_required
def chart_option(request, cycle_pk: int, level_pk: int, chart: str):
    """One chart's ECharts option, as JSON."""
    _cycle, _level, table = _table(request, cycle_pk, level_pk, chart)
    return JsonResponse({"title": table.title, "option": charts.option(table), "height": charts.height(table)})


@login_required
def chart_download(request, cycle_pk: int, level_pk: int, chart: str, file_format: str):
    """One chart's data as .xlsx or CSV."""
    if file_format not in ("xlsx", "csv"):
        raise Http404
    cycle, level, table = _table(request, cycle_pk, level_pk, chart)
    name = f"{level.name}{cycle.year}年{table.title}"
    if file_format == "csv":
        return _attachment(exports.table_csv(table), f"{name}.csv", "text/csv; charset=utf-8")
    return _attachment(exports.tables_xlsx([table], title=name), f"{name}.xlsx", XLSX)


@login_required
def summary(request, cycle_pk: int, level_pk: int):
    """The level's year summary: drafted from the figures on first visit by one who writes it, edited, submitted."""
    cycle, level = access.get_level_for(request.user, cycle_pk, level_pk)
    can_write = access.can_write(request.user, level)
    found = selectors.summary_of(cycle=cycle, level=level)
    action = request.POST.get("action", "save")
    form = SummaryForm(request.POST if request.method == "POST" and action == "save" else None, instance=found)
    if request.method == "POST" and action == "submit":  # bound to what is stored, to carry the refusal's message
        form = SummaryForm({"text": found.text if found else ""}, instance=found)
        form.full_clean()
    if request.method == "POST":
        access.check_write(request.user, level)
        try:
            if action == "draft":
                found = services.summary_save(actor=request.user, cycle=cycle, level=level)
            elif action == "submit" and found is not None:
                services.summary_submit(actor=request.user, summary=found)
                messages.success(request, _("The year summary is submitted to the level above."))
            elif action == "save" and form.is_valid():
                services.summary_save(actor=request.user, cycle=cycle, level=level, text=form.cleaned_data["text"])
                messages.success(request, _("The year summary is saved."))
            else:
                raise ValidationError({"text": _("The year summary is empty: write it before submitting it.")})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not form.errors:
                return redirect("yearend:summary", cycle_pk=cycle.pk, level_pk=level.pk)
    today = timezone.localdate()
    figures = selectors.summary_figures(summary=found, cycle=cycle, level=level, today=today)
    due = selectors.settings_of(cycle).summary_due
    late = (found.submitted_at and timezone.localdate(found.submitted_at) > due) if found and found.submitted_at \
        else (today > due)
    return render(request, "yearend/summary.html", {
        "cycle": cycle, "level": level, "summary": found, "form": form, "can_write": can_write,
        "editable": can_write and (found is None or found.state == SummaryState.DRAFT),
        "can_reopen": found is not None and found.state == SummaryState.SUBMITTED
        and access.can_reopen(request.user, level), "reopen_form": ReasonForm(),
        "tables": selectors.summary_tables(cycle, figures), "reports": selectors.reports_of(found),
        "below": selectors.summaries_below(cycle=cycle, level=level), "due": due, "late": late})


@login_required
@require_POST
def summary_reopen(request, cycle_pk: int, level_pk: int):
    """The superior sends the summary back to its level, with the reason."""
    cycle, level = access.get_level_for(request.user, cycle_pk, level_pk)
    found = selectors.summary_of(cycle=cycle, level=level)
    if found is None:
        raise Http404
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the reason for reopening."))
        services.summary_reopen(actor=request.user, summary=found, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The year summary is reopened for its level."))
    return redirect("yearend:summary", cycle_pk=cycle.pk, level_pk=level.pk)


def _summary_or_404(user, cycle_pk, level_pk):
    cycle, level = access.get_level_for(user, cycle_pk, level_pk)
    found = selectors.summary_of(cycle=cycle, level=level)
    if found is None:
        raise Http404
    return found


@login_required
def summary_print(request, cycle_pk: int, level_pk: int):
    """The summary as an A4 print page: its text, its tables, its secretaries' reports."""
    found = _summary_or_404(request.user, cycle_pk, level_pk)
    return HttpResponse(printing.summary_html(found, today=timezone.localdate()))


@login_required
def summary_xlsx(request, cycle_pk: int, level_pk: int):
    """The summary's tables as .xlsx, one sheet each."""
    cycle, level = access.get_level_for(request.user, cycle_pk, level_pk)
    found = selectors.summary_of(cycle=cycle, level=level)
    figures = selectors.summary_figures(summary=found, cycle=cycle, level=level, today=timezone.localdate())
    title = f"{level.name}{cycle.year}年度工作总结附表"
    return _attachment(exports.tables_xlsx(selectors.summary_tables(cycle, figures), title=title),
                       f"{title}.xlsx", XLSX)


@login_required
@require_POST
def summary_pdf(request, cycle_pk: int, level_pk: int):
    """Queue the summary's PDF; its page shows the progress, then the file."""
    found = _summary_or_404(request.user, cycle_pk, level_pk)
    job = jobs.summary_pdf_start(actor=request.user, summary=found)
    return redirect("yearend:job", pk=job.pk)


@login_required
def report_edit(request, cycle_pk: int | None = None, level_pk: int | None = None, pk: int | None = None):
    """A secretary's 述职, attached to the level's summary: a new one, or one to change."""
    report = None
    if pk is not None:
        report = access.get_report_for(request.user, pk)
        found = report.summary
        cycle, level = found.cycle, found.organization
    else:
        found = _summary_or_404(request.user, cycle_pk, level_pk)
        cycle, level = found.cycle, found.organization
    can_write = access.can_write(request.user, level) and found.state == SummaryState.DRAFT
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST":
        access.check_write(request.user, level)
        if form.is_valid():
            try:
                saved = services.report_save(actor=request.user, summary=found, report=report, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The report is saved."))
                return redirect("yearend:report", pk=saved.pk)
    return render(request, "yearend/report.html", {"cycle": cycle, "level": level, "summary": found,
                                                   "report": report, "form": form, "can_write": can_write})


@login_required
def report_print(request, pk: int):
    """The report as an A4 print page, with the level's figures as its appendix."""
    report = access.get_report_for(request.user, pk)
    return HttpResponse(printing.report_html(report, today=timezone.localdate()))


@login_required
def shortlist(request, cycle_pk: int, level_pk: int):
    """评先表优: the level's candidates with their reasons; propose by the rules, add, remove, submit."""
    cycle, level = access.get_level_for(request.user, cycle_pk, level_pk)
    found = selectors.shortlist_of(cycle=cycle, level=level)
    action = request.POST.get("action", "")
    add_form = CandidateAddForm(request.POST if action == "add" else None)
    if request.method == "POST":
        access.check_write(request.user, level)
        try:
            if action == "propose":
                services.shortlist_propose(actor=request.user, cycle=cycle, level=level)
            elif action == "submit" and found is not None:
                services.shortlist_submit(actor=request.user, shortlist=found)
                messages.success(request, _("The shortlist is submitted to the level above."))
            elif action == "add" and add_form.is_valid():
                if found is None:
                    found = services.shortlist_propose(actor=request.user, cycle=cycle, level=level)
                organization = Organization.objects.filter(code=add_form.cleaned_data["code"].strip()).first()
                if organization is None:
                    raise ValidationError({"code": _("No organization has this code.")})
                services.candidate_add(actor=request.user, shortlist=found, organization=organization,
                                       reason=add_form.cleaned_data["reason"])
            elif action != "add":
                raise Http404
        except ValidationError as error:
            if action == "add":
                if hasattr(error, "error_dict") and "organization" in error.error_dict:
                    error = ValidationError({"code": error.error_dict.pop("organization"), **error.error_dict})
                add_service_errors(add_form, error)
            else:
                for message in error.messages:
                    messages.error(request, message)
        else:
            if not add_form.errors:
                return redirect("yearend:shortlist", cycle_pk=cycle.pk, level_pk=level.pk)
    return render(request, "yearend/shortlist.html", {
        "cycle": cycle, "level": level, "shortlist": found, "rows": selectors.candidate_rows(found),
        "can_write": access.can_write(request.user, level)
        and (found is None or found.state == ShortlistState.DRAFT),
        "add_form": add_form, "remove_form": ReasonForm(),
        "rules": selectors.rule_lines(found.rules if found else selectors.settings_of(cycle).commendation_rules)})


@login_required
@require_POST
def candidate_remove(request, pk: int):
    """Take a candidate off the shortlist, with the reason."""
    candidate = access.get_candidate_for(request.user, pk)
    level = candidate.shortlist.organization
    access.check_write(request.user, level)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the reason for removing it."))
        services.candidate_remove(actor=request.user, candidate=candidate, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("yearend:shortlist", cycle_pk=candidate.shortlist.cycle_id, level_pk=level.pk)


@login_required
def shortlist_xlsx(request, cycle_pk: int, level_pk: int):
    """The shortlist as .xlsx: each candidate, how it came on, its reasons, and those removed with why."""
    cycle, level = access.get_level_for(request.user, cycle_pk, level_pk)
    found = selectors.shortlist_of(cycle=cycle, level=level)
    title = f"{level.name}{cycle.year}年度评先表优推荐名单"
    table = selectors.shortlist_table(found, title=title)
    return _attachment(exports.tables_xlsx([table], title=title), f"{title}.xlsx", XLSX)


@login_required
def job_detail(request, pk: int):
    job = access.get_summary_job_for(request.user, pk)
    return render(request, "yearend/job.html", {"job": job, "status": job_status(job)})


@login_required
def job_progress(request, pk: int):
    job = access.get_summary_job_for(request.user, pk)
    return http.job_progress(request, job, page_url=reverse("yearend:job", args=(job.pk,)),
                             template="yearend/_job_progress.html", context={"job": job, "status": job_status(job)})


@login_required
def job_download(request, pk: int):
    job = access.get_summary_job_for(request.user, pk)
    if job.state != SummaryJob.State.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), filename=job.filename, content_type="application/pdf")
