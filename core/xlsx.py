"""Writing .xlsx files: XlsxWriter, with text always written as text.

Every workbook Jinwei writes starts here. A text typed by a person is never turned into a formula,
a link or a number ("=HYPERLINK(…)", "+86 …", "-1", "@…", "http://…" stay as typed), and the
control characters XML cannot hold are left out (XlsxWriter would write them as _x0007_, which
Excel shows as such). Write text with ``worksheet.write_string(…, text(value))``.
"""

import re

import xlsxwriter

TEXT_ONLY = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def new_workbook(target, *, constant_memory: bool = True) -> xlsxwriter.Workbook:
    """A workbook for ``target`` (a path or a binary file). In constant-memory mode rows stream to a
    temporary file, each written once, top to bottom: for large tables."""
    return xlsxwriter.Workbook(target, {**TEXT_ONLY, "constant_memory": constant_memory})


def text(value: str) -> str:
    """The text as a cell can hold it."""
    return CONTROL_CHARACTERS.sub("", value) if CONTROL_CHARACTERS.search(value) else value
