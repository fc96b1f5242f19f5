"""Exports of the official forms as .xlsx and as PDF (written by ledgers.jobs in a worker): their file
names and the responses that hand over the files they wrote; an import's problems as .xlsx."""

import io
from urllib.parse import quote

from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _

from core.xlsx import new_workbook, text
from ledgers import layouts
from ledgers.models import LedgerJob

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_file_name(form: layouts.Form, level) -> str:
    return f"{level.name}-{form.title.split(' ', 1)[-1]}.xlsx"


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
