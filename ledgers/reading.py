"""Reading a ledger file (.xlsx, .xls, .csv) into plain rows: no database, no models.

Real ledgers are typed by people (seeds/004 附件三): a title above the header, a two-row header
with merged group headers ("党组织情况", "整改情况") over the sub-headers, names broken by spaces
("毛俊村        党支部"), full-width spaces, line breaks inside cells, a township's name alone on a
row above its branches (土市乡), notes under the table. ``ledger_read`` finds the header where
most cells name a column of ``columns.HUNAN_COLUMNS``, and returns every data row with its row
number as the spreadsheet shows it and each value's column letter, for messages. The file itself
is read by core.workbooks, in a process of its own under memory and time limits.
"""

import contextlib
import datetime
import itertools
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

from django.utils.translation import gettext as _

from core.workbooks import SUFFIXES, Limits, UnreadableWorkbook, column_letter, workbook_read_start
from ledgers.columns import CODE_COLUMN, HUNAN_COLUMNS, Column

EXTENSIONS = (".xlsx", ".xls", ".csv")  # what the upload form offers; core.workbooks reads .xlsm and .ods too
HEADER_SCAN_ROWS = 30  # a header lies within the first rows: a title, a date line, the header
GROUP_HEADERS = frozenset({"党组织情况", "整改情况", "分类定级情况", "定级情况"})
TOTAL_WORDS = frozenset({"合计", "小计", "总计", "共计"})
NOTE_PREFIXES = ("说明", "注：", "注:", "备注", "填表人", "填报人", "制表", "审核人", "填表说明")
# Names of people and units: any whitespace inside is a typist's padding ("上泉      洞村      党支部").
NAME_KEYS = frozenset({"name", "code", "secretary", "first_secretary", "assisting_unit", "liaison_leader",
                       "responsible_person"})
# Long texts keep their line breaks. The other values (grades, numbers, dates, 活动场所情况) are
# parsed by ledgers.importing, which ignores spaces itself; they are only trimmed here.
TEXT_KEYS = frozenset({"basic_facts", "main_features", "problems", "measures"})
ALL_COLUMNS: tuple[Column, ...] = (*HUNAN_COLUMNS, CODE_COLUMN)
LIMITS = Limits()  # 100,000 rows of the Hunan ledger take the reader a few seconds and a few hundred MB


# Cells into values ----------------------------------------------------------------------------

def squeeze(text: str) -> str:
    """Remove every whitespace character, full-width ones (U+3000) and line breaks included."""
    return "".join(text.split())


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _normalize_other(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() else value
    return squeeze(cell_text(value))


def normalize_text(value):
    """A long text (基本情况, 整改措施) keeps its line breaks; each line loses its padding, blank lines go."""
    if value.__class__ is not str:
        return _normalize_other(value)
    if "\n" not in value and "\r" not in value:
        return value.strip()
    return "\n".join(filter(None, map(str.strip, value.splitlines())))


def normalize_name(value):
    """Names of people and units ("上泉      洞村      党支部") lose every space."""
    if value.__class__ is not str:
        return _normalize_other(value)
    return "".join(value.split())


def normalize_value(value):
    """A value parsed later (a grade, a number, a date): trimmed only."""
    if value.__class__ is not str:
        return _normalize_other(value)
    return value.strip()


# What a ledger column's cells are, for ``prepared_rows``: long texts keep their line breaks; names
# of people and units lose every space (a typist's padding); the values parsed later are trimmed.
NORMALIZERS = {"text": normalize_text, "name": normalize_name, "value": normalize_value}


def normalizer(key: str) -> Callable:
    """How the cells of the column ``key`` are normalized; the import normalizes what is stored the same way."""
    return NORMALIZERS["text" if key in TEXT_KEYS else "name" if key in NAME_KEYS else "value"]


def is_filled(value) -> bool:
    if value.__class__ is str:
        return bool(value) and not value.isspace()
    return value is not None


def merged_down(merged: Iterable[tuple[int, int, int, int]]) -> list[tuple[int, int, int]]:
    """The ranges merged down one column: (top row, column, bottom row), 0-based."""
    return [(top, left, bottom) for top, left, bottom, right in merged if left == right and bottom > top]


def _merged_cells(merged: list[tuple[int, int, int]], start: int):
    """A function of (a row's number, 0-based, and its cells) → {index: value} of its empty cells that a
    range merged down one column gives it, for the rows taken in order; None without such ranges.
    ``merged``: (top row, column, bottom row); only the ranges that start at or below ``start``
    (the first data row) count."""
    tops: dict[int, list[tuple[int, int]]] = {}
    for top, column, bottom in merged:
        if top >= start:
            tops.setdefault(top, []).append((column, bottom))
    if not tops:
        return None
    active: dict[int, tuple[object, int]] = {}  # column → (its range's value, the range's bottom row)

    def cells(number: int, raw: list) -> dict[int, object]:
        given = {}
        for column, (value, bottom) in list(active.items()):
            if number > bottom:
                del active[column]
            elif column >= len(raw) or not is_filled(raw[column]):
                given[column] = value
        for column, bottom in tops.get(number, ()):
            active[column] = (raw[column] if column < len(raw) else "", bottom)
        return given

    return cells


def prepared_rows(rows: Iterable[list], columns: list[tuple[str, int, str]], merged: list[tuple[int, int, int]] = (),
                  start: int = 0):
    """Each row as (its filled cells of ``columns`` by key, each normalized as its kind says;
    {index: value} of its other filled cells, as they are; the cells of ``columns`` that a range
    merged down a column gives it, by key, normalized: a unit, a leader or a deadline merged over the
    branches it is for). ``columns``: (key, 0-based index, kind). The rows are the sheet's from row
    ``start`` (0-based), the first data row; ``merged``: see ``_merged_cells``. The merged cells are
    kept apart: they do not make a blank row, a group row or a note a data row.

    Written for 100,000 rows: each cell of the columns is normalized once; the other cells are
    looked at only when the row has some."""
    readers = [(key, index, NORMALIZERS[kind]) for key, index, kind in columns]
    by_index = {index: (key, NORMALIZERS[kind]) for key, index, kind in columns}
    mapped = set(by_index)
    needed = max(mapped) + 1
    unmapped_by_width: dict[int, list[int]] = {}
    merged_cells = _merged_cells(merged, start) if merged else None
    for number, raw in enumerate(rows, start=start):
        width = len(raw)
        if width >= needed:
            values = {key: value for key, index, read in readers if (value := read(raw[index])) != ""}
        else:
            values = {key: value for key, index, read in readers if index < width and (value := read(raw[index])) != ""}
        unmapped = unmapped_by_width.get(width)
        if unmapped is None:
            unmapped = unmapped_by_width[width] = [index for index in range(width) if index not in mapped]
        given = {}
        if merged_cells is not None:
            for index, value in merged_cells(number, raw).items():
                if index in by_index and (value := by_index[index][1](value)) != "":
                    given[by_index[index][0]] = value
        yield values, {index: raw[index] for index in unmapped if is_filled(raw[index])}, given


# Rows and their problems ----------------------------------------------------------------------


def _header_index() -> dict[str, str]:
    index = {}
    for column in ALL_COLUMNS:
        for wording in (column.header, *column.aliases):
            index.setdefault(squeeze(wording), column.key)
    return index


HEADER_INDEX = _header_index()
COLUMNS_BY_KEY = {column.key: column for column in ALL_COLUMNS}


@dataclass
class Problem:
    """One thing wrong in the file, at a row (1-based, as the spreadsheet shows it) and a column."""

    message: str
    row: int | None = None
    column: str = ""  # the letter, "D"
    header: str = ""  # the column's header, "基本情况"
    blocking: bool = True

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "header": self.header, "message": self.message,
                "blocking": self.blocking}


@dataclass(slots=True)  # made once per row
class SheetRow:
    """One data row: its filled cells by column key, already normalized (an empty cell has no key);
    ``group`` is the group row above it."""

    number: int
    values: dict[str, object]
    group: str = ""
    group_code: str = ""
    group_row: int | None = None


@dataclass
class Reading:
    """What a file holds: where its header is, which column is which, its data rows, what is wrong."""

    sheet: str = ""
    header_rows: list[int] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)  # key → 0-based column index
    ignored: list[str] = field(default_factory=list)  # the header's other columns, "A（序号）": not imported
    rows: list[SheetRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    blocking: int = 0  # how many of the problems block the import; problem() counts them
    pending: Iterator[SheetRow] | None = None  # the data rows not yet read from the sheet (``data_rows``)
    expected: int = 0  # at most this many data rows: the sheet's rows under the header
    stop: Callable[[], None] = field(default=lambda: None, repr=False)  # lets go of the file's rows

    def letter(self, key: str) -> str:
        return column_letter(self.columns[key]) if key in self.columns else ""

    def header(self, key: str) -> str:
        return COLUMNS_BY_KEY[key].header

    def problem(self, message: str, *, row: int | None = None, key: str = "", blocking: bool = True) -> Problem:
        """A problem at a row and, when ``key`` is given, the column of that key."""
        found = Problem(message, row=row, column=self.letter(key) if key else "",
                        header=self.header(key) if key else "", blocking=blocking)
        self.problems.append(found)
        self.blocking += blocking
        return found

    @property
    def ok(self) -> bool:
        return not self.blocking

    def data_rows(self) -> Iterator[SheetRow]:
        """The data rows, each read from the sheet when it is asked for, so that an import checks the
        first rows before the others are turned into values; ``rows`` holds those read so far. Once
        the last row is read, the problems include those of the whole sheet (error cells)."""
        if self.pending is None:
            yield from self.rows
        else:
            pending, self.pending = self.pending, None
            yield from pending

    def read_all(self) -> None:
        """Read every data row into ``rows``."""
        for _row in self.data_rows():
            pass

    def close(self) -> None:
        """Let go of the file's rows, whether they were all read or not."""
        self.pending = None
        self.stop()


# The header -----------------------------------------------------------------------------------


def _header_matches(row: list) -> dict[int, str]:
    matches = {}
    for index, value in enumerate(row):
        key = HEADER_INDEX.get(squeeze(cell_text(value)))
        if key is not None and key not in matches.values():
            matches[index] = key
    return matches


def _is_group_header_row(row: list) -> bool:
    return any(squeeze(cell_text(value)) in GROUP_HEADERS for value in row)


def find_header(grid: list[list]) -> tuple[list[int], dict[str, int]]:
    """The header rows (0-based) and key → column index; ([], {}) when no row names a column.

    The header is the row where the most cells name a column; the row above joins it when it names
    columns or holds a group header (the sample's "党组织情况" over its sub-headers), the row below
    when it names columns too. A column takes the first name found from the top of the header down.
    """
    best, best_count = None, 0
    for number, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        count = len(_header_matches(row))
        if count > best_count:
            best, best_count = number, count
    if best is None:
        return [], {}
    rows = [best]
    if best > 0 and (_header_matches(grid[best - 1]) or _is_group_header_row(grid[best - 1])):
        rows.insert(0, best - 1)
    if best + 1 < len(grid) and _header_matches(grid[best + 1]) and _is_group_header_row(grid[best]):
        rows.append(best + 1)
    columns: dict[str, int] = {}
    for number in rows:
        for index, key in _header_matches(grid[number]).items():
            if key not in columns and index not in columns.values():
                columns[key] = index
    return rows, columns


def column_kinds(columns: dict[str, int]) -> list[tuple[str, int, str]]:
    """The ledger's columns as ``prepared_rows`` takes them: (key, index, what its cells are)."""
    return [(key, index, "text" if key in TEXT_KEYS else "name" if key in NAME_KEYS else "value")
            for key, index in columns.items()]


def _is_note(first_text: str) -> bool:
    return squeeze(first_text).startswith(NOTE_PREFIXES)


def rows_from_prepared(prepared: Iterable[tuple[dict, dict, dict]], reading: Reading) -> Iterator[SheetRow]:
    """The data rows from the sheet's rows under the header, prepared (``prepared_rows``), each added
    to ``reading.rows`` as it is yielded: blank rows are passed over, a note ends the table, group
    rows set the group of the rows below."""
    start = reading.header_rows[-1]  # the 1-based number of the last header row is the 0-based index after it
    columns = reading.columns
    keys = {index: key for key, index in columns.items()}
    group, group_code, group_row = "", "", None
    for number, (values, outside, merged) in enumerate(prepared, start=start + 1):  # 1-based, as the spreadsheet shows it
        if not values and not outside:
            continue
        if values.get("name") in TOTAL_WORDS or (outside and any(
                squeeze(cell_text(value)) in TOTAL_WORDS for value in outside.values())):
            continue  # a row of totals (合计), typed under or among the organizations
        if len(values) + len(outside) <= 2:  # a note, a group row, or a row of one or two values
            first = min([columns[key] for key in values] + list(outside))
            if _is_note(cell_text(outside[first] if first in outside else values[keys[first]])):
                break
            if not outside and values.keys() <= {"name", "code"} and "name" in values:
                group, group_code, group_row = str(values["name"]), str(values.get("code") or ""), number
                continue
        if merged:  # a data row of its own: what the ranges merged over it give it counts too
            values = merged | values
        row = SheetRow(number=number, values=values, group=group, group_code=group_code, group_row=group_row)
        reading.rows.append(row)
        yield row


# Files ----------------------------------------------------------------------------------------


@contextlib.contextmanager
def ledger_read(filename: str, content: bytes):
    """Read a ledger file while the block runs (the file is read by a process of its own, so the
    block's work, such as loading from the database, runs alongside); after the block, the yielded
    Reading holds the header and the file's problems (unreadable file, no header, missing columns);
    its rows, and the problems of their cells, come from ``data_rows()`` (or ``read_all()``)."""
    reading = Reading()
    suffix = PurePath(filename or "").suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix if suffix in SUFFIXES else "") as source:
        source.write(content)
        source.flush()
        try:
            pending = workbook_read_start(source.name, filename=filename, limits=LIMITS)
        except UnreadableWorkbook as error:
            yield reading  # the block runs all the same; the problem follows it
            reading.problem(str(error))
            return
        try:
            yield reading
        except BaseException:
            pending.stop()
            raise
        try:
            workbook = pending.wait()
        except UnreadableWorkbook as error:
            reading.problem(str(error))
            return
    reading.stop = workbook.close
    _read_sheets_into(reading, workbook.sheets)
    if reading.pending is None:  # no header, or a missing column: the rows are not read
        reading.close()


def read_ledger(filename: str, content: bytes) -> Reading:
    """Read a ledger file; problems (unreadable file, no header, missing columns, error cells) are in ``problems``."""
    with ledger_read(filename, content) as reading:
        pass
    reading.read_all()
    return reading


def _read_sheets_into(reading: Reading, sheets) -> None:
    best = None
    for sheet in sheets:
        rows = sheet.rows()
        head = list(itertools.islice(rows, HEADER_SCAN_ROWS + 1))  # the row under them may be the header's second
        header_rows, columns = find_header(head)
        if best is None or len(columns) > len(best[3]):
            best = (sheet, rows, head, columns, header_rows)
    if best is None or not best[3]:
        reading.problem(_("No header row was found: the file should have the ledger's column headers "
                          "(党支部名称, 基本情况, …) above its rows."))
        return
    sheet, rest, head, reading.columns, header_rows = best
    reading.sheet = sheet.name
    reading.header_rows = [number + 1 for number in header_rows]
    named = {}
    for number in header_rows:
        for index, value in enumerate(head[number]):
            if (text := squeeze(cell_text(value))) and text not in GROUP_HEADERS:
                named.setdefault(index, text)
    reading.ignored = [f"{column_letter(index)}（{text}）" for index, text in sorted(named.items())
                       if index not in reading.columns.values()]
    if "name" not in reading.columns and "code" not in reading.columns:
        reading.problem(_("Missing column: %(header)s. The file needs the organizations' names (or their codes).")
                        % {"header": COLUMNS_BY_KEY["name"].header}, row=reading.header_rows[-1])
        return
    start = reading.header_rows[-1]  # the first data row, 0-based
    reading.expected = sheet.height - start
    rows = itertools.chain(head[start:], rest)
    prepared = prepared_rows(rows, column_kinds(reading.columns), merged_down(sheet.merged), start)
    reading.pending = _checked_rows(prepared, sheet.errors, reading)


def _checked_rows(prepared, errors: list[tuple[int, int, str]], reading: Reading) -> Iterator[SheetRow]:
    yield from rows_from_prepared(prepared, reading)
    if not reading.rows:
        reading.problem(_("The table has no rows under its header: there is nothing to import."),
                        row=reading.header_rows[-1])
    # An error cell of the ledger's columns in a data row: read as empty, it would pass for "no change".
    keys = {index: key for key, index in reading.columns.items()}
    data_rows = {row.number for row in reading.rows}
    for row, column, error in errors:
        if column in keys and row + 1 in data_rows:
            reading.problem(_("The cell holds the Excel error %(error)s instead of a value; please type the value, "
                              "or clear the cell.") % {"error": error}, row=row + 1, key=keys[column])
