"""Exports of the official forms as .xlsx and as PDF, run as ledger jobs: a form that takes more than
two seconds to write shows a progress bar (rows read of rows in all, for an .xlsx) and then a
download link. Every .xlsx is written with XlsxWriter (ledgers.layouts.xlsx), text always as text."""

import io
import tempfile
import threading
from urllib.parse import quote

from django.core.files import File
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from core.xlsx import new_workbook, text
from ledgers import jobs, layouts, printing
from ledgers.models import LedgerJob
from ledgers.selectors import LedgerFilters

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_file_name(form: layouts.Form, level) -> str:
    return f"{level.name}-{form.title.split(' ', 1)[-1]}.xlsx"


def ledger_export_start(*, actor, cycle, level, form: layouts.Form, filters: LedgerFilters, code_column: bool = True,
                        wait: float | None = None) -> LedgerJob:
    """Write the form for the level with the page's filters; returns the job once the file is written or
    after ``wait`` seconds (two by default). The caller has checked access to the cycle and the level."""
    name = export_file_name(form, level)
    job = LedgerJob.objects.create(kind=LedgerJob.Kind.EXPORT, created_by=actor, organization=level, cycle=cycle,
                                   filename=name)

    def work(progress) -> dict:
        total = printing.form_rows_total(form, cycle=cycle, level=level, filters=filters)
        read = [0]

        def counted() -> None:
            read[0] += 1
            progress(read[0], total)

        tables = printing.form_tables(form, cycle=cycle, level=level, filters=filters, code_column=code_column,
                                      meta=printing.form_meta(cycle=cycle, level=level), counted=counted)
        with tempfile.TemporaryFile() as output:  # a 100,000-row ledger is written to disk, not to memory
            result = layouts.write_tables(tables, output)
            output.seek(0)
            job.file.save(name, File(output), save=False)
        LedgerJob.objects.filter(pk=job.pk).update(file=job.file.name)
        progress(total, total)
        return {"rows": result.rows, "cut_cells": result.cut_cells,
                "download_url": reverse("ledgers:job_download", args=(job.pk,))}

    return jobs.job_run(job=job, work=work, stage="export", **({"wait": wait} if wait is not None else {}))


# PDFs laid out at once by one app process: a layout takes a core and, for a county's forms, hundreds of
# MB. Before the PDFs ran as jobs each held a worker; now a click starts a job, and the others wait here.
PDF_LAYOUTS = threading.BoundedSemaphore(1)


def pdf_export_start(*, actor, cycle, level, form: layouts.Form, html: str, wait: float | None = None) -> LedgerJob:
    """Lay out a print page's HTML as a PDF (WeasyPrint takes a few hundred rows a second: a county's
    申报表 can take a minute); returns the job once the PDF is written or after ``wait`` seconds (two by
    default). The caller has checked access to the cycle and the level."""
    name = export_file_name(form, level).removesuffix(".xlsx") + ".pdf"
    job = LedgerJob.objects.create(kind=LedgerJob.Kind.EXPORT, created_by=actor, organization=level, cycle=cycle,
                                   filename=name)

    def work(progress) -> dict:
        with PDF_LAYOUTS:
            pdf = printing.html_to_pdf(html)
        job.file.save(name, ContentFile(pdf), save=False)
        LedgerJob.objects.filter(pk=job.pk).update(file=job.file.name)
        return {"download_url": reverse("ledgers:job_download", args=(job.pk,))}

    return jobs.job_run(job=job, work=work, stage="export", **({"wait": wait} if wait is not None else {}))


def export_response(job: LedgerJob) -> FileResponse:
    """The file an export job wrote (a PDF shown, an .xlsx downloaded); 404 while it runs, when it
    failed, or for an import."""
    if job.kind != LedgerJob.Kind.EXPORT or job.state != LedgerJob.State.DONE or not job.file:
        raise Http404
    pdf = job.filename.endswith(".pdf")
    response = FileResponse(job.file.open("rb"), as_attachment=not pdf, filename=job.filename,
                            content_type="application/pdf" if pdf else XLSX)
    response["X-Jinwei-Rows"] = str(job.result.get("rows", ""))
    response["X-Jinwei-Cut-Cells"] = str(job.result.get("cut_cells", ""))  # measures cut to 150 characters
    return response


def problems_response(job: LedgerJob) -> HttpResponse:
    """Every problem an import's check found, as an .xlsx to correct the file by (the page lists the
    first ones): row, column, problem, and whether it blocks the import."""
    if job.kind != LedgerJob.Kind.IMPORT or not job.problems:
        raise Http404
    output = io.BytesIO()
    book = new_workbook(output)
    sheet = book.add_worksheet(_("Problems found"))
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for column, width in enumerate((8, 24, 80, 10)):
        sheet.set_column(column, column, width, wrap)
    sheet.write_row(0, 0, [_("Row"), _("Column"), _("Problem"), _("Blocks the import")], book.add_format({"bold": True}))
    for number, problem in enumerate(job.problems, start=1):
        column = f"{problem['column']}（{problem['header']}）" if problem.get("header") else problem.get("column", "")
        if problem.get("row") is not None:
            sheet.write_number(number, 0, problem["row"])
        sheet.write_string(number, 1, text(column))
        sheet.write_string(number, 2, text(problem["message"]))
        sheet.write_string(number, 3, _("yes") if problem.get("blocking", True) else _("no"))
    book.close()
    response = HttpResponse(output.getvalue(), content_type=XLSX)
    name = job.filename.rsplit(".", 1)[0] or "ledger"
    response["Content-Disposition"] = f"attachment; filename*=utf-8''{quote(name + '-' + _('Problems found') + '.xlsx')}"
    return response
