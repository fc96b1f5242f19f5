"""The child process of core.workbooks: reads one spreadsheet file and writes its rows to its output.

Run as ``python -I workbook_reader.py PATH KIND LIMITS`` by core.workbooks, with its standard output a
regular file; KIND is "csv" or "workbook", LIMITS the JSON of core.workbooks.Limits. Standard library and
python-calamine only, so that it starts in a fraction of a second.

python-calamine builds each sheet whole, from A1 to its farthest filled cell, and ends its process
when that does not fit in memory: a stray value at XFD1048576 in a 2 KB file would take a server
worker down with it. Here it can only end this process.

The output is a series of pickles: each sheet's rows in chunks of ``CHUNK_ROWS``, then the index,
then the index's offset in 8 bytes (little-endian). The index is ``{"sheets": [(name, height,
width, merged ranges, error cells, the offsets of its chunks)]}`` or ``{"refused": (reason, …)}``;
a file without it means that the process ended before its work did.
"""

import csv
import errno
import io
import json
import pickle
import re
import resource
import sys
import zipfile
from xml.etree import ElementTree

import python_calamine

CHUNK_ROWS = 2000
CHUNK_CELLS = 100_000  # and at most this many cells a chunk: the caller holds one chunk at a time
TOO_BIG = 3  # the exit status when the rows outgrow the memory or the output allowed (calamine aborts: a signal)

# An error cell: <c r="C2" t="e"><f>VLOOKUP(…)</f><v>#N/A</v></c>, its attributes in any order and quoting.
# Every repetition is bounded, so that no crafted text makes a search take quadratic time.
ERROR_CELL = re.compile(rb"<(?:\w{1,32}:)?c\s([^>]{0,512}?\bt\s{0,8}=\s{0,8}[\"']e[\"'][^>]{0,512})>")
ERROR_TYPE = re.compile(rb"\bt\s{0,8}=\s{0,8}[\"']e[\"']")
REFERENCE = re.compile(rb"\br\s{0,8}=\s{0,8}[\"']([A-Za-z]{1,3})(\d{1,7})[\"']")
VALUE = re.compile(rb"<(?:\w{1,32}:)?v>([^<]{0,64})</(?:\w{1,32}:)?v>|</(?:\w{1,32}:)?c>")
DIMENSION = re.compile(rb"<(?:\w{1,32}:)?dimension\b[^>]{0,512}?\bref\s{0,8}=\s{0,8}[\"']"
                       rb"(?:\$?[A-Za-z]{1,3}\$?\d{1,7}:)?\$?([A-Za-z]{1,3})\$?(\d{1,7})[\"']")
CELL = re.compile(rb"<(?:\w{1,32}:)?c\s([^>]{0,512}?)(/?)>")
CHUNK = 1 << 22
OVERLAP = 4096


class Refused(Exception):
    """The file is not read; ``args`` say why (core.workbooks turns them into a message)."""


def column_number(letters: str) -> int:
    """A → 1, Z → 26, AA → 27."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


# .xlsx archives: what calamine does not say --------------------------------------------------


def worksheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the path of its XML in the .xlsx archive ({} when the workbook's list cannot be read)."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    relation = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {item.get("Id"): item.get("Target", "") for item in relations}
    paths = {}
    for sheet in workbook.iter(f"{main}sheet"):
        target = targets.get(sheet.get(relation), "")
        paths[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return paths


def _chunks(archive: zipfile.ZipFile, path: str):
    """The sheet's XML in pieces that overlap, so that no tag is cut in two."""
    tail = b""
    with archive.open(path) as stream:
        while chunk := stream.read(CHUNK):
            yield tail + chunk
            tail = chunk[-OVERLAP:]


def error_cells(archive: zipfile.ZipFile, path: str) -> list[tuple[int, int, str]]:
    """The sheet's Excel error cells (#N/A, #DIV/0!): row and column, 0-based, and the error. calamine
    reads them as empty cells, which would pass for "nothing there"."""
    found = set()
    try:
        for text in _chunks(archive, path):
            if (b'"e"' not in text and b"'e'" not in text) or not ERROR_TYPE.search(text):
                continue  # the substring tests are fast; most sheets have no error cell
            for cell in ERROR_CELL.finditer(text):
                reference = REFERENCE.search(cell.group(1))
                value = VALUE.search(text, cell.end(), cell.end() + OVERLAP)
                if reference and value and value.group(1) is not None:
                    found.add((int(reference.group(2)) - 1, column_number(reference.group(1).decode()) - 1,
                               value.group(1).decode(errors="replace")))
    except KeyError:
        return []
    return sorted(found)


def farthest_cell(archive: zipfile.ZipFile, path: str, max_cells: int) -> tuple[int, int] | None:
    """The farthest row and column holding a value, when the size the sheet declares is over the limit
    (Excel's declared size counts empty formatted cells too, which calamine leaves out); else None.
    This is what names the cell in the message; a sheet that declares no size or a wrong one is
    still caught by the memory limit."""
    try:
        with archive.open(path) as stream:
            declared = DIMENSION.search(stream.read(1 << 16))
    except KeyError:
        return None
    if declared is None or int(declared.group(2)) * column_number(declared.group(1).decode()) <= max_cells:
        return None
    rows = columns = 0
    for text in _chunks(archive, path):
        for cell in CELL.finditer(text):
            if cell.group(2) or text.startswith(b"</", cell.end()):
                continue  # <c …/> or <c …></c>: formatted, empty
            if reference := REFERENCE.search(cell.group(1)):
                rows = max(rows, int(reference.group(2)))
                columns = max(columns, column_number(reference.group(1).decode()))
    return rows, columns


def _archive_checks(path: str, limits: dict) -> dict[str, list]:
    """Refuse an archive that unpacks too far or declares entities, too many sheets or a sheet that reaches
    too far, before calamine builds anything; return each sheet's error cells. A sheet of too many rows
    is refused once built (``read_workbook``): calamine holds a million rows of a column in 150 MB."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if sum(member.file_size for member in members) > limits["unpacked_bytes"]:
                raise Refused("unpacked", limits["unpacked_bytes"])
            for member in members:
                if member.filename.endswith((".xml", ".rels")):
                    with archive.open(member) as stream:
                        if b"<!DOCTYPE" in stream.read(4096).upper():  # entities: Excel never writes them
                            raise Refused("unreadable")
            paths = worksheet_paths(archive)
            if len(paths) > limits["max_sheets"]:
                raise Refused("too_many_sheets", len(paths), limits["max_sheets"])
            for name, sheet_path in paths.items():
                far = farthest_cell(archive, sheet_path, limits["max_cells"])
                if far is not None and far[0] * far[1] > limits["max_cells"]:
                    raise Refused("too_far", name, *far)
            return {name: error_cells(archive, sheet_path) for name, sheet_path in paths.items()}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return {}  # damaged: calamine says what is wrong with it


# Writing the rows ----------------------------------------------------------------------------


class Output:
    """Chunks of rows pickled one after another, then the index of where each sheet's are."""

    def __init__(self, stream):
        self.stream = stream
        self.sheets = []

    def sheet(self, name: str, rows, *, merged=(), errors=()) -> None:
        offsets, height, width, chunk, cells = [], 0, 0, [], 0
        for row in rows:
            chunk.append(row)
            height += 1
            width = max(width, len(row))
            cells += len(row)
            if len(chunk) == CHUNK_ROWS or cells >= CHUNK_CELLS:
                offsets.append(self._dump(chunk))
                chunk, cells = [], 0
        if chunk:
            offsets.append(self._dump(chunk))
        self.sheets.append((name, height, width, list(merged), list(errors), offsets))

    def _dump(self, value) -> int:
        offset = self.stream.tell()
        pickle.dump(value, self.stream, protocol=pickle.HIGHEST_PROTOCOL)
        return offset

    def finish(self, index: dict) -> None:
        offset = self._dump(index)
        self.stream.write(offset.to_bytes(8, "little"))
        self.stream.flush()


def _grid_rows(sheet):
    """The sheet's rows from A1, as ``to_python(skip_empty_area=False)`` gives them, one at a time:
    ``iter_rows`` starts at row 1 but at the sheet's first filled column."""
    first_column = sheet.start[1] if sheet.start else 0
    if not first_column:
        return iter(sheet.iter_rows())
    padding = [""] * first_column
    return (padding + row for row in sheet.iter_rows())


def _cells_checked(name: str, rows, max_chars: int):
    """The rows, refusing a text longer than a cell may hold (it names the cell)."""
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            if value.__class__ is str and len(value) > max_chars:
                raise Refused("cell_too_long", name, number, column, len(value), max_chars)
        yield row


def read_workbook(path: str, limits: dict, output: Output) -> None:
    with open(path, "rb") as file:
        start = file.read(1 << 20)
    # A workbook saved with a password (Excel's 用密码进行加密) is an OLE file holding the encrypted one.
    if start.startswith(b"\xd0\xcf\x11\xe0") and "EncryptionInfo".encode("utf-16-le") in start:
        raise Refused("password")
    errors = _archive_checks(path, limits) if start.startswith(b"PK\x03\x04") else {}
    workbook = _calamine(lambda: python_calamine.CalamineWorkbook.from_path(path))
    names = _calamine(lambda: workbook.sheet_names)
    if len(names) > limits["max_sheets"]:
        raise Refused("too_many_sheets", len(names), limits["max_sheets"])
    for name in names:
        sheet = _calamine(lambda name=name: workbook.get_sheet_by_name(name))
        rows, columns = (sheet.end[0] + 1, sheet.end[1] + 1) if sheet.end else (0, 0)
        if rows > limits["max_rows"]:
            raise Refused("too_many_rows", name, rows, limits["max_rows"])
        if rows * columns > limits["max_cells"]:  # the rows are given from A1, however far the first filled cell is
            raise Refused("too_far", name, rows, columns)
        merged = [(top, left, bottom, right) for (top, left), (bottom, right) in (sheet.merged_cell_ranges or ())]
        output.sheet(name, _cells_checked(name, _grid_rows(sheet), limits["max_cell_chars"]), merged=merged,
                     errors=errors.get(name, ()))
        del sheet  # one sheet in memory at a time


def _calamine(call):
    """What calamine gives; every error it raises means "unreadable" (or "protected by a password")."""
    try:
        return call()
    except MemoryError:
        raise
    except Exception as error:  # noqa: BLE001 - calamine raises several kinds
        if "password" in str(error).lower() or type(error).__name__ == "PasswordError":
            raise Refused("password") from None
        raise Refused("unreadable") from None


def read_csv(path: str, limits: dict, output: Output) -> None:
    """UTF-8 (with or without BOM), else GB18030 (which includes GBK and GB2312); the dialect sniffed."""
    with open(path, "rb") as file:
        content = file.read()
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Refused("csv_utf16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            break
    else:
        raise Refused("csv_encoding")
    del content
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",\t;")
        dialect.doublequote = True  # as Excel and WPS write a quote inside a value ("" for "), sniffed or not
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(limits["max_cell_chars"])
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True)
    line = [1]

    def rows():
        cells = 0
        try:
            for number, row in enumerate(reader, start=1):
                cells += len(row)
                if number > limits["max_rows"]:
                    raise Refused("too_many_rows", "", number, limits["max_rows"])
                if cells > limits["max_cells"]:
                    raise Refused("too_big")
                yield row
                line[0] = reader.line_num + 1
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise Refused("csv_cell_too_long", line[0], limits["max_cell_chars"]) from None
            raise Refused("csv_quote", line[0]) from None

    output.sheet("", rows())


def main() -> None:
    path, kind, limits = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    memory, seconds, output_bytes = limits["memory_bytes"], limits["seconds"], limits["output_bytes"]
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # The caller waits as long; this ends the reader even when the caller is gone.
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))
    # A few cells can stand for many (one long text shared by a million cells): the output is bounded too.
    resource.setrlimit(resource.RLIMIT_FSIZE, (output_bytes, output_bytes))
    output = Output(sys.stdout.buffer)
    try:
        try:
            (read_csv if kind == "csv" else read_workbook)(path, limits, output)
            index = {"sheets": output.sheets}
        except Refused as refused:
            index = {"refused": refused.args}
        output.finish(index)
    except MemoryError:
        sys.exit(TOO_BIG)
    except OSError as error:
        if error.errno != errno.EFBIG:  # the output's limit (Python ignores SIGXFSZ)
            raise
        sys.exit(TOO_BIG)


if __name__ == "__main__":
    main()
