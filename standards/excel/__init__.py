"""A standard's structure as an Excel sheet people edit, and back.

``standard_to_xlsx`` writes one worksheet laid out like the official table (title, issuer line,
header row, one row per item with the indicator merged over its items, a 合计 row, then the
直接定为后进情形 section). ``standard_from_xlsx`` reads such a sheet back, forgiving of what people
do in Excel (rows and columns moved, cells merged or repeated, numbers typed as full-width text)
and naming the cell of every problem. Both are pure conversions: nothing is saved here, callers
pass the result to ``standards.services``.

The sheet's own headers and titles are fixed Chinese text (the official table), not translated
strings; the error messages are translated.

By sub-topic: the sheet's layout, writing it, reading it back.
"""

from standards.excel.reading import standard_from_xlsx
from standards.excel.writing import standard_to_xlsx

__all__ = ["standard_to_xlsx", "standard_from_xlsx"]
