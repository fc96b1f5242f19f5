"""Writing the forms' ``Table``s as .xlsx with XlsxWriter in its constant-memory mode (see ledgers.layouts).

Rows stream to a temporary file one at a time, so a 100,000-row ledger takes the memory of one row.
That mode writes each row once, top to bottom: a cell merged down over two header rows is
recorded (``merge_range`` without a format, which writes its value and nothing else) and styled
while its first row is written; the cells under it are written, blank and styled, with their own
row.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import xlsxwriter

from core.xlsx import new_workbook, text
from ledgers.layouts.forms import (
    FormMeta,
    Group,
    Share,
    Spanned,
    Table,
    _sheet_name,
    close_bodies,
    declaration_tables,
    hunan_ledger_tables,
    hunan_summary_tables,
    roster_tables,
    site_roster_tables,
    site_tally_tables,
    tally_tables,
)

FONT = {"font_name": "宋体", "font_size": 10}
CELL = {**FONT, "border": 1, "valign": "vcenter", "text_wrap": True}


class _Formats:
    """The forms' cell formats, made once per workbook."""

    def __init__(self, workbook: xlsxwriter.Workbook):
        add = workbook.add_format
        self.title = add({"font_name": "黑体", "font_size": 16, "bold": True, "align": "center", "valign": "vcenter",
                          "text_wrap": True})
        self.line = add({**FONT, "align": "left", "valign": "vcenter", "text_wrap": True})
        self.right = add({**FONT, "align": "right", "valign": "vcenter"})
        self.header = add({**CELL, "bold": True, "align": "center"})
        self.left = add({**CELL, "align": "left"})
        self.center = add({**CELL, "align": "center"})
        self.group = add({**CELL, "bold": True, "align": "left"})
        self.share = add({**CELL, "align": "center", "num_format": "0.0%"})


class _SheetWriter:
    """One table on one sheet: title, info line, header, body and notes, row by row."""

    def __init__(self, workbook: xlsxwriter.Workbook, formats: _Formats, table: Table, sheet_name: str):
        self.ws = ws = workbook.add_worksheet(sheet_name)
        self.formats, self.table, self.row = formats, table, -1
        for column, width in enumerate(table.widths):
            ws.set_column(column, column, width)
        ws.set_paper(9)  # A4
        if sum(table.widths) > 110:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.fit_to_pages(1, 0)
        ws.center_horizontally()
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
        first_header = 2 + bool(table.caption)  # 0-based: title, info line, caption
        if table.header_rows:
            ws.repeat_rows(first_header, first_header + table.header_rows - 1)
            ws.freeze_panes(first_header + table.header_rows, 0)

    def next_row(self, height: float | None = None) -> int:
        self.row += 1
        if height:
            self.ws.set_row(self.row, height)
        return self.row

    def cell(self, row: int, column: int, value, cell_format) -> None:
        if value is None or value == "":
            self.ws.write_blank(row, column, None, cell_format)
        elif isinstance(value, str):
            self.ws.write_string(row, column, text(value), cell_format)
        elif isinstance(value, Share):
            self.ws.write_number(row, column, value.fraction, self.formats.share) if value.whole else \
                self.ws.write_blank(row, column, None, self.formats.share)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            self.ws.write_number(row, column, value, cell_format)
        else:
            self.ws.write_string(row, column, text(str(value)), cell_format)

    def merged(self, row: int, column: int, value, cell_format, *, rows: int = 1, columns: int = 1) -> None:
        """A cell spanning ``rows`` × ``columns``: merged while its first row is written (see the module's note)."""
        if rows > 1 or columns > 1:
            self.ws.merge_range(row, column, row + rows - 1, column + columns - 1, "", None)
        self.cell(row, column, value, cell_format)
        for other in range(column + 1, column + columns):
            self.ws.write_blank(row, other, None, cell_format)

    def line(self, value: str, cell_format, height: float | None = None) -> None:
        self.merged(self.next_row(height), 0, value, cell_format, columns=self.table.width)

    def info(self, left: str, right: str) -> None:
        row, half = self.next_row(20), self.table.width // 2
        self.merged(row, 0, left, self.formats.line, columns=half)
        self.merged(row, half, right, self.formats.right, columns=self.table.width - half)

    def header(self) -> None:
        table, header = self.table, self.formats.header
        for offset in range(table.header_rows):
            row, written = self.next_row(30), set()
            for cell in (cell for cell in table.header if cell.row == offset):
                self.merged(row, cell.col, cell.text, header, rows=cell.rowspan, columns=cell.colspan)
                written.update(range(cell.col, cell.col + cell.colspan))
            for column in set(range(table.width)) - written:  # under a cell merged down from above
                self.ws.write_blank(row, column, None, header)

    def body(self) -> None:
        table, formats = self.table, self.formats
        styles = [formats.center if column in table.centered else formats.left for column in range(table.width)]
        group_styles = [formats.group] + [formats.center] * (table.width - 1)
        for values in table.body:
            if isinstance(values, Spanned):
                self.spanned(values)
                continue
            row = self.next_row()
            if isinstance(values, Group):
                values, row_styles = [values.text] + [None] * (table.width - 1), group_styles
            elif len(values) != table.width:
                raise ValueError(f"a row of {len(values)} values in a table of {table.width} columns")
            else:
                row_styles = styles
            for column, value in enumerate(values):
                self.cell(row, column, value, row_styles[column])

    def spanned(self, line: Spanned) -> None:
        row, column = self.next_row(line.height or 24), 0
        for value, span, is_label in line.cells:
            self.merged(row, column, value, self.formats.header if is_label else self.formats.left, columns=span)
            column += span

    def write(self) -> None:
        table = self.table
        self.line(table.title, self.formats.title, height=36)
        self.info(*(table.info or ("", "")))
        if table.caption:
            self.line(table.caption, self.formats.line, height=20)
        self.header()
        self.body()
        if table.footer:
            self.line(table.footer, self.formats.line, height=28)
        for note in table.notes:
            self.line(note, self.formats.line, height=18 * (1 + len(note) // 90))


@dataclass
class WriteResult:
    sheets: int
    rows: int
    cut_cells: int


def write_tables(tables: list[Table], target) -> WriteResult:
    """Write the tables, one sheet each, to ``target`` (a path or a binary file-like object)."""
    workbook = new_workbook(target)
    formats = _Formats(workbook)
    used: set[str] = set()
    try:
        for table in tables:
            _SheetWriter(workbook, formats, table, _sheet_name(table.sheet_name, used)).write()
    finally:
        close_bodies(tables)
    workbook.close()
    return WriteResult(sheets=len(tables), rows=sum(t.stats.rows for t in tables),
                       cut_cells=sum(t.stats.cut_cells for t in tables))


# One function per official table; each returns what it wrote.


def write_hunan_summary(units: list[tuple[str, dict]], meta: FormMeta, target) -> WriteResult:
    return write_tables(hunan_summary_tables(units, meta), target)


def write_hunan_ledger(rows: Iterable, meta: FormMeta, target, *, code_column: bool = True) -> WriteResult:
    return write_tables(hunan_ledger_tables(rows, meta, code_column=code_column), target)


def write_declarations(rows: Iterable, meta: FormMeta, target) -> WriteResult:
    return write_tables(declaration_tables(rows, meta), target)


def write_roster(rows: Iterable, meta: FormMeta, target, *, sector: str = "") -> WriteResult:
    return write_tables(roster_tables(rows, meta, sector=sector), target)


def write_tally(units: list[tuple[str, dict]], meta: FormMeta, target, *, sector: str = "") -> WriteResult:
    return write_tables(tally_tables(units, meta, sector=sector), target)


def write_site_roster(rows: Iterable, meta: FormMeta, target) -> WriteResult:
    return write_tables(site_roster_tables(rows, meta), target)


def write_site_tally(units: list[tuple[str, dict]], meta: FormMeta, target) -> WriteResult:
    return write_tables(site_tally_tables(units, meta), target)
