"""Writing the forms' ``Table``s as .xlsx with openpyxl's write-only mode (see ledgers.layouts)."""

from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet.properties import PageSetupProperties

from ledgers.layouts.forms import (
    FormMeta,
    Group,
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

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT = Font(name="宋体", size=10)
BOLD = Font(name="宋体", size=10, bold=True)
TITLE_FONT = Font(name="黑体", size=16, bold=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


class _FixedStyleCell(Cell):
    """A cell reused for every value of a column: its style index is looked up once."""

    __slots__ = ("_style_index",)

    @property
    def style_id(self):
        return self._style_index


def _clean(value):
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _set_value(cell, value) -> None:
    """A value as openpyxl stores it, except that text is always text: a measure typed as
    "=HYPERLINK(…)" must not become a formula in the official file."""
    try:
        cell.value = value
    except IllegalCharacterError:
        cell.value = _clean(value)
    if cell.data_type == "f":
        cell.data_type = "s"


def _placed(cells, row_idx):
    for cell in cells:
        cell.row = row_idx
        yield cell


class _Values(list):
    """A data row's values and the pre-styled cells of its columns (one style per column)."""

    def __init__(self, values, cells):
        super().__init__(values)
        self.cells = cells


class _DataRows:
    """Writes data rows as XML text, the way openpyxl's own writer would write those cells.

    openpyxl (without lxml) builds an element per cell, per inline string and per text and
    serializes each through et_xmlfile: most of an export's time. Data rows hold only text,
    whole numbers and blanks in one style per column, so each row is written as one string to
    the same stream. Anything else, and any XML writer without a plain text stream (lxml's),
    goes through openpyxl's own path with the column's cells. The tests read every written
    file back with a second reader.
    """

    def __init__(self, ws, columns):
        self.ws = ws
        ws._get_writer()
        self.original = ws._writer.write_row
        ws._writer.write_row = self.write_row
        self.refs = {}

    def write_row(self, xf, row, row_idx):
        if not isinstance(row, _Values):
            return self.original(xf, row, row_idx)
        out = getattr(xf, "_file", None)
        parts = None if out is None or row_idx in self.ws.row_dimensions else self.text(row, row_idx)
        if parts is None:  # openpyxl's own path
            cells = row.cells
            for cell, value in zip(cells, row, strict=True):
                _set_value(cell, value)
            return self.original(xf, list(_placed(cells, row_idx)), row_idx)
        out("".join(parts))

    def text(self, row: _Values, row_idx: int) -> list[str] | None:
        parts = [f'<row r="{row_idx}">']
        append = parts.append
        for cell, value in zip(row.cells, row, strict=True):
            head = f'<c r="{cell.column_letter}{row_idx}" s="{cell._style_index}"'
            if value is None or value == "":
                append(head + "/>")
            elif isinstance(value, str):
                if ILLEGAL_CHARACTERS_RE.search(value):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                space = ' xml:space="preserve"' if value != value.strip() else ""
                append(f'{head} t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>')
            elif type(value) is int:
                append(f'{head} t="n"><v>{value}</v></c>')
            else:
                return None
        append("</row>")
        return parts


class _SheetWriter:
    """Rows of one write-only sheet; merges, widths and print set-up around them."""

    def __init__(self, workbook, table: Table, sheet_name: str):
        self.ws = ws = workbook.create_sheet(sheet_name)
        self.table = table
        self.row = 0
        # Cells are passed in already made; openpyxl's own row converter would make a new styled
        # cell per value (and raise and catch an exception for each), the main cost of an export.
        ws._values_to_row = self._place
        for i, width in enumerate(table.widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.orientation = "landscape" if sum(table.widths) > 110 else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.5
        first_header = 3 + bool(table.caption)  # title, info line, caption
        if table.header_rows:
            ws.print_title_rows = f"{first_header}:{first_header + table.header_rows - 1}"
            ws.freeze_panes = f"A{first_header + table.header_rows}"

    @staticmethod
    def _place(cells, row_idx):
        if isinstance(cells, _Values):  # data rows: written as text by _DataRows
            return cells
        return _placed(cells, row_idx)

    def cell(self, col: int, value=None, *, font=FONT, alignment=CENTER, border=True) -> Cell:
        cell = Cell(self.ws, row=1, column=col + 1)
        _set_value(cell, value)
        cell.font, cell.alignment = font, alignment
        if border:
            cell.border = BORDER
        return cell

    def append(self, cells: list, height: float | None = None) -> int:
        self.row += 1
        if height:
            self.ws.row_dimensions[self.row].height = height
        self.ws.append(cells)
        return self.row

    def merge(self, row: int, col: int, rowspan: int = 1, colspan: int = 1) -> None:
        if rowspan > 1 or colspan > 1:
            self.ws.merged_cells.add(f"{get_column_letter(col + 1)}{row}:"
                                     f"{get_column_letter(col + colspan)}{row + rowspan - 1}")

    def line(self, text: str, *, font=FONT, alignment=LEFT, height: float | None = None) -> None:
        row = self.append([self.cell(0, text, font=font, alignment=alignment, border=False)], height)
        self.merge(row, 0, colspan=self.table.width)

    def info(self, left: str, right: str) -> None:
        half = self.table.width // 2
        right_alignment = Alignment(horizontal="right", vertical="center")
        row = self.append([self.cell(0, left, alignment=LEFT, border=False),
                           self.cell(half, right, alignment=right_alignment, border=False)], 20)
        self.merge(row, 0, colspan=half)
        self.merge(row, half, colspan=self.table.width - half)

    def header(self) -> None:
        table = self.table
        grid = [[self.cell(col, None, font=BOLD) for col in range(table.width)] for _ in range(table.header_rows)]
        for cell in table.header:
            grid[cell.row][cell.col].value = cell.text
        first = self.row + 1
        for cells in grid:
            self.append(cells, 30)
        for cell in table.header:
            self.merge(first + cell.row, cell.col, cell.rowspan, cell.colspan)

    def _template(self, col: int, *, font=FONT, alignment=CENTER) -> "_FixedStyleCell":
        cell = _FixedStyleCell(self.ws, row=1, column=col + 1)
        cell.font, cell.border, cell.alignment = font, BORDER, alignment
        cell._style_index = str(Cell.style_id.fget(cell))  # written as the "s" attribute
        return cell

    def body(self) -> None:
        table = self.table
        columns = [self._template(col, alignment=CENTER if col in table.centered else LEFT)
                   for col in range(table.width)]
        group = [self._template(0, font=BOLD, alignment=LEFT)] + [self._template(col) for col in range(1, table.width)]
        _DataRows(self.ws, columns)
        for values in table.body:
            if isinstance(values, Group):
                self.append(_Values([values.text] + [None] * (table.width - 1), group))
            elif isinstance(values, Spanned):
                self.spanned(values)
            else:
                if len(values) != table.width:
                    raise ValueError(f"a row of {len(values)} values in a table of {table.width} columns")
                self.append(_Values(values, columns))

    def spanned(self, line: Spanned) -> None:
        cells, col, spans = [], 0, []
        for text, span, is_label in line.cells:
            cells.append(self.cell(col, text, font=BOLD if is_label else FONT, alignment=CENTER if is_label else LEFT))
            cells += [self.cell(c) for c in range(col + 1, col + span)]
            spans.append((col, span))
            col += span
        row = self.append(cells, line.height or 24)
        for col, span in spans:
            self.merge(row, col, colspan=span)

    def write(self) -> None:
        table = self.table
        self.line(table.title, font=TITLE_FONT, alignment=CENTER, height=36)
        self.info(*(table.info or ("", "")))
        if table.caption:
            self.line(table.caption, height=20)
        self.header()
        self.body()
        if table.footer:
            self.line(table.footer, height=28)
        for note in table.notes:
            self.line(note, height=18 * (1 + len(note) // 90))


@dataclass
class WriteResult:
    sheets: int
    rows: int
    cut_cells: int


def write_tables(tables: list[Table], target) -> WriteResult:
    """Write the tables, one sheet each, to ``target`` (a path or a binary file-like object)."""
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    try:
        for table in tables:
            _SheetWriter(workbook, table, _sheet_name(table.sheet_name, used)).write()
    finally:
        close_bodies(tables)
    workbook.save(target)
    return WriteResult(sheets=len(tables), rows=sum(t.stats.rows for t in tables),
                       cut_cells=sum(t.stats.cut_cells for t in tables))


# One function per official table, as the issue asks; each returns what it wrote.


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
