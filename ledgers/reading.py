"""Reading a ledger file (.xlsx, .xls, .csv) into plain rows: no database, no models.

Real ledgers are typed by people (seeds/004 附件三): a title above the header, a two-row header
with merged group headers ("党组织情况", "整改情况") over the sub-headers, names broken by spaces
("毛俊村        党支部"), full-width spaces, line breaks inside cells, a township's name alone on a
row above its branches (土市乡), notes under the table. ``read_ledger`` finds the header where
most cells name a column of ``columns.HUNAN_COLUMNS``, and returns every data row with its row
number as the spreadsheet shows it and each value's column letter, for messages. Workbooks are read
by ledgers/workbook_reader.py in a process of its own, under memory and time limits: a crafted or
damaged file can end that process, not the server's.
"""

import contextlib
import csv
import datetime
import fcntl
import functools
import io
import logging
import marshal
import os
import pickle
import select
import subprocess
import sys
import tempfile
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from django.utils.translation import gettext as _

from ledgers import workbook_reader
from ledgers.columns import CODE_COLUMN, HUNAN_COLUMNS, Column
from ledgers.workbook_reader import cell_text, prepared_rows, squeeze

EXTENSIONS = (".xlsx", ".xls", ".csv")
HEADER_SCAN_ROWS = workbook_reader.HEAD_ROWS  # a header lies within the first rows: a title, a date line, the header
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
logger = logging.getLogger(__name__)


def _header_index() -> dict[str, str]:
    index = {}
    for column in ALL_COLUMNS:
        for wording in (column.header, *column.aliases):
            index.setdefault(squeeze(wording), column.key)
    return index


HEADER_INDEX = _header_index()
COLUMNS_BY_KEY = {column.key: column for column in ALL_COLUMNS}


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the column as the spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


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
    stop: Callable[[], None] = field(default=lambda: None, repr=False)  # stops the file's reader, if it still runs

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
        """The data rows, each read from the sheet when it is asked for, so that an import checks (and
        writes) the first rows while the rest are still being read; ``rows`` holds those read so far.
        Once the last row is read, the problems include those of the whole sheet (error cells)."""
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
        """Stop reading the file, if its rows are not all read (a workbook's reader process ends)."""
        self.pending = None
        self.stop()


class UnreadableFile(Exception):
    """The file is not a spreadsheet Jinwei reads; the message says why, for the user."""


# Files into grids ----------------------------------------------------------------------------


# Workbooks are read by ledgers/workbook_reader.py in a process of its own, with these limits:
# calamine builds a sheet whole, from A1 to its farthest filled cell, and ends its process when that
# does not fit in memory.
MAX_CELLS = 10_000_000  # 100,000 rows × 100 columns
READER = Path(workbook_reader.__file__)
READER_MEMORY = 4 * 1024**3
READER_SECONDS = 300
MAX_ANSWER_BYTES = 256 * 1024**2  # 100,000 rows of the Hunan ledger come back as about 61 MB


@dataclass
class Sheet:
    """One sheet of a file: its name, how many rows it has, its first rows (where the header is looked
    for) and the rows after them, which a workbook's reader sends while they are read (``data``), and
    its Excel error cells (#N/A, #DIV/0!: row and column, 0-based, and the error), which calamine reads
    as empty, known once every row is read (``finish``). The rows of one sheet only are read."""

    name: str
    height: int
    head: list[list]
    # The rows after the head, prepared for the columns given (workbook_reader.prepared_rows), the data
    # starting at the row given.
    rest: Callable[[list[tuple[str, int, str]], int], Iterator[tuple[dict, dict]]] = lambda columns, start: iter(())
    merged: list[tuple[int, int, int]] = field(default_factory=list)  # ranges merged down a column (prepared_rows)
    errors: list[tuple[int, int, str]] = field(default_factory=list)
    finish: Callable[[], None] = lambda: None  # read the file to its end; its error cells are then known
    stop: Callable[[], None] = lambda: None  # stop reading the file

    def data(self, columns: list[tuple[str, int, str]], start: int) -> Iterator[tuple[dict, dict]]:
        """Its rows from ``start`` (0-based, within the head) to its last, prepared for ``columns``."""
        yield from prepared_rows(self.head[start:], columns, self.merged, start, self.head[:start], start)
        yield from self.rest(columns, start)


def _sheet_from_grid(name: str, grid: list[list]) -> Sheet:
    head = HEADER_SCAN_ROWS + 1  # as a workbook's reader sends them: the header's rows and the one under them
    return Sheet(name, len(grid), grid[:head], lambda columns, start: prepared_rows(grid[head:], columns))


class _Reading:
    """A workbook's reader process and what it sends (workbook_reader.send), frame by frame."""

    def __init__(self, content: bytes):
        self.stderr = tempfile.TemporaryFile()  # a file: the reader never waits for this process to read it
        with tempfile.TemporaryFile() as source:
            try:
                source.write(content)
                source.seek(0)
                # Which sheet's rows are wanted (``rows``): the reader's end of a pipe, and this one.
                plans, wants = _pipe()
                self.plans = open(wants, "wb", buffering=0)  # closed by ``_want``, or when the reading ends
                try:
                    self.process = subprocess.Popen(
                        [sys.executable, "-I", str(READER), str(MAX_CELLS), str(READER_MEMORY), str(READER_SECONDS),
                         str(plans)], stdin=source, stdout=subprocess.PIPE, stderr=self.stderr, pass_fds=(plans,))
                except OSError:
                    self.plans.close()
                    raise
                finally:
                    os.close(plans)
            except OSError:
                self.stderr.close()
                logger.exception("the workbook reader could not be started with %s", sys.executable)
                raise UnreadableFile(_("The server could not start reading the workbook; please tell its "
                                       "administrator.")) from None
        self.waited = 0.0  # seconds spent waiting for the reader
        self.received = 0
        self.sheets_read: list[Sheet] = []
        self.complete = False  # the last frame came
        # The callers stop the reader (Reading.close); should one not, the process ends when this
        # object is collected (by the cycle collector: its sheets refer back to it).
        self._ending = weakref.finalize(self, _end_process, self.process, self.stderr, self.plans)

    def stop(self) -> None:
        self._ending()

    def _bytes(self, size: int) -> bytes:
        parts, left = [], size
        output = self.process.stdout.fileno()
        waiting = select.poll()
        waiting.register(output, select.POLLIN)
        while left:
            # The limit counts the time spent waiting for the reader, not the time spent on its rows.
            started = time.monotonic()
            ready = waiting.poll(max(0, READER_SECONDS - self.waited) * 1000)
            self.waited += time.monotonic() - started
            if not ready:
                self.stop()
                raise UnreadableFile(_("Reading the workbook took more than %(minutes)d minutes; it may be damaged. "
                                       "Please open it, save it again and upload it again.")
                                     % {"minutes": READER_SECONDS // 60})
            part = os.read(output, min(left, 1 << 20))
            if not part:
                raise EOFError
            parts.append(part)
            left -= len(part)
        return b"".join(parts)

    def _frame(self) -> tuple:
        if not self._ending.alive:  # stopped before its last frame: what was read is not the whole file
            raise _cut_short()
        try:
            head = self._bytes(9)
            kind, size = head[:1], int.from_bytes(head[1:], "little")
            if kind not in (b"M", b"P"):
                self.stop()
                raise _damaged()
            self.received += size
            if self.received > MAX_ANSWER_BYTES:  # its cells would take this worker several times as much memory
                self.stop()
                raise _too_big()
            data = self._bytes(size)
        except EOFError:
            raise self._ended() from None
        try:
            frame = marshal.loads(data) if kind == b"M" else _Values(io.BytesIO(data)).load()
        except Exception:  # noqa: BLE001 - marshal and pickle raise several kinds: the answer is damaged
            self.stop()
            raise _damaged() from None
        if frame[0] == "refused":
            self.stop()
            raise _refusal(frame[1])
        return frame

    def _ended(self) -> UnreadableFile:
        """The process ended before its last frame: out of memory or time, or it failed."""
        self.process.wait()
        self.stderr.seek(0)
        errors = self.stderr.read()[-2000:].decode(errors="replace")
        self.stop()
        if self.process.returncode < 0 or self.process.returncode == workbook_reader.OUT_OF_MEMORY:
            logger.warning("workbook reader ended with %s: %s", self.process.returncode, errors[-500:])
            return _too_big()
        logger.error("workbook reader ended with %s: %s", self.process.returncode, errors)
        return _damaged()

    def sheets(self) -> list[Sheet]:
        """The sheets, once the reader has parsed them all: their first rows now, the others when asked for."""
        _kind, listed = self._frame()
        self.sheets_read = [Sheet(name, height, head, rest=functools.partial(self.rows, index), merged=merged,
                                  finish=self.finish, stop=self.stop)
                            for index, (name, height, head, merged) in enumerate(listed)]
        return self.sheets_read

    def rows(self, index: int, columns: list[tuple[str, int, str]], start: int) -> Iterator[tuple[dict, dict]]:
        """Sheet ``index``'s rows after its first ones, prepared by the reader for ``columns``: the rows
        of one sheet are read, once."""
        if self.plans.closed:
            raise RuntimeError("a workbook's rows are read once, for one sheet")
        self._want((index, columns, start))
        sheet, received = self.sheets_read[index], 0
        while not self.complete:
            frame = self._frame()
            if frame[0] == "errors":
                self._errors(frame[1])
                if received != sheet.height - len(sheet.head):  # whatever the cause, not the whole sheet
                    raise _cut_short()
                return
            received += len(frame[1])
            yield from frame[1]

    def _want(self, plan: tuple | None) -> None:
        """Tell the reader which sheet's rows to send, or (None) that none are wanted; once only."""
        if not self.plans.closed:
            with contextlib.suppress(BrokenPipeError):  # the reader has ended: its next frame says how
                if plan is not None:
                    self.plans.write(marshal.dumps(plan))  # a few hundred bytes: within what a pipe holds
                self.plans.close()

    def finish(self) -> None:
        """Read what is left; then the sheets' error cells are known and the process has ended."""
        self._want(None)
        while not self.complete:
            frame = self._frame()
            if frame[0] == "errors":
                self._errors(frame[1])

    def _errors(self, errors: dict) -> None:
        for sheet in self.sheets_read:
            sheet.errors = [tuple(error) for error in errors.get(sheet.name, [])]
        self.complete = True
        self.stop()


def _pipe() -> tuple[int, int]:
    """A pipe whose reading end is above 2: passed to the reader under its own number, it must not be
    one of the standard descriptors the reader gets in its place (a server may run with them closed)."""
    reading, writing = os.pipe()
    if reading <= 2:
        moved = fcntl.fcntl(reading, fcntl.F_DUPFD_CLOEXEC, 3)
        os.close(reading)
        reading = moved
    return reading, writing


def _end_process(process: subprocess.Popen, stderr, plans) -> None:
    if process.poll() is None:
        process.kill()
    process.wait()
    process.stdout.close()
    stderr.close()
    with contextlib.suppress(BrokenPipeError):
        plans.close()


class _Values(pickle.Unpickler):
    """The reader's answer holds plain values and dates; nothing else is rebuilt from it."""

    def find_class(self, module, name):
        if module == "datetime" and name in {"date", "datetime", "time", "timedelta"}:
            return getattr(datetime, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a cell value")


def _cut_short() -> UnreadableFile:
    return UnreadableFile(_("Reading the workbook was stopped before its end; please upload it again."))


def _too_big() -> UnreadableFile:
    return UnreadableFile(_("The workbook is too big to read: a sheet may hold something far beyond its table. "
                            "Please delete whatever lies beyond the table (select the rows and columns after it "
                            "and delete them), save, and upload again."))


def _damaged() -> UnreadableFile:
    return UnreadableFile(_("The file cannot be read as an Excel workbook; it may be damaged or of another kind. "
                            "If it opens in Excel or WPS, save it there as .xlsx and upload that."))


def _refusal(refused: tuple) -> UnreadableFile:
    if refused[0] == "too_far":
        _reason, name, rows, columns = refused
        return UnreadableFile(
            _("The sheet %(sheet)s reaches cell %(cell)s, too far to read. Please delete whatever lies beyond the "
              "table (select the rows and columns after it and delete them), save, and upload again.")
            % {"sheet": name, "cell": f"{column_letter(columns - 1)}{rows}"})
    if refused[0] == "password":
        return UnreadableFile(_("The workbook is protected by a password; please save it without one."))
    return _damaged()


def decode_csv(content: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (which includes GBK and GB2312); nothing else."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile(_("The CSV file is in UTF-16; please save it as UTF-8 or GB18030 (GBK)."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise UnreadableFile(_("The CSV file is neither UTF-8 nor GB18030 (GBK); please save it in one of them."))


def _grid_from_csv(content: bytes) -> list[list]:
    text = decode_csv(content)
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
        dialect.doublequote = True  # as Excel and WPS write a quote inside a value ("" for "), sniffed or not
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True)
    rows, start = [], 1
    try:
        for row in reader:
            rows.append(row)
            start = reader.line_num + 1
    except csv.Error:
        raise UnreadableFile(_("Line %(line)d of the CSV file cannot be read: a quotation mark (\") is not closed "
                               "or stands inside a value. Please check that line.") % {"line": start}) from None
    return rows


def _start(filename: str, content: bytes, sheets: list[Sheet]) -> "_Reading | None":
    """Check the file's name and content; a CSV file is read at once into ``sheets``, a workbook's
    reader process is started and returned."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in EXTENSIONS:
        raise UnreadableFile(_("%(name)s is not an .xlsx, .xls or .csv file.") % {"name": PurePath(filename or "").name})
    if not content:
        raise UnreadableFile(_("The file is empty."))
    if suffix != ".csv":
        if content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith((b"<html", b"<!doctype", b"<table", b"<?xml")) \
                and b"<table" in content[:65536].lower():
            raise UnreadableFile(_("The file is a web page (HTML) named %(suffix)s, as some systems export their "
                                   "tables. Please open it in Excel or WPS, save it as .xlsx and upload that.")
                                 % {"suffix": suffix})
        return _Reading(content)
    if content.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise UnreadableFile(_("The file is named .csv but is an Excel workbook; please name it .xlsx or .xls."))
    sheets.append(_sheet_from_grid("", _grid_from_csv(content)))
    return None


@contextlib.contextmanager
def sheets_read(filename: str, content: bytes):
    """Read the file's sheets while the block runs: a workbook's reader process works alongside it.
    After the block the yielded list holds the sheets, or UnreadableFile is raised."""
    sheets: list[Sheet] = []
    try:
        reader = _start(filename, content, sheets)
    except UnreadableFile:
        yield sheets  # the block runs all the same; the refusal follows it
        raise
    try:
        yield sheets
    except BaseException:
        if reader is not None:
            reader.stop()
        raise
    if reader is not None:
        sheets.extend(reader.sheets())


# Grids into rows ------------------------------------------------------------------------------


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
    """The ledger's columns as workbook_reader.prepared_rows takes them: (key, index, what its cells are)."""
    return [(key, index, "text" if key in TEXT_KEYS else "name" if key in NAME_KEYS else "value")
            for key, index in columns.items()]


def _is_note(first_text: str) -> bool:
    return squeeze(first_text).startswith(NOTE_PREFIXES)


def rows_from_prepared(prepared: Iterable[tuple[dict, dict]], reading: Reading) -> Iterator[SheetRow]:
    """The data rows from the sheet's rows under the header, prepared (workbook_reader.prepared_rows),
    each added to ``reading.rows`` as it is yielded: blank rows are passed over, a note ends the
    table, group rows set the group of the rows below."""
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


@contextlib.contextmanager
def ledger_read(filename: str, content: bytes):
    """Read a ledger file while the block runs (a workbook is read by a process of its own, so the
    block's work, such as loading from the database, runs alongside); after the block, the yielded
    Reading holds the header and the file's problems (unreadable file, no header, missing columns);
    its rows, and the problems of their cells, come from ``data_rows()`` (or ``read_all()``)."""
    reading = Reading()
    try:
        with sheets_read(filename, content) as sheets:
            yield reading
    except UnreadableFile as error:
        reading.problem(str(error))
        return
    _read_sheets_into(reading, sheets)
    if reading.pending is None:  # no header, or a missing column: the rows are not read
        reading.close()


def read_ledger(filename: str, content: bytes) -> Reading:
    """Read a ledger file; problems (unreadable file, no header, missing columns, error cells) are in ``problems``."""
    with ledger_read(filename, content) as reading:
        pass
    reading.read_all()
    return reading


def _read_sheets_into(reading: Reading, sheets: list[Sheet]) -> None:
    if sheets:  # they share one reader
        reading.stop = sheets[0].stop
    best = None
    for sheet in sheets:
        rows, columns = find_header(sheet.head)
        if best is None or len(columns) > len(best[2]):
            best = (sheet, rows, columns)
    if best is None or not best[2]:
        reading.problem(_("No header row was found: the file should have the ledger's column headers "
                          "(党支部名称, 基本情况, …) above its rows."))
        return
    sheet, header_rows, reading.columns = best
    reading.sheet = sheet.name
    reading.header_rows = [number + 1 for number in header_rows]
    named = {}
    for number in header_rows:
        for index, value in enumerate(sheet.head[number]):
            if (text := squeeze(cell_text(value))) and text not in GROUP_HEADERS:
                named.setdefault(index, text)
    reading.ignored = [f"{column_letter(index)}（{text}）" for index, text in sorted(named.items())
                       if index not in reading.columns.values()]
    if "name" not in reading.columns and "code" not in reading.columns:
        reading.problem(_("Missing column: %(header)s. The file needs the organizations' names (or their codes).")
                        % {"header": COLUMNS_BY_KEY["name"].header}, row=reading.header_rows[-1])
        return
    reading.expected = sheet.height - reading.header_rows[-1]
    reading.pending = _checked_rows(sheet, reading)


def _checked_rows(sheet: Sheet, reading: Reading) -> Iterator[SheetRow]:
    try:
        yield from rows_from_prepared(sheet.data(column_kinds(reading.columns), reading.header_rows[-1]), reading)
        sheet.finish()  # the rows under a note, and the error cells
    except UnreadableFile as error:  # the reader failed after the sheet's first rows (out of memory, say)
        reading.problem(str(error))
        return
    if not reading.rows:
        reading.problem(_("The table has no rows under its header: there is nothing to import."),
                        row=reading.header_rows[-1])
    # An error cell of the ledger's columns in a data row: read as empty, it would pass for "no change".
    keys = {index: key for key, index in reading.columns.items()}
    data_rows = {row.number for row in reading.rows}
    for row, column, error in sheet.errors:
        if column in keys and row + 1 in data_rows:
            reading.problem(_("The cell holds the Excel error %(error)s instead of a value; please type the value, "
                              "or clear the cell.") % {"error": error}, row=row + 1, key=keys[column])
