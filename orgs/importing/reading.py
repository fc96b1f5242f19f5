"""Reading an organization list (.xlsx, .xls, .csv in UTF-8 or GB18030) into rows: no database.

The file is read by core.workbooks in a process of its own under memory and time limits. The
header is the row among the first ones where most cells name a column (``columns.HEADER_INDEX``),
below titles and merged cells; the row above joins it when it names columns too (a two-row header).
A row holding only a name is a group row ("土市乡"): the rows under it that name no parent belong to
it. A name indented with spaces belongs to the nearest row above that is indented less.
"""

import datetime
import itertools
import tempfile
from dataclasses import dataclass, field
from pathlib import PurePath

from django.utils.translation import gettext as _

from core.workbooks import SUFFIXES, Limits, UnreadableWorkbook, column_letter, workbook_read
from orgs.importing.columns import COLUMNS_BY_KEY, HEADER_INDEX, squeeze

HEADER_SCAN_ROWS = 30
TOTAL_WORDS = frozenset({"合计", "小计", "总计", "共计"})
NOTE_PREFIXES = ("说明", "注：", "注:", "备注", "填表人", "填报人", "制表", "审核人", "填表说明")
# A province's list: 1,000,000 organizations, about 60 MB as .xlsx; imported by its department only.
LIMITS = Limits(max_bytes=200 * 1024**2, max_rows=1_100_000, max_cells=20_000_000)
NAME_KEYS = frozenset({"name", "short_name", "code", "parent_code", "parent", "secretary", "first_secretary"})


@dataclass
class Problem:
    """One thing wrong, at a row (1-based, as the spreadsheet shows it) and a column."""

    message: str
    row: int | None = None
    column: str = ""
    header: str = ""
    blocking: bool = True

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "header": self.header, "message": self.message,
                "blocking": self.blocking}


@dataclass(slots=True)
class TreeRow:
    """One organization's row: its filled cells by column key, the indentation of its name, and the
    group row above it (its name and row number)."""

    number: int
    values: dict
    indent: int = 0
    group: str = ""
    group_row: int | None = None


@dataclass
class TreeReading:
    sheet: str = ""
    header_rows: list[int] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    rows: list[TreeRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def letter(self, key: str) -> str:
        return column_letter(self.columns[key]) if key in self.columns else ""

    def problem(self, message: str, *, row: int | None = None, key: str = "", blocking: bool = True) -> Problem:
        found = Problem(str(message), row=row, column=self.letter(key) if key else "",
                        header=COLUMNS_BY_KEY[key].header if key else "", blocking=blocking)
        self.problems.append(found)
        return found

    @property
    def blocking(self) -> int:
        return sum(problem.blocking for problem in self.problems)


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value)


def _matches(row: list, index: dict[str, str]) -> dict[int, str]:
    found: dict[int, str] = {}
    for column, value in enumerate(row):
        key = index.get(squeeze(cell_text(value)))
        if key is not None and key not in found.values():
            found[column] = key
    return found


def find_header(grid: list[list], index: dict[str, str] = HEADER_INDEX) -> tuple[list[int], dict[str, int]]:
    """The header rows (0-based) and key → column index; ([], {}) when no row names two columns.
    ``index``: the wordings of the columns (a squeezed header → its key)."""
    best, best_count = None, 1
    for number, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        count = len(_matches(row, index))
        if count > best_count:
            best, best_count = number, count
    if best is None:
        return [], {}
    rows = [best]
    if best > 0 and len(_matches(grid[best - 1], index)) >= 1 and len(grid[best - 1]) > 1 \
            and sum(1 for value in grid[best - 1] if squeeze(cell_text(value))) > 1:
        rows.insert(0, best - 1)
    columns: dict[str, int] = {}
    for number in reversed(rows):  # the lower row's sub-headers name the column
        for column, key in _matches(grid[number], index).items():
            if key not in columns and column not in columns.values():
                columns[key] = column
    return rows, columns


def _indent(value) -> int:
    if not isinstance(value, str):
        return 0
    stripped = value.lstrip(" \u3000\t")
    head = value[: len(value) - len(stripped)]
    return head.count(" ") + 2 * head.count("\u3000") + 4 * head.count("\t")


def _value(key: str, value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        if key in NAME_KEYS or key in ("kind", "sector"):
            return cell_text(value)
        return int(value) if float(value).is_integer() else value
    text = str(value)
    if key in NAME_KEYS:
        return "".join(text.split()) if key != "name" else " ".join(text.replace("\u3000", " ").split())
    return text.strip()


def rows_of(sheet_rows, reading: TreeReading, start: int):
    """The data rows from the sheet's rows under the header (``start``: the first data row, 0-based)."""
    columns = list(reading.columns.items())
    mapped = set(reading.columns.values())
    name_index = reading.columns.get("name")
    group, group_row = "", None
    for number, raw in enumerate(sheet_rows, start=start + 1):
        values = {}
        for key, index in columns:
            if index < len(raw) and (value := _value(key, raw[index])) not in ("", None):
                values[key] = value
        outside = [raw[index] for index in range(len(raw)) if index not in mapped and squeeze(cell_text(raw[index]))]
        if not values and not outside:
            continue
        first = squeeze(cell_text(next((raw[i] for i in range(len(raw)) if squeeze(cell_text(raw[i]))), "")))
        if first.startswith(NOTE_PREFIXES):
            break
        if values.get("name") in TOTAL_WORDS or first in TOTAL_WORDS:
            continue
        if set(values) == {"name"} and not outside and "code" in reading.columns:
            group, group_row = values["name"], number  # a group row: 土市乡 above its branches
            continue
        indent = _indent(raw[name_index]) if name_index is not None and name_index < len(raw) else 0
        reading.rows.append(TreeRow(number=number, values=values, indent=indent, group=group, group_row=group_row))


def read_rows(filename: str, content: bytes) -> TreeReading:
    """Read an organization list; problems (unreadable file, no header, no name or code column) are
    in ``problems``, its rows in ``rows``."""
    reading = TreeReading()
    suffix = PurePath(filename or "").suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix if suffix in SUFFIXES else "") as source:
        source.write(content)
        source.flush()
        try:
            workbook = workbook_read(source.name, filename=filename, limits=LIMITS)
        except UnreadableWorkbook as error:
            reading.problem(str(error))
            return reading
    with workbook:
        best = None
        for sheet in workbook.sheets:
            rows = sheet.rows()
            head = list(itertools.islice(rows, HEADER_SCAN_ROWS))
            header_rows, columns = find_header(head)
            if columns and (best is None or len(columns) > len(best[3])):
                best = (sheet, rows, head, columns, header_rows)
            if best is not None and best[0] is sheet:
                break  # the first sheet with a header is the list; the rest are not read
        if best is None:
            reading.problem(_("No header row was found: the file should have column headers (组织代码, 党组织名称, "
                              "上级组织代码, …) above its rows."))
            return reading
        sheet, rest, head, reading.columns, header_rows = best
        reading.sheet = sheet.name
        reading.header_rows = [number + 1 for number in header_rows]
        named = {}
        for number in header_rows:
            for index, value in enumerate(head[number]):
                if text := squeeze(cell_text(value)):
                    named.setdefault(index, text)
        reading.ignored = [f"{column_letter(index)}（{text}）" for index, text in sorted(named.items())
                           if index not in reading.columns.values()]
        for key in ("code", "name"):
            if key not in reading.columns:
                reading.problem(_("Missing column: %(header)s. Every organization needs its official code and its "
                                  "name.") % {"header": COLUMNS_BY_KEY[key].header}, row=reading.header_rows[-1])
        if reading.problems:
            return reading
        start = reading.header_rows[-1]
        rows_of(itertools.chain(head[start:], rest), reading, start)
    if not reading.rows:
        reading.problem(_("The table has no rows under its header: there is nothing to import."),
                        row=reading.header_rows[-1])
    return reading
