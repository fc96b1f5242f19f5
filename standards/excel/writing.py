"""A standard written as an .xlsx sheet laid out like the official table (XlsxWriter)."""

import math
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from io import BytesIO

from xlsxwriter.utility import xl_col_to_name

from core.xlsx import new_workbook, text
from standards.excel.layout import (
    BASE,
    CENTERED_KEYS,
    DEDUCTION_LABELS,
    HEADER_FORMAT,
    ITEM_COLUMNS,
    LAST_COLUMN,
    LINE_HEIGHT,
    SHEET_TITLE,
    TITLE_FORMAT,
    TOTAL_LABEL,
    TRIGGER_LABELS,
    VETO_COLUMNS,
    VETO_SECTION_TITLE,
)
from standards.structure import StandardData


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
