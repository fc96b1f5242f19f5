"""The ledger's background jobs: an import's check and its commit, and the official forms as .xlsx and
as PDF, each run by a worker process (core.jobs; ``manage.py db_worker``).

A page or the API starts one with a function here, which checks who may (ledgers.access) and the
state of an import, then queues the job's task. The tasks are the functions decorated with ``@task``: their bodies run in the
worker, in the requester's language. PDFs go to a queue of their own ("pdf"), so that a county's
forms being laid out never hold up an import.
"""

import dataclasses
import tempfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from core.jobs import job_execute, job_start
from ledgers import access, exports, importing, layouts, printing
from ledgers.models import LedgerJob
from ledgers.selectors import LedgerFilters

EXPORT_WAIT_SECONDS = 2.0  # a page waits this long for an export's file before it shows the job's page


# Imports --------------------------------------------------------------------------------------


def ledger_import_start(*, actor, cycle, level, upload) -> LedgerJob:
    """Keep the uploaded file in a new import job and queue its check; nothing is written."""
    access.check_import(actor, cycle, level)
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:255]
    job = LedgerJob(kind=LedgerJob.Kind.IMPORT, created_by=actor, organization=level, cycle=cycle, filename=name)
    job.file.save(name or "ledger", upload, save=False)
    return job_start(job, import_preview, stage="preview")


def ledger_import_confirm(*, actor, job: LedgerJob) -> LedgerJob:
    """Queue the import of a checked file that has no blocking problem: every row, or nothing."""
    if job.created_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who uploaded the file may import it."))
    cannot = ValidationError({"job": _("This file cannot be imported now: its check is not finished, "
                                       "or it was imported already.")})
    if job.kind != LedgerJob.Kind.IMPORT or job.stage != "preview" or job.state != LedgerJob.State.DONE:
        raise cannot
    if job.blocking_problems:
        raise ValidationError({"job": _("The file has problems; please correct them and upload it again.")})
    # One step from checked to queued, so that two clicks on 确认导入 import the file once.
    if not LedgerJob.objects.filter(pk=job.pk, stage="preview", state=LedgerJob.State.DONE).update(
            stage="commit", state=LedgerJob.State.QUEUED):
        raise cannot
    job.refresh_from_db()
    return job_start(job, import_commit, stage="commit")


def _content(job: LedgerJob) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


def _preview(job: LedgerJob, progress) -> dict:
    preview = importing.ledger_import_preview(actor=job.created_by, cycle=job.cycle, level=job.organization,
                                              filename=job.filename, content=_content(job), progress=progress)
    changed = [plan for plan in preview.plans if plan.organization or plan.facts is not None or plan.plan is not None]
    return {"counts": preview.counts, "header_rows": preview.reading.header_rows,
            "columns": {key: preview.reading.letter(key) for key in preview.reading.columns},
            "ignored": preview.reading.ignored,
            "problems": preview.problem_dicts(),
            "changes": [{"row": plan.row, "name": plan.graded.name, "fields": importing.plan_changes(plan)}
                        for plan in changed[:importing.CHANGES_LISTED]],
            "changes_left": max(0, len(changed) - importing.CHANGES_LISTED)}


def _commit(job: LedgerJob, progress) -> dict:
    counts = importing.ledger_import_commit(actor=job.created_by, cycle=job.cycle, level=job.organization,
                                            filename=job.filename, content=_content(job), progress=progress)
    return {"counts": counts, "committed": True}


@task(takes_context=True)
def import_preview(context, job_id: int) -> None:
    """An import's check: every problem by row and column, and what each row would change."""
    job_execute(context, LedgerJob, job_id, _preview)


@task(takes_context=True)
def import_commit(context, job_id: int) -> None:
    """An import: the rows and the job's outcome in one transaction, so a worker that dies writes nothing."""
    job_execute(context, LedgerJob, job_id, _commit, atomic=True)


# Exports --------------------------------------------------------------------------------------


def ledger_export_start(*, actor, cycle, level, form: layouts.Form, filters: LedgerFilters,
                        code_column: bool = True) -> LedgerJob:
    """Queue the writing of the form as .xlsx for the level, with the page's filters."""
    access.check_read(actor, cycle, level)
    job = LedgerJob(kind=LedgerJob.Kind.EXPORT, created_by=actor, organization=level, cycle=cycle,
                    filename=exports.export_file_name(form, level))
    return job_start(job, export_xlsx, stage="export", form=form.slug, filters=dataclasses.asdict(filters),
                     code_column=code_column)


def pdf_export_start(*, actor, cycle, level, form: layouts.Form, filters: LedgerFilters) -> LedgerJob:
    """Queue the form's print page as a PDF (WeasyPrint lays out a few hundred rows a second: a
    county's 申报表 can take a minute), on the queue of PDFs."""
    access.check_read(actor, cycle, level)
    job = LedgerJob(kind=LedgerJob.Kind.EXPORT, created_by=actor, organization=level, cycle=cycle,
                    filename=exports.export_file_name(form, level).removesuffix(".xlsx") + ".pdf")
    return job_start(job, export_pdf, stage="export", form=form.slug, filters=dataclasses.asdict(filters))


def _write_xlsx(job: LedgerJob, progress, *, form: layouts.Form, filters: LedgerFilters, code_column: bool) -> dict:
    cycle, level = job.cycle, job.organization
    total = printing.form_rows_total(form, cycle=cycle, level=level, filters=filters)
    read = [0]

    def counted() -> None:
        read[0] += 1
        progress(read[0], total)

    tables = printing.form_tables(form, cycle=cycle, level=level, filters=filters, code_column=code_column,
                                  meta=printing.form_meta(cycle=cycle, level=level), counted=counted)
    with tempfile.TemporaryFile() as output:  # a 100,000-row ledger is written to disk, not to memory
        written = layouts.write_tables(tables, output)
        output.seek(0)
        job.file.save(job.filename, File(output), save=False)
    progress(total, total)
    return {"rows": written.rows, "cut_cells": written.cut_cells,
            "download_url": reverse("ledgers:job_download", args=(job.pk,))}


def _write_pdf(job: LedgerJob, progress, *, form: layouts.Form, filters: LedgerFilters) -> dict:
    cycle, level = job.cycle, job.organization
    tables = printing.form_tables(form, cycle=cycle, level=level, filters=filters,
                                  meta=printing.form_meta(cycle=cycle, level=level))
    try:
        sheets = printing.print_tables(tables)
    except printing.TooManyRows:
        raise ValidationError(_(
            "This form has more than %(too_many)s rows, more than a print page holds. Download the .xlsx, "
            "or narrow the list with the ledger's filters.") % {"too_many": printing.PRINT_ROW_LIMIT}) from None
    html = render_to_string("ledgers/print/page.html", {
        "form": form, "cycle": cycle, "level": level, "sheets": sheets, "pdf": True, "limit": layouts.MEASURES_LIMIT,
        "cut_cells": sum(table.stats.cut_cells for table in tables), "rows": sum(table.stats.rows for table in tables)})
    job.file.save(job.filename, ContentFile(printing.html_to_pdf(html)), save=False)
    return {"download_url": reverse("ledgers:job_download", args=(job.pk,))}


@task(takes_context=True)
def export_xlsx(context, job_id: int, *, form: str, filters: dict, code_column: bool) -> None:
    """An official form as .xlsx, its progress the ledger rows read of rows in all."""
    job_execute(context, LedgerJob, job_id, lambda job, progress: _write_xlsx(
        job, progress, form=layouts.FORMS[form], filters=LedgerFilters(**filters), code_column=code_column))


@task(takes_context=True, queue_name="pdf")
def export_pdf(context, job_id: int, *, form: str, filters: dict) -> None:
    """An official form's print page as a PDF."""
    job_execute(context, LedgerJob, job_id, lambda job, progress: _write_pdf(
        job, progress, form=layouts.FORMS[form], filters=LedgerFilters(**filters)))
