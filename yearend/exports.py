"""The year's end as files: a chart's table as .xlsx or CSV, a summary's tables and a shortlist as .xlsx.
Each is a few dozen rows read from the tallies (a shortlist at most services.MAX_PROPOSED), so they are
written in the request; the PDF, which takes seconds, is a job (yearend.jobs)."""

import csv
import io

from core.xlsx import new_workbook, text
from yearend.selectors import Table


def _sheet_name(title: str) -> str:
    return "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Sheet"


def _write_table(workbook, worksheet, table: Table, top: int = 0) -> int:
    bold = workbook.add_format({"bold": True, "border": 1, "align": "center"})
    cell = workbook.add_format({"border": 1})
    worksheet.write_string(top, 0, text(table.title), workbook.add_format({"bold": True, "font_size": 13}))
    for column, name in enumerate(table.columns):
        worksheet.write_string(top + 1, column, text(str(name)), bold)
    for row_number, row in enumerate(table.rows, start=top + 2):
        for column, value in enumerate(row):
            if isinstance(value, int | float):
                worksheet.write_number(row_number, column, value, cell)
            else:
                worksheet.write_string(row_number, column, text(str(value)), cell)
    worksheet.set_column(0, 0, 24)
    worksheet.set_column(1, max(1, len(table.columns) - 1), 12)
    return top + 2 + len(table.rows) + 1


def tables_xlsx(tables: list[Table], *, title: str = "") -> bytes:
    """Each table on a sheet of its own, titled; ``title`` above the first when given."""
    buffer = io.BytesIO()
    workbook = new_workbook(buffer, constant_memory=False)
    for table in tables:
        worksheet = workbook.add_worksheet(_sheet_name(table.title))
        top = 0
        if title:
            worksheet.write_string(0, 0, text(title), workbook.add_format({"bold": True, "font_size": 15}))
            top = 2
        _write_table(workbook, worksheet, table, top)
    workbook.close()
    return buffer.getvalue()


def table_csv(table: Table) -> bytes:
    """The table as CSV, UTF-8 with a byte-order mark so that Excel opens the Chinese right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(name) for name in table.columns])
    for row in table.rows:
        writer.writerow([str(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")
