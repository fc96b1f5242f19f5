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

import dataclasses
import datetime
import json
import logging
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from django.conf import settings
from django.utils.translation import gettext as _

from core import workbook_reader

logger = logging.getLogger(__name__)

READER = Path(workbook_reader.__file__)
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv")


def _setting(name: str):
    return field(default_factory=lambda: getattr(settings, name))


@dataclass(frozen=True)
class Limits:
    """What reading one file may take; the defaults are the settings' (JINWEI_UPLOAD_MAX_MB and the
    JINWEI_WORKBOOK_* variables). calamine builds a sheet whole, from A1 to its farthest filled cell:
    the rows and ``max_cells`` are counted before it is built. The output bounds what the caller reads
    back (and its memory, a chunk of rows at a time)."""

    max_bytes: int = _setting("UPLOAD_MAX_BYTES")
    max_rows: int = _setting("WORKBOOK_MAX_ROWS")
    max_cells: int = _setting("WORKBOOK_MAX_CELLS")
    max_sheets: int = _setting("WORKBOOK_MAX_SHEETS")
    max_cell_chars: int = _setting("WORKBOOK_MAX_CELL_CHARS")
    unpacked_bytes: int = _setting("WORKBOOK_MAX_UNPACKED_BYTES")
    memory_bytes: int = _setting("WORKBOOK_READER_MEMORY_BYTES")  # the reader's address space
    seconds: int = _setting("WORKBOOK_READER_SECONDS")  # of CPU, and of waiting for the reader
    output_bytes: int = 256 * 1024**2  # the rows as written for the caller (100,000 ledger rows: about 50 MB)


class UnreadableWorkbook(Exception):
    """The file is not a spreadsheet that can be read; the message says why, and what to do, for people.
    ``reason``, for callers that say it their own way: "damaged" (or of another kind), "empty",
    "kind" (its name), "misnamed", "web_page", "password", "too_far", "too_big", "too_large" (its bytes),
    "too_many_rows", "too_many_sheets", "cell_too_long", "unpacked", "slow", "csv_encoding", "csv_quote",
    "server"."""

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
                [sys.executable, "-I", str(READER), os.fspath(path), kind, json.dumps(dataclasses.asdict(limits))],
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


def workbook_read_start(path, *, filename: str = "", limits: Limits | None = None) -> PendingWorkbook:
    """Start reading the file at ``path``, of the kind ``filename`` (by default the path's own name)
    says, under ``limits`` (the settings' by default); its content is checked first, so that a file
    of another kind is refused in words."""
    limits = limits or Limits()
    kind = file_kind(filename or os.fspath(path))
    with open(path, "rb") as file:
        start = file.read(65536)
        size = file.seek(0, os.SEEK_END)
    if not start:
        raise UnreadableWorkbook(_("The file is empty."), "empty")
    if size > limits.max_bytes:
        raise too_large(size, limits.max_bytes)
    suffix = PurePath(filename or os.fspath(path)).suffix.lower()
    if kind == "csv" and start.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise UnreadableWorkbook(_("The file is named .csv but is an Excel workbook; please name it .xlsx or .xls."), "misnamed")
    if kind == "workbook" and b"<table" in start.lower() and start[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower() \
            .startswith((b"<html", b"<!doctype", b"<table", b"<?xml")):
        raise UnreadableWorkbook(_("The file is a web page (HTML) named %(suffix)s, as some systems export their "
                                   "tables. Please open it in Excel or WPS, save it as .xlsx and upload that.")
                                 % {"suffix": suffix}, "web_page")
    return PendingWorkbook(path, kind, limits)


def workbook_read(path, *, filename: str = "", limits: Limits | None = None) -> Workbook:
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


def too_large(size: int, limit: int) -> UnreadableWorkbook:
    """A file of more bytes than may be uploaded."""
    return UnreadableWorkbook(_("The file is %(size).1f MB, more than the %(limit)s MB allowed. Please delete what the "
                                "table does not need, or split it into several files, and upload again.")
                              % {"size": size / 1024**2, "limit": f"{limit / 1024**2:g}"}, "too_large")


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
    if reason == "too_many_rows":
        _reason, name, rows, limit = refused
        where = _("The sheet %(sheet)s") % {"sheet": name} if name else _("The file")
        return UnreadableWorkbook(
            _("%(where)s has %(rows)s rows, more than the %(limit)s allowed. If the table is shorter, delete the rows "
              "below it (select them and delete them); else split it into several files. Then upload again.")
            % {"where": where, "rows": f"{rows:,}", "limit": f"{limit:,}"}, "too_many_rows")
    if reason == "too_many_sheets":
        return UnreadableWorkbook(
            _("The workbook has %(count)d sheets, more than the %(limit)d allowed. Please keep the sheets the import "
              "needs, save, and upload again.") % {"count": refused[1], "limit": refused[2]},
            "too_many_sheets")
    if reason == "cell_too_long":
        _reason, name, row, column, length, limit = refused
        return UnreadableWorkbook(
            _("The cell %(cell)s of the sheet %(sheet)s holds %(length)s characters, more than the %(limit)s a cell "
              "may hold. Please shorten it, save, and upload again.")
            % {"cell": f"{column_letter(column - 1)}{row}", "sheet": name, "length": f"{length:,}",
               "limit": f"{limit:,}"}, "cell_too_long")
    if reason == "csv_cell_too_long":
        return UnreadableWorkbook(
            _("Line %(line)d of the CSV file holds a value of more than %(limit)s characters, more than a cell may "
              "hold. Please shorten it, save, and upload again.")
            % {"line": refused[1], "limit": f"{refused[2]:,}"}, "cell_too_long")
    if reason == "unpacked":
        return UnreadableWorkbook(
            _("The workbook unpacks to more than %(limit)s MB, far more than a table of its size holds; it may be "
              "damaged or crafted. Please open it in Excel or WPS, save it as .xlsx and upload that.")
            % {"limit": f"{refused[1] / 1024**2:g}"}, "unpacked")
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
