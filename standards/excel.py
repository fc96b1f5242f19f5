"""A standard's structure as an Excel sheet people edit, and back.

``standard_to_xlsx`` writes one worksheet laid out like the official table (title, issuer line,
header row, one row per item with the indicator merged over its items, a 合计 row, then the
直接定为后进情形 section). ``standard_from_xlsx`` reads such a sheet back, forgiving of what people
do in Excel (rows and columns moved, cells merged or repeated, numbers typed as full-width text)
and naming the cell of every problem. Both are pure conversions: nothing is saved here, callers
pass the result to ``standards.services``.

The sheet's own headers and titles are fixed Chinese text (the official table), not translated
strings; the error messages are translated.
"""

import math
import os
import tempfile
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from io import BytesIO
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_col_to_name

from core.workbooks import WORKBOOK_SUFFIXES, Limits, UnreadableWorkbook, column_letter, workbook_read
from core.xlsx import new_workbook, text
from standards.choices import DeductionKind, VetoTrigger
from standards.structure import IndicatorData, ItemData, StandardData, VetoData, validate

SHEET_TITLE = "评价标准"
TOTAL_LABEL = "合计"
VETO_SECTION_TITLE = "直接定为后进情形"

# Item columns as written: (key, header, width). Reading finds them by header, in any order.
ITEM_COLUMNS = (
    ("indicator", "指标", 16),
    ("code", "编号", 8),
    ("text", "评分要点", 42),
    ("max_points", "分值", 8),
    ("deduction_kind", "扣分方式", 11),
    ("deduction_points", "每次扣分", 11),
    ("guidance", "评分说明", 32),
)
ITEM_HEADERS = {key: header for key, header, _width in ITEM_COLUMNS}
REQUIRED_ITEM_KEYS = ("indicator", "code", "text", "max_points", "deduction_kind", "deduction_points")
LAST_COLUMN = len(ITEM_COLUMNS)

# Veto columns as written: (key, header, first column, last column); 情形 spans 编号 to 扣分方式.
VETO_COLUMNS = (("number", "序号", 1, 1), ("text", "情形", 2, 5), ("trigger", "触发方式", 6, 6), ("threshold", "阈值", 7, 7))
VETO_HEADERS = {key: header for key, header, _first, _last in VETO_COLUMNS}

DEDUCTION_LABELS = {DeductionKind.PER_OCCURRENCE: "每次扣分", DeductionKind.FIXED: "一次扣分"}
TRIGGER_LABELS = {VetoTrigger.MANUAL: "人工认定", VetoTrigger.SATISFACTION_BELOW: "满意度低于", VetoTrigger.NO_SECRETARY: "无书记"}

# What people type, normalized by ``_label`` (no spaces, half-width, lower case) → the key it means.
ITEM_HEADER_ALIASES = {
    "indicator": ("指标", "评价指标", "考核指标", "指标名称"),
    "code": ("编号", "项目编号", "要点编号"),
    "text": ("评分要点", "评价要点", "考核要点", "评分项目"),
    "max_points": ("分值", "标准分", "满分", "分数"),
    "deduction_kind": ("扣分方式", "扣分方法"),
    "deduction_points": ("每次扣分", "扣分", "扣分分值", "扣分值"),
    "guidance": ("评分说明", "说明", "备注", "评分细则"),
}
VETO_HEADER_ALIASES = {
    "number": ("序号",),
    "text": ("情形", "后进情形", "直接定为后进情形"),
    "trigger": ("触发方式", "认定方式"),
    "threshold": ("阈值", "满意度阈值"),
}
DEDUCTION_ALIASES = {
    DeductionKind.PER_OCCURRENCE: ("每次扣分", "按次", "按次扣分", "每次", "per_occurrence"),
    DeductionKind.FIXED: ("一次扣分", "固定", "固定扣分", "一次性扣分", "fixed"),
}
TRIGGER_ALIASES = {
    VetoTrigger.MANUAL: ("人工认定", "人工", "manual"),
    VetoTrigger.SATISFACTION_BELOW: ("满意度低于", "满意度", "satisfaction_below"),
    VetoTrigger.NO_SECRETARY: ("无书记", "没有书记", "无党组织书记", "no_secretary"),
}
TOTAL_LABELS = ("合计", "总计", "总分")
NOTE_PREFIXES = ("注:", "备注:", "说明:")

CENTERED_KEYS = {"indicator", "code", "max_points", "deduction_kind", "deduction_points"}
LINE_HEIGHT = 15  # points per line of 11-point text
LIMITS = Limits(max_cells=1_000_000)  # a standard has a hundred rows or so
BASE = {"font_size": 11, "valign": "vcenter", "text_wrap": True}
TITLE_FORMAT = {"font_size": 16, "bold": True, "align": "center", "valign": "vcenter"}
HEADER_FORMAT = {**BASE, "bold": True, "align": "center", "border": 1, "bg_color": "#F2F2F2", "pattern": 1}


# ---------------------------------------------------------------- writing


class _Formats:
    def __init__(self, workbook):
        add = workbook.add_format
        self.title = add(TITLE_FORMAT)
        self.line = add(BASE)
        self.header = add(HEADER_FORMAT)
        self.left = add({**BASE, "border": 1})
        self.center = add({**BASE, "border": 1, "align": "center"})
        self.code = add({**BASE, "border": 1, "align": "center", "num_format": "@"})  # "1.10" stays text when edited
        self.bold_center = add({**BASE, "border": 1, "align": "center", "bold": True})
        self.share = add({**BASE, "border": 1, "align": "center", "num_format": "0%"})


def standard_to_xlsx(*, title: str, issuer_name: str, sector_label: str, year: int, data: StandardData) -> bytes:
    """The standard as an .xlsx file people can edit and send back to ``standard_from_xlsx``."""
    output = BytesIO()
    workbook = new_workbook(output, constant_memory=False)  # a page or two, merged down its indicators
    workbook.set_properties({"title": title})
    formats = _Formats(workbook)
    sheet = workbook.add_worksheet(SHEET_TITLE)
    for column, (_key, _header, width) in enumerate(ITEM_COLUMNS):
        sheet.set_column(column, column, width)
    last = LAST_COLUMN - 1

    sheet.set_row(0, 30)
    sheet.merge_range(0, 0, 0, last, text(title), formats.title)
    sheet.merge_range(1, 0, 1, last, text(f"发布单位：{issuer_name}　领域：{sector_label}　年度：{year}"), formats.line)

    header_row = 2
    for column, (_key, header, _width) in enumerate(ITEM_COLUMNS):
        sheet.write_string(header_row, column, header, formats.header)

    row = header_row + 1
    first_item_row = row
    for indicator in data.indicators:
        group_start = row
        for item in indicator.items:
            values = {"indicator": indicator.name, "code": item.code, "text": item.text, "max_points": item.max_points,
                      "deduction_kind": DEDUCTION_LABELS.get(item.deduction_kind, item.deduction_kind),
                      "deduction_points": item.deduction_points, "guidance": item.guidance}
            for column, (key, _header, _width) in enumerate(ITEM_COLUMNS):
                cell_format = formats.code if key == "code" else formats.center if key in CENTERED_KEYS else formats.left
                _write(sheet, row, column, values[key], cell_format)
            _fit_height(sheet, row, [(width, values[key]) for key, _h, width in ITEM_COLUMNS if key != "indicator"])
            row += 1
        if row - group_start > 1:
            sheet.merge_range(group_start, 0, row - 1, 0, text(indicator.name), formats.center)
    last_item_row = row - 1

    points = _column_of("max_points")
    sheet.merge_range(row, 0, row, points - 1, TOTAL_LABEL, formats.bold_center)
    if last_item_row >= first_item_row:
        column = xl_col_to_name(points)
        total = sum((item.max_points for indicator in data.indicators for item in indicator.items), Decimal(0))
        # The total as a formula that follows the items people change, with its value for readers that do not compute.
        sheet.write_formula(row, points, f"=SUM({column}{first_item_row + 1}:{column}{last_item_row + 1})",
                            formats.bold_center, _number(total))
    else:
        sheet.write_number(row, points, 0, formats.bold_center)
    for column in range(points + 1, LAST_COLUMN):
        sheet.write_blank(row, column, None, formats.left)

    kind = _column_of("deduction_kind")
    _add_list_validation(sheet, DEDUCTION_LABELS.values(), (first_item_row, kind, last_item_row, kind),
                         first_item_row <= last_item_row)

    row += 2  # one blank row before the veto section
    sheet.merge_range(row, 0, row, last, VETO_SECTION_TITLE, formats.bold_center)
    row += 1
    for _key, header, first, end in VETO_COLUMNS:
        if end > first:
            sheet.merge_range(row, first - 1, row, end - 1, header, formats.header)
        else:
            sheet.write_string(row, first - 1, header, formats.header)
    first_veto_row = row + 1
    for number, veto in enumerate(data.vetoes, start=1):
        row += 1
        values = {"number": number, "text": veto.text, "trigger": TRIGGER_LABELS.get(veto.trigger, veto.trigger),
                  "threshold": veto.threshold}
        for key, _header, first, end in VETO_COLUMNS:
            cell_format = formats.share if key == "threshold" else formats.left if key == "text" else formats.center
            if end > first:
                sheet.merge_range(row, first - 1, row, end - 1, "", cell_format)
            _write(sheet, row, first - 1, values[key], cell_format)
        _fit_height(sheet, row, [(sum(width for _k, _h, width in ITEM_COLUMNS[1:5]), veto.text)])
    trigger = VETO_COLUMNS[2][2] - 1
    _add_list_validation(sheet, TRIGGER_LABELS.values(), (first_veto_row, trigger, row, trigger), first_veto_row <= row)

    sheet.freeze_panes(header_row + 1, 0)
    sheet.repeat_rows(header_row)
    sheet.set_paper(9)  # A4
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)  # as many pages down as needed
    sheet.center_horizontally()
    workbook.close()
    return output.getvalue()


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _write(sheet, row: int, column: int, value, cell_format) -> None:
    """A value as a number or as text (never as a formula, whatever it starts with)."""
    if value is None or value == "":
        sheet.write_blank(row, column, None, cell_format)
    elif isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        sheet.write_number(row, column, _number(Decimal(value)), cell_format)
    else:
        sheet.write_string(row, column, text(str(value)), cell_format)


def _column_of(key: str) -> int:
    """The 0-based column of an item key."""
    return next(n for n, (k, _h, _w) in enumerate(ITEM_COLUMNS) if k == key)


def _add_list_validation(sheet, choices: Iterable[str], cells: tuple[int, int, int, int], any_rows: bool) -> None:
    """A drop-down of the fixed choices, refusing anything else typed in."""
    if not any_rows:
        return
    choices = list(choices)
    sheet.data_validation(*cells, {"validate": "list", "source": choices, "error_title": "请从列表中选择",
                                   "error_message": f"请选择：{'、'.join(choices)}"})


def _display_width(value: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in value)


def _fit_height(sheet, row: int, cells: list[tuple[float, object]]) -> None:
    """Set a row tall enough for its wrapped text, from (column width, value); Excel does not grow
    rows of a generated file itself."""
    lines = 1
    for width, value in cells:
        if value is None:
            continue
        usable = max(width - 1, 1)
        lines = max(lines, sum(max(1, math.ceil(_display_width(part) / usable)) for part in str(value).split("\n")))
    if lines > 1:
        sheet.set_row(row, LINE_HEIGHT * lines + 3)


# ---------------------------------------------------------------- reading


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
