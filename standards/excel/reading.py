"""A standard read back from a sheet people edited, naming the cell of every problem."""

import math
import os
import tempfile
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.workbooks import WORKBOOK_SUFFIXES, UnreadableWorkbook, column_letter, workbook_read
from standards.choices import VetoTrigger
from standards.excel.layout import (
    DEDUCTION_ALIASES,
    DEDUCTION_LABELS,
    ITEM_HEADER_ALIASES,
    ITEM_HEADERS,
    LIMITS,
    NOTE_PREFIXES,
    REQUIRED_ITEM_KEYS,
    SHEET_TITLE,
    TOTAL_LABELS,
    TRIGGER_ALIASES,
    TRIGGER_LABELS,
    VETO_COLUMNS,
    VETO_HEADER_ALIASES,
    VETO_HEADERS,
    VETO_SECTION_TITLE,
)
from standards.structure import IndicatorData, ItemData, StandardData, VetoData, validate


def standard_from_xlsx(file) -> StandardData:
    """A standard's structure read from an .xlsx sheet (a path, bytes or an uploaded file).

    Raises ``ValidationError({"file": [...]})``: one message when the file is not a workbook or
    has no header row; otherwise every cell that cannot be read, each named by row and column.
    Only when every cell reads are the structure's own rules (``structure.validate``) checked, so
    a total is never reported over rows that could not be read.
    """
    grid = _open_grid(file)
    header = _find_header(grid, ITEM_HEADER_ALIASES, REQUIRED_ITEM_KEYS)
    if header is None:
        raise ValidationError({"file": [_(
            "No header row found: the sheet needs a row with the columns %(columns)s."
        ) % {"columns": "、".join(ITEM_HEADERS[key] for key in REQUIRED_ITEM_KEYS)}]})
    header_row, item_columns = header
    if missing := [key for key in REQUIRED_ITEM_KEYS if key not in item_columns]:
        raise ValidationError({"file": [_(
            "Row %(row)d looks like the header row but lacks the columns %(columns)s."
        ) % {"row": header_row + 1, "columns": "、".join(ITEM_HEADERS[key] for key in missing)}]})

    veto_section = next((n for n in range(header_row + 1, len(grid)) if _is_veto_section_title(grid[n])), None)
    veto_header = _find_header(grid, VETO_HEADER_ALIASES, ("text", "trigger"), start=header_row + 1)
    items_end = min(n for n in (veto_section, veto_header and veto_header[0], len(grid)) if n is not None)

    problems: list[str] = []
    indicators = _read_items(grid, header_row + 1, items_end, item_columns, problems)
    vetoes: list[VetoData] = []
    if veto_header is not None:
        vetoes = _read_vetoes(grid, veto_header[0] + 1, veto_header[1], problems)
    elif veto_section is not None and any(_has_content(row) for row in grid[veto_section + 1:]):
        problems.append(_("Row %(row)d: the section %(section)s needs a header row with the columns %(columns)s.") % {
            "row": veto_section + 1, "section": VETO_SECTION_TITLE,
            "columns": "、".join(header for _key, header, _f, _l in VETO_COLUMNS)})
    if problems:
        raise ValidationError({"file": problems})

    data = StandardData(indicators=tuple(indicators), vetoes=tuple(vetoes))
    if problems := validate(data):
        raise ValidationError({"file": problems})
    return data


def _not_a_workbook() -> ValidationError:
    return ValidationError({"file": [_(
        "The file could not be read as an Excel workbook (.xlsx). If it is an .xls or CSV file, "
        "open it in Excel, save it as .xlsx and upload it again."
    )]})


def _open_grid(file) -> list[list]:
    """The values of the sheet holding the standard: the one named 评价标准, else the first with a
    header row, else the first. Read by core.workbooks in a process of its own; .xls and .ods read too."""
    if isinstance(file, str | os.PathLike):
        return _grid_of(file, os.fspath(file))
    suffix = PurePath(getattr(file, "name", "") or "").suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix if suffix in WORKBOOK_SUFFIXES else ".xlsx") as copy:
        if isinstance(file, bytes | bytearray):
            copy.write(file)
        else:
            file.seek(0)
            for chunk in file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(1 << 20), b""):
                copy.write(chunk)
        copy.flush()
        return _grid_of(copy.name, copy.name)


def _grid_of(path: str, filename: str) -> list[list]:
    try:
        workbook = workbook_read(path, filename=filename if PurePath(filename).suffix.lower() in WORKBOOK_SUFFIXES
                                 else "standard.xlsx", limits=LIMITS)
    except UnreadableWorkbook as error:
        if error.reason in ("password", "too_far", "too_big", "slow", "server"):
            raise ValidationError({"file": [str(error)]}) from None
        raise _not_a_workbook() from None
    with workbook:
        sheets = sorted(workbook.sheets, key=lambda sheet: _label(sheet.name) != SHEET_TITLE)
        grids = [_grid(sheet) for sheet in sheets]
    if not grids:
        raise _not_a_workbook()
    return next((grid for grid in grids if _find_header(grid, ITEM_HEADER_ALIASES, REQUIRED_ITEM_KEYS)), grids[0])


def _grid(sheet) -> list[list]:
    """The sheet's values, with every cell of a merged range holding the range's value (as people see it)."""
    grid = list(sheet.rows())
    for top, left, bottom, right in sheet.merged:
        if top >= len(grid) or left >= len(grid[top]):
            continue
        value = grid[top][left]
        for row in range(top, min(bottom, len(grid) - 1) + 1):
            cells = grid[row]
            for column in range(left, min(right, len(cells) - 1) + 1):
                cells[column] = value
    return grid


def _label(value) -> str:
    """A cell as a label to compare: half-width, no spaces or line breaks, lower case."""
    if value is None:
        return ""
    return "".join(unicodedata.normalize("NFKC", str(value)).split()).lower()


def _find_header(grid, aliases: dict[str, tuple[str, ...]], required: tuple[str, ...], *, start: int = 0):
    """(row index, {key: column index}) of the first row holding the required labels; or, when none
    does, of the row holding most of them (at least three), so the caller can name what is missing."""
    lookup = {_label(alias): key for key, names in aliases.items() for alias in names}
    best = None
    for index in range(start, len(grid)):
        columns: dict[str, int] = {}
        for column, value in enumerate(grid[index]):
            key = lookup.get(_label(value))
            if key is not None and key not in columns:
                columns[key] = column
        if all(key in columns for key in required):
            return index, columns
        found = sum(key in columns for key in required)
        if found >= 3 and (best is None or found > best[2]):
            best = (index, columns, found)
    return best[:2] if best else None


def _is_veto_section_title(row) -> bool:
    labels = [_label(value) for value in row if _label(value)]
    return bool(labels) and labels[0].startswith(_label(VETO_SECTION_TITLE)) and len(set(labels)) == 1


def _has_content(row) -> bool:
    return any(_label(value) for value in row)


def _is_note(row) -> bool:
    first = next((_label(value) for value in row if _label(value)), "")
    return first.startswith(NOTE_PREFIXES)


def _is_total(row) -> bool:
    return any(_label(value) in TOTAL_LABELS for value in row)


def _cell_text(value, *, single_line: bool) -> str:
    """A text cell as people mean it: no spaces at either end of a line; a single-line field (a name,
    a code) joins lines Excel wrapped by hand, without a space between Chinese characters."""
    if value is None:
        return ""
    if isinstance(value, float):
        value = _number_text(value)
    lines = [line.strip() for line in str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    if not single_line:
        return "\n".join(lines)
    text = ""
    for line in lines:
        if text and (text[-1].isascii() or line[0].isascii()):
            text += " "
        text += " ".join(line.split())
    return text


def _number_text(value: float) -> str:
    """A float as people typed it: 1.1 → "1.1", 2.0 → "2"."""
    text = repr(round(value, 9))
    return text[:-2] if text.endswith(".0") else text


def _to_number(value, *, percent: bool = False) -> Decimal | None:
    """A number from a cell: numbers as they are; text with full-width digits, spaces, a trailing 分
    (or, for a share, a trailing %) read too. None when the cell holds no number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(_number_text(value)) if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    text = _label(value).replace(",", "")
    scale = Decimal(1)
    if percent and text.endswith("%"):
        text, scale = text[:-1], Decimal(100)
    text = text.removesuffix("分")
    if not text or not all(char in "0123456789.+-" for char in text):
        return None
    try:
        number = Decimal(text)
    except ArithmeticError:
        return None
    return number / scale if number.is_finite() else None


def _choice(value, aliases: dict[str, tuple[str, ...]]) -> str | None:
    label = _label(value)
    return next((key for key, names in aliases.items() if label in {_label(name) for name in names}), None)


class _Rows:
    """The cells of one table (item rows or veto rows) by row and column key, and the problems found
    in them, each naming its cell."""

    def __init__(self, grid, columns: dict[str, int], headers: dict[str, str], problems: list[str]):
        self.grid, self.columns, self.headers, self.problems = grid, columns, headers, problems

    def raw(self, row: int, key: str):
        column = self.columns.get(key)
        return self.grid[row][column] if column is not None and column < len(self.grid[row]) else None

    def blank(self, row: int, key: str) -> bool:
        return not _label(self.raw(row, key))

    def report(self, message: str, row: int, key: str, **extra) -> None:
        value = self.raw(row, key)
        self.problems.append(message % {"row": row + 1, "column": column_letter(self.columns[key]),
                                        "header": self.headers[key], "value": "" if value is None else str(value).strip(),
                                        **extra})

    def text(self, row: int, key: str, *, single_line: bool = False, required: bool = True) -> str:
        text = _cell_text(self.raw(row, key), single_line=single_line)
        if required and not text:
            self.report(_("Row %(row)d, column %(column)s (%(header)s): the cell is empty."), row, key)
        return text

    def number(self, row: int, key: str, *, percent: bool = False) -> Decimal | None:
        number = _to_number(self.raw(row, key), percent=percent)
        if number is None and self.blank(row, key):
            self.report(_("Row %(row)d, column %(column)s (%(header)s): the cell is empty."), row, key)
        elif number is None:
            self.report(_('Row %(row)d, column %(column)s (%(header)s): "%(value)s" is not a number.'), row, key)
        return number

    def choice(self, row: int, key: str, aliases: dict[str, tuple[str, ...]], message: str, labels: Iterable[str]):
        choice = _choice(self.raw(row, key), aliases)
        if choice is None and self.blank(row, key):
            self.report(_("Row %(row)d, column %(column)s (%(header)s): the cell is empty."), row, key)
        elif choice is None:
            self.report(message, row, key, choices="、".join(labels))
        return choice


def _read_items(grid, start: int, end: int, columns: dict[str, int], problems: list[str]) -> list[IndicatorData]:
    """Indicators with their items, in the sheet's order; an indicator name carries down to the rows
    below it until another appears, and rows of one name gather into one indicator."""
    cells = _Rows(grid, columns, ITEM_HEADERS, problems)
    groups: dict[str, list[ItemData]] = {}
    current = ""
    for row in range(start, end):
        if not _has_content(grid[row]) or _is_total(grid[row]) or _is_note(grid[row]):
            continue
        current = cells.text(row, "indicator", single_line=True, required=False) or current
        if all(cells.blank(row, key) for key in columns if key != "indicator"):
            continue  # a row naming only the indicator: a group heading
        if not current:
            cells.text(row, "indicator")  # reports the empty cell
        groups.setdefault(current, []).append(ItemData(
            code=cells.text(row, "code", single_line=True),
            text=cells.text(row, "text"),
            max_points=cells.number(row, "max_points"),
            deduction_kind=cells.choice(row, "deduction_kind", DEDUCTION_ALIASES, _(
                'Row %(row)d, column %(column)s (%(header)s): "%(value)s" is not a deduction rule; choose %(choices)s.'
            ), DEDUCTION_LABELS.values()),
            deduction_points=cells.number(row, "deduction_points"),
            guidance=cells.text(row, "guidance", required=False),
        ))
    return [IndicatorData(name, tuple(items)) for name, items in groups.items()]


def _read_vetoes(grid, start: int, columns: dict[str, int], problems: list[str]) -> list[VetoData]:
    """Veto clauses below their header row; an empty 触发方式 means 人工认定, a share may be typed as 60%."""
    cells = _Rows(grid, columns, VETO_HEADERS, problems)
    vetoes = []
    for row in range(start, len(grid)):
        if not _has_content(grid[row]) or _is_note(grid[row]):
            continue
        if all(cells.blank(row, key) for key in ("text", "trigger", "threshold")):
            continue  # only a number in 序号: a row left for another clause
        text = cells.text(row, "text")
        trigger = VetoTrigger.MANUAL if cells.blank(row, "trigger") else cells.choice(
            row, "trigger", TRIGGER_ALIASES,
            _('Row %(row)d, column %(column)s (%(header)s): "%(value)s" is not a trigger; choose %(choices)s.'),
            TRIGGER_LABELS.values())
        threshold = None if cells.blank(row, "threshold") else cells.number(row, "threshold", percent=True)
        vetoes.append(VetoData(text=text, trigger=trigger or "", threshold=threshold))
    return vetoes
