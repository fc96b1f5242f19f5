"""Reading a spreadsheet file people upload (.xlsx, .xlsm, .xls, .ods, .csv) into rows of cell values.

    with workbook_read(path) as workbook:           # raises UnreadableWorkbook, its message for people
        for sheet in workbook.sheets:
            sheet.name, sheet.height, sheet.merged, sheet.errors
            for row in sheet.rows():                 # lists of values from column A: str ("" when
                ...                                  # empty), float, int, bool, date, datetime, time

The file is read by a child process of its own (core/workbook_reader.py) under memory, CPU and
time limits (``Limits``), which writes the rows to a temporary file and exits; the rows are then
read from that file a chunk at a time, so that a sheet of 100,000 rows never sits in memory here.
A damaged or crafted file can end that process, never the caller's. ``workbook_read_start`` starts
the process and returns at once, for a caller with other work to do meanwhile.
"""

import datetime
import logging
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from django.utils.translation import gettext as _

from core import workbook_reader

logger = logging.getLogger(__name__)

READER = Path(workbook_reader.__file__)
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv")


@dataclass(frozen=True)
class Limits:
    """What reading one file may take. calamine builds a sheet whole, from A1 to its farthest filled
    cell: ``max_cells`` refuses a sheet whose size is declared beyond it before it is built. The
    output bounds what the caller reads back (and its memory, a chunk of rows at a time)."""

    max_cells: int = 10_000_000  # 100,000 rows × 100 columns
    memory_bytes: int = 4 * 1024**3  # the reader's address space: its heap, calamine's and the interpreter's
    seconds: int = 300  # of CPU, and of waiting for the reader
    output_bytes: int = 256 * 1024**2  # the rows as written for the caller (100,000 ledger rows: about 50 MB)


class UnreadableWorkbook(Exception):
    """The file is not a spreadsheet that can be read; the message says why, and what to do, for people.
    ``reason``, for callers that say it their own way: "damaged" (or of another kind), "empty",
    "kind" (its name), "misnamed", "web_page", "password", "too_far", "too_big", "slow", "csv_encoding",
    "csv_quote", "server"."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


@dataclass
class Sheet:
    """One sheet: its name, its size from A1 (rows, columns), its merged ranges (top row, left column,
    bottom row, right column; 0-based, inclusive), its Excel error cells (#N/A, #DIV/0!: row and
    column, 0-based, and the error: read as empty cells by ``rows``)."""

    name: str
    height: int
    width: int
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    errors: list[tuple[int, int, str]] = field(default_factory=list)
    _workbook: "Workbook | None" = field(default=None, repr=False)
    _offsets: list[int] = field(default_factory=list, repr=False)

    def rows(self) -> Iterator[list]:
        """The sheet's rows from row 1, each a list of its cells from column A (rows may differ in length)."""
        for offset in self._offsets:
            yield from self._workbook._chunk(offset)


class Workbook:
    """The sheets of a file read by ``workbook_read``; its rows stay in a temporary file until ``close``."""

    def __init__(self, output, index: dict):
        self._output = output
        self.sheets = [Sheet(name, height, width, [tuple(cell) for cell in merged],
                             [tuple(error) for error in errors], self, offsets)
                       for name, height, width, merged, errors, offsets in index["sheets"]]

    def _chunk(self, offset: int) -> list[list]:
        if self._output.closed:
            raise ValueError("the workbook is closed")
        self._output.seek(offset)
        return _CellValues(self._output).load()

    def close(self) -> None:
        self._output.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


class _CellValues(pickle.Unpickler):
    """The reader's output holds cell values; nothing else is rebuilt from it."""

    def find_class(self, module, name):
        if module == "datetime" and name in {"date", "datetime", "time", "timedelta"}:
            return getattr(datetime, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a cell value")


class PendingWorkbook:
    """A file being read by its reader process (``workbook_read_start``)."""

    def __init__(self, path, kind: str, limits: Limits):
        self.limits = limits
        self.output = tempfile.TemporaryFile()
        self.errors = tempfile.TemporaryFile()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-I", str(READER), os.fspath(path), kind, str(limits.max_cells),
                 str(limits.memory_bytes), str(limits.seconds), str(limits.output_bytes)],
                stdin=subprocess.DEVNULL, stdout=self.output, stderr=self.errors)
        except OSError:
            self._close()
            logger.exception("the workbook reader could not be started with %s", sys.executable)
            raise UnreadableWorkbook(_("The server could not start reading the workbook; please tell its "
                                       "administrator."), "server") from None

    def wait(self) -> Workbook:
        """The workbook once its reader has ended; UnreadableWorkbook when it could not be read."""
        try:
            self.process.wait(timeout=self.limits.seconds)
        except subprocess.TimeoutExpired:
            self.stop()
            raise UnreadableWorkbook(_("Reading the workbook took more than %(minutes)d minutes; it may be damaged. "
                                       "Please open it, save it again and upload it again.")
                                     % {"minutes": max(1, self.limits.seconds // 60)}, "slow") from None
        try:
            index = self._index()
        except BaseException:
            self._close()
            raise
        if "refused" in index:
            self._close()
            raise _refusal(index["refused"])
        self.errors.close()
        return Workbook(self.output, index)

    def _index(self) -> dict:
        code = self.process.returncode
        size = self.output.seek(0, os.SEEK_END)
        if code == 0 and size > 8:
            try:
                self.output.seek(size - 8)
                self.output.seek(int.from_bytes(self.output.read(8), "little"))
                return _CellValues(self.output).load()
            except Exception:  # noqa: BLE001 - unpickling raises several kinds: the output is damaged
                logger.exception("the workbook reader's output could not be read")
                raise _damaged() from None
        self.errors.seek(0)
        errors = self.errors.read()[-2000:].decode(errors="replace")
        if code < 0 or code == workbook_reader.TOO_BIG:  # a limit ended it, or calamine aborted
            logger.warning("workbook reader ended with %s: %s", code, errors[-500:])
            raise _too_big()
        logger.error("workbook reader ended with %s: %s", code, errors)
        raise _damaged()

    def stop(self) -> None:
        """End the reader, if it still runs, and forget what it wrote."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self._close()

    def _close(self) -> None:
        self.output.close()
        self.errors.close()


def file_kind(filename: str) -> str:
    """"csv" or "workbook" by the file's name; UnreadableWorkbook for any other name."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise UnreadableWorkbook(_("%(name)s is not an .xlsx, .xls or .csv file.") % {"name": PurePath(filename or "").name},
                                 "kind")
    return "csv" if suffix == ".csv" else "workbook"


def workbook_read_start(path, *, filename: str = "", limits: Limits = Limits()) -> PendingWorkbook:
    """Start reading the file at ``path``, of the kind ``filename`` (by default the path's own name)
    says; its content is checked first, so that a file of another kind is refused in words."""
    kind = file_kind(filename or os.fspath(path))
    with open(path, "rb") as file:
        start = file.read(65536)
    if not start:
        raise UnreadableWorkbook(_("The file is empty."), "empty")
    suffix = PurePath(filename or os.fspath(path)).suffix.lower()
    if kind == "csv" and start.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise UnreadableWorkbook(_("The file is named .csv but is an Excel workbook; please name it .xlsx or .xls."), "misnamed")
    if kind == "workbook" and b"<table" in start.lower() and start[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower() \
            .startswith((b"<html", b"<!doctype", b"<table", b"<?xml")):
        raise UnreadableWorkbook(_("The file is a web page (HTML) named %(suffix)s, as some systems export their "
                                   "tables. Please open it in Excel or WPS, save it as .xlsx and upload that.")
                                 % {"suffix": suffix}, "web_page")
    return PendingWorkbook(path, kind, limits)


def workbook_read(path, *, filename: str = "", limits: Limits = Limits()) -> Workbook:
    """Read the file at ``path`` (see the module's docstring); raises UnreadableWorkbook."""
    return workbook_read_start(path, filename=filename, limits=limits).wait()


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the column as the spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _too_big() -> UnreadableWorkbook:
    return UnreadableWorkbook(_("The workbook is too big to read: a sheet may hold something far beyond its table. "
                                "Please delete whatever lies beyond the table (select the rows and columns after it "
                                "and delete them), save, and upload again."), "too_big")


def _damaged() -> UnreadableWorkbook:
    return UnreadableWorkbook(_("The file cannot be read as an Excel workbook; it may be damaged or of another kind. "
                                "If it opens in Excel or WPS, save it there as .xlsx and upload that."), "damaged")


def _refusal(refused: tuple) -> UnreadableWorkbook:
    reason = refused[0]
    if reason == "too_far":
        _reason, name, rows, columns = refused
        return UnreadableWorkbook(
            _("The sheet %(sheet)s reaches cell %(cell)s, too far to read. Please delete whatever lies beyond the "
              "table (select the rows and columns after it and delete them), save, and upload again.")
            % {"sheet": name, "cell": f"{column_letter(columns - 1)}{rows}"}, "too_far")
    if reason == "password":
        return UnreadableWorkbook(_("The workbook is protected by a password; please save it without one."), "password")
    if reason == "too_big":
        return _too_big()
    if reason == "csv_utf16":
        return UnreadableWorkbook(_("The CSV file is in UTF-16; please save it as UTF-8 or GB18030 (GBK)."), "csv_encoding")
    if reason == "csv_encoding":
        return UnreadableWorkbook(_("The CSV file is neither UTF-8 nor GB18030 (GBK); please save it in one of them."), "csv_encoding")
    if reason == "csv_quote":
        return UnreadableWorkbook(_("Line %(line)d of the CSV file cannot be read: a quotation mark (\") is not "
                                    "closed or stands inside a value. Please check that line.") % {"line": refused[1]},
                                  "csv_quote")
    return _damaged()
