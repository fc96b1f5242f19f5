"""Reading a workbook (.xlsx, .xls) in a process of its own, for ledgers.reading.

python-calamine builds each sheet whole, from A1 to its farthest filled cell, and when that does not
fit in memory it ends the whole process: a stray value at XFD1048576 in a 2 KB file would take a
server worker down with it. Run here, under a memory limit and a time limit, it can only end this
process, and the upload page says the file could not be read.

Standard library and python-calamine only, so that it starts in a fraction of a second.
Input: the file's bytes on stdin; arguments: the most cells a sheet may span, the memory limit in
bytes, the time limit in seconds of CPU, and a pipe's descriptor on which the importer says which
sheet's rows it wants, and which of their cells are which (``prepared_rows``), once it has found
the header in the sheets' first rows. Output on stdout: frames (``send``), each a kind (M:
marshalled, P: pickled, for dates), its length and its value, sent as soon as they are known, so
that the importer checks the first rows while the rest are turned into values:

    ("sheets", [(name, rows, the first HEAD_ROWS + 1 rows,
                 ranges merged down a column)])            once every sheet is parsed
    ("rows", [prepared rows])                              the chosen sheet's other rows, in chunks
    ("errors", {name: error cells})                        last
    ("refused", (reason, …))                               instead of any of them, or after some

Turning the ledger's cells into values (``prepared_rows``) is done here, beside the importer's
checks, for the rows after the first ones; the importer does it for a CSV file and for the first
rows with the same functions.
"""

import datetime
import gc
import io
import itertools
import marshal
import pickle
import re
import resource
import sys
import threading
import zipfile

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
    """A long text (基本情况, 整改措施) keeps its line breaks; each line loses its padding."""
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


def is_filled(value) -> bool:
    if value.__class__ is str:
        return bool(value) and not value.isspace()
    return value is not None


def _merged_cells(merged: list[tuple[int, int, int]], first: int, above: list[list], start: int):
    """A function of (a row's number, 0-based, and its cells) → {index: value} of its empty cells that a
    range merged down one column gives it, for rows from ``first`` on, taken in order; None without
    such ranges. ``merged``: (top row, column, bottom row); only the ranges that start at or below
    ``start`` (the first data row) count. ``above``: the rows before ``first``."""
    tops: dict[int, list[tuple[int, int]]] = {}
    for top, column, bottom in merged:
        if top >= start and bottom >= first:
            tops.setdefault(top, []).append((column, bottom))
    if not tops:
        return None
    active: dict[int, tuple[object, int]] = {}  # column → (its range's value, the range's bottom row)
    for top in sorted(row for row in tops if row < first):
        for column, bottom in tops[top]:
            row = above[top] if top < len(above) else []
            active[column] = (row[column] if column < len(row) else "", bottom)

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


def merged_down(sheet) -> list[tuple[int, int, int]]:
    """A calamine sheet's ranges merged down one column: (top row, column, bottom row), 0-based."""
    return [(top, left, bottom) for (top, left), (bottom, right) in (sheet.merged_cell_ranges or ())
            if left == right and bottom > top]


def prepared_rows(rows, columns: list[tuple[str, int, str]], merged: list[tuple[int, int, int]] = (), first: int = 0,
                  above: list[list] = (), start: int = 0):
    """Each row as (its filled cells of ``columns`` by key, each normalized as its kind says;
    {index: value} of its other filled cells, as they are; the cells of ``columns`` that a range
    merged down a column gives it, by key, normalized: a unit, a leader or a deadline merged over the
    branches it is for). ``columns``: (key, 0-based index, kind). The rows are the sheet's from row
    ``first`` (0-based); ``merged``, ``above`` and ``start``: see ``_merged_cells``. The merged cells
    are kept apart: they do not make a blank row, a group row or a note a data row.

    Written for 100,000 rows: each cell of the columns is normalized once; the other cells are
    looked at only when the row has some."""
    readers = [(key, index, NORMALIZERS[kind]) for key, index, kind in columns]
    by_index = {index: (key, NORMALIZERS[kind]) for key, index, kind in columns}
    mapped = set(by_index)
    needed = max(mapped) + 1
    unmapped_by_width: dict[int, list[int]] = {}
    merged_cells = _merged_cells(merged, first, above, start) if merged else None
    for number, raw in enumerate(rows, start=first):
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


# Workbooks ------------------------------------------------------------------------------------


def column_number(letters: str) -> int:
    """A → 1, Z → 26, AA → 27."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def worksheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the path of its XML in the .xlsx archive ({} when the workbook's list cannot be read)."""
    from xml.etree import ElementTree

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


def error_cells(archive: zipfile.ZipFile, path: str) -> list[tuple[int, int, str]]:
    """The sheet's Excel error cells (#N/A, #DIV/0!): row and column, 0-based, and the error. calamine
    reads them as empty cells, which would pass for "nothing to change"."""
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


def _chunks(archive: zipfile.ZipFile, path: str):
    """The sheet's XML in pieces that overlap, so that no tag is cut in two."""
    tail = b""
    with archive.open(path) as stream:
        while chunk := stream.read(CHUNK):
            yield tail + chunk
            tail = chunk[-OVERLAP:]


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


HEAD_ROWS = 30  # the rows a header is looked for in (ledgers.reading.HEADER_SCAN_ROWS)
CHUNK_ROWS = 2000


def send(out, value) -> None:
    """One frame: its kind, the length of its bytes (8 bytes, little-endian) and its bytes."""
    try:  # marshal writes plain values five times faster than pickle; dates need pickle
        kind, data = b"M", marshal.dumps(value)
    except ValueError:
        kind, data = b"P", pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(kind + len(data).to_bytes(8, "little"))
    out.write(data)
    out.flush()  # the importer may be waiting for it


def read(content: bytes, max_cells: int, out, plans: int) -> None:
    """Send the frames for ``content``; once the sheets are sent, wait on the pipe ``plans`` for the
    importer to say which sheet's rows it wants (``wanted``)."""
    import python_calamine

    # A workbook saved with a password (Excel's 用密码进行加密) is an OLE file holding the encrypted one.
    if content.startswith(b"\xd0\xcf\x11\xe0") and "EncryptionInfo".encode("utf-16-le") in content[:1 << 20]:
        send(out, ("refused", ("password",)))
        return
    paths = {}
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                paths = worksheet_paths(archive)
                for name, path in paths.items():
                    far = farthest_cell(archive, path, max_cells)
                    if far is not None and far[0] * far[1] > max_cells:
                        send(out, ("refused", ("too_far", name, *far)))
                        return
        except Exception:  # noqa: BLE001 - a damaged archive: calamine says what is wrong with it
            paths = {}
    # The search for error cells runs beside calamine, which lets go of the interpreter while it reads.
    errors: dict[str, list] = {}
    search = threading.Thread(target=_find_errors, args=(content, paths, errors))
    search.start()
    try:
        try:
            workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
            sheets = []
            for name in workbook.sheet_names:
                sheet = workbook.get_sheet_by_name(name)
                if sheet.height * sheet.width > max_cells:
                    send(out, ("refused", ("too_far", name, sheet.height, sheet.width)))
                    return
                sheets.append((name, sheet, _grid_rows(sheet)))
            # Sent first: the rows the header is looked for in, and the row under them (its second row).
            heads = [list(itertools.islice(rows, HEAD_ROWS + 1)) for _name, _sheet, rows in sheets]
        except Exception as error:  # noqa: BLE001 - calamine raises several kinds; every one means "unreadable"
            if "password" in str(error).lower() or type(error).__name__ == "PasswordError":
                send(out, ("refused", ("password",)))
            else:
                send(out, ("refused", ("unreadable",)))
            return
        merges = [merged_down(sheet) for _name, sheet, _rows in sheets]
        send(out, ("sheets", [(name, sheet.end[0] + 1 if sheet.end else 0, head, merged)
                              for (name, sheet, _rows), head, merged in zip(sheets, heads, merges, strict=True)]))
        if (plan := wanted(plans)) is not None:
            index, columns, start = plan
            rows = prepared_rows(sheets[index][2], columns, merges[index], HEAD_ROWS + 1, heads[index], start)
            while chunk := list(itertools.islice(rows, CHUNK_ROWS)):
                send(out, ("rows", chunk))
    finally:
        search.join()
    send(out, ("errors", errors))


def _grid_rows(sheet):
    """The sheet's rows from A1, as ``to_python(skip_empty_area=False)`` gives them, one at a time:
    ``iter_rows`` starts at row 1 but at the sheet's first filled column."""
    first_column = sheet.start[1] if sheet.start else 0
    if not first_column:
        return iter(sheet.iter_rows())
    padding = [""] * first_column
    return (padding + row for row in sheet.iter_rows())


def _find_errors(content: bytes, paths: dict[str, str], errors: dict[str, list]) -> None:
    if not paths:  # not an .xlsx, or one whose sheets could not be listed
        return
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for name, path in paths.items():
                errors[name] = error_cells(archive, path)
    except Exception:  # noqa: BLE001 - a damaged archive: calamine says what is wrong with it
        errors.clear()


OUT_OF_MEMORY = 3  # the exit status when Python itself runs out of memory (calamine aborts: a signal)


def wanted(plans: int) -> tuple | None:
    """What the importer wants, from the pipe it writes once and closes: (a sheet's index, the columns
    its rows are prepared by, its first data row: ``prepared_rows``), or None when it closes the pipe
    without writing."""
    with open(plans, "rb") as pipe:
        data = pipe.read()
    return marshal.loads(data) if data else None


def main() -> None:
    max_cells, memory, seconds, plans = (int(argument) for argument in sys.argv[1:5])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # The parent waits as long; this ends the reader even when the parent is gone.
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))
    # Nothing built here forms a cycle, and the cycle collector would walk the million new cells
    # again and again while calamine makes them (a fifth of the read).
    gc.disable()
    try:
        read(sys.stdin.buffer.read(), max_cells, sys.stdout.buffer, plans)
        sys.stdout.buffer.flush()
    except MemoryError:
        sys.exit(OUT_OF_MEMORY)
    except BrokenPipeError:  # the importer stopped reading (it found a problem, or it was stopped)
        sys.exit(0)


if __name__ == "__main__":
    main()
