"""Pages of the ledger (台账): the ledger of a cycle under one organization with its roll-up (its
rectification columns read off the plans, each linked to its plan's page), and the import — upload a file, see every problem by row and
column, confirm, see the result.

Imports, exports and PDFs are jobs run by a worker (ledgers.jobs): a job's page shows a progress bar
that polls ``job_progress`` every second, and an export answers with its file when the worker writes
it within two seconds. Rules live in ledgers.services and ledgers.importing; views parse, authorize,
call one function, render.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core import http
from core import jobs as core_jobs
from core.forms import add_service_errors
from core.http import refused
from cycles import selectors as cycle_selectors
from ledgers import access, exports, jobs, layouts, printing, selectors
from ledgers.forms import ImportForm, LedgerFilterForm, ledger_filters
from ledgers.models import LedgerJob
from orgs import access as org_access
from orgs.models import Organization


def _levels(user, level: Organization) -> list[Organization]:
    """The page's level and its subordinate levels (those with subordinates of their own) the user may import into."""
    below = Organization.objects.subtree(level.path).active().filter(children_count__gt=0).exclude(pk=level.pk)
    return [level] + [org for org in below.order_by("path")[:500] if access.can_import(user, org)]


@login_required
def import_start(request, cycle_pk: int, org_pk: int):
    """导入台账: upload a file; its check runs at once and the job page lists what it found."""
    cycle, level = access.get_ledger_for(request.user, cycle_pk, org_pk)
    access.check_import(request.user, cycle, level)
    levels = _levels(request.user, level)
    form = ImportForm(request.POST or None, request.FILES or None, levels=levels, initial={"level": level.pk})
    if request.method == "POST" and form.is_valid():
        chosen = form.levels[form.cleaned_data["level"]]
        try:
            job = jobs.ledger_import_start(actor=request.user, cycle=cycle, level=chosen,
                                                upload=form.cleaned_data["file"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("ledgers:job", pk=job.pk)
    return render(request, "ledgers/import.html", {"cycle": cycle, "level": level, "form": form,
                                                   "ledger_url": reverse("ledgers:ledger", args=(cycle.pk, level.pk))})


PROBLEMS_SHOWN = 500  # a wrong file of 100,000 rows has as many problems: the page lists the first ones


def _job_context(job: LedgerJob, user) -> dict:
    status = core_jobs.job_status(job)
    counts = job.result.get("counts", {}) if job.result else {}
    preview = (job.result or {}) if job.stage == "preview" else {}  # what a check found beside its problems
    return {
        "job": job, "status": status, "done": status.done, "total": status.total, "percent": status.percent,
        "counts": counts, "problems": job.problems[:PROBLEMS_SHOWN],
        "problems_left": max(0, len(job.problems) - PROBLEMS_SHOWN), "blocking": job.blocking_problems,
        "changes": preview.get("changes", []), "changes_left": preview.get("changes_left", 0),
        "ignored": preview.get("ignored", []),
        "warnings": len(job.problems) - job.blocking_problems,
        "ledger_url": reverse("ledgers:ledger", args=(job.cycle_id, job.organization_id)) if job.cycle_id else "",
        "can_confirm": (job.kind == LedgerJob.Kind.IMPORT and job.stage == "preview" and job.state == LedgerJob.State.DONE
                        and not job.blocking_problems and job.created_by_id == user.pk),
    }


@login_required
def job_detail(request, pk: int):
    """An import's check (problems, summary, 确认导入) or its result; a progress bar while it runs."""
    job = access.get_ledger_job_for(request.user, pk)
    return render(request, "ledgers/import_job.html", _job_context(job, request.user))


@login_required
def job_progress(request, pk: int):
    """The progress bar alone, polled every second; once the job ends, the page reloads to show the result."""
    job = access.get_ledger_job_for(request.user, pk)
    return http.job_progress(request, job, page_url=reverse("ledgers:job", args=(job.pk,)),
                        template="ledgers/_progress.html", context=_job_context(job, request.user))


@login_required
@require_POST
def import_confirm(request, pk: int):
    """确认导入: every row in one transaction, or nothing."""
    job = access.get_ledger_job_for(request.user, pk)
    try:
        job = jobs.ledger_import_confirm(actor=request.user, job=job)
    except ValidationError as error:
        context = _job_context(job, request.user)
        context["confirm_errors"] = error.messages
        return render(request, "ledgers/import_job.html", context, status=400)
    return redirect("ledgers:job", pk=job.pk)


# The ledger ------------------------------------------------------------------------------------

PAGE_SIZE = 100
MAX_PAGE = 100_000  # beyond the last page the page is empty; a number past this would overflow the query


@login_required
def ledger(request, cycle_pk: int, org_pk: int):
    """The ledger's rows under the organization with the page's filters, 100 to a page, and the level's roll-up."""
    cycle, organization = access.get_ledger_for(request.user, cycle_pk, org_pk)
    filter_form = LedgerFilterForm(request.GET, grades=cycle_selectors.cycle_grades(cycle))
    try:
        filters = filter_form.filters()
    except ValidationError as error:
        return refused(request, error)
    try:
        page_number = min(max(1, int(request.GET.get("page", 1))), MAX_PAGE)
    except ValueError:
        page_number = 1
    rows, total = selectors.ledger_page(cycle=cycle, organization=organization, filters=filters,
                                        offset=(page_number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    counts = cycle_selectors.level_summary(user=request.user, cycle=cycle, level=organization)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "ledgers/ledger.html", {
        "cycle": cycle,
        "organization": organization,
        "filter_form": filter_form,
        "rows": rows,
        "total": total,
        "page_number": page_number,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "query": query.urlencode(),
        "forms": layouts.FORMS.values(),
        "can_import": access.can_import(request.user, organization),
        # The level above, linked only for those who may see it (a branch's secretary may not).
        "parent_visible": bool(organization.parent_id) and organization.pk != cycle.owner_id
        and org_access.can_view(request.user, organization.parent),
        **cycle_selectors.summary_tables(cycle=cycle, counts=counts),
    })


# Official forms: print pages, PDFs, .xlsx ------------------------------------------------------


def _form(slug: str) -> layouts.Form:
    form = layouts.FORMS.get(slug)
    if form is None:
        raise Http404
    return form


@require_GET
@login_required
def print_form(request, cycle_pk: int, org_pk: int, form: str):
    form = _form(form)
    cycle, level = access.get_ledger_for(request.user, cycle_pk, org_pk)
    try:
        filters = ledger_filters(request.GET, grades=cycle_selectors.cycle_grades(cycle))
    except ValidationError as error:
        return refused(request, error)
    # A PDF is laid out by a worker (within two seconds it comes at once); one longer than a print
    # page holds gets the page below, which says so.
    if request.GET.get("format") == "pdf" and printing.form_rows_total(
            form, cycle=cycle, level=level, filters=filters) <= printing.PRINT_ROW_LIMIT:
        job = jobs.pdf_export_start(actor=request.user, cycle=cycle, level=level, form=form, filters=filters)
        return _file_or_job_page(job)
    tables = printing.form_tables(form, cycle=cycle, level=level, filters=filters,
                                  meta=printing.form_meta(cycle=cycle, level=level))
    query = request.GET.copy()
    query.pop("format", None)
    context = {"form": form, "forms": layouts.FORMS.values(), "cycle": cycle, "level": level,
               "query": query.urlencode(), "limit": layouts.MEASURES_LIMIT}
    try:
        sheets = printing.print_tables(tables)  # reads the rows: the tables' counts are known after
    except printing.TooManyRows:  # the page says so, with the .xlsx link and the filters kept
        return render(request, "ledgers/print/page.html",
                      {**context, "sheets": [], "too_many": printing.PRINT_ROW_LIMIT})
    context.update(sheets=sheets, cut_cells=sum(table.stats.cut_cells for table in tables),
                   rows=sum(table.stats.rows for table in tables))
    return render(request, "ledgers/print/page.html", context)


def _file_or_job_page(job: LedgerJob):
    """The export's file when the worker writes it within two seconds, else the job's page (a progress bar)."""
    job = core_jobs.job_wait(job, jobs.EXPORT_WAIT_SECONDS)
    if job.state == LedgerJob.State.DONE:
        return exports.export_response(job)
    return redirect("ledgers:job", pk=job.pk)


@require_GET
@login_required
def download_form(request, cycle_pk: int, org_pk: int, form: str):
    """The form as .xlsx, with the page's filters; the ledger (附件二) adds the 组织代码 column so the file
    re-imports by code (``?code=0`` leaves it out). Written within two seconds, the file comes at once;
    longer, the job's page shows a progress bar and then the download link."""
    form = _form(form)
    cycle, level = access.get_ledger_for(request.user, cycle_pk, org_pk)
    try:
        filters = ledger_filters(request.GET, grades=cycle_selectors.cycle_grades(cycle))
    except ValidationError as error:
        return refused(request, error)
    job = jobs.ledger_export_start(actor=request.user, cycle=cycle, level=level, form=form,
                                   filters=filters, code_column=request.GET.get("code") != "0")
    return _file_or_job_page(job)


@login_required
def job_problems(request, pk: int):
    """An import's problems, every one, as .xlsx."""
    return exports.problems_response(access.get_ledger_job_for(request.user, pk))


@login_required
def job_download(request, pk: int):
    """The file an export job wrote, for those who may see the job."""
    return exports.export_response(access.get_ledger_job_for(request.user, pk))
