"""Importing a ledger file into a cycle: a preview that lists every problem, then one all-or-nothing commit.

By sub-topic: ``values`` (the cells' parsers), ``matching`` (which organization a row is about),
``planning`` (what each row changes: the preview), ``writing`` (the commit), ``uploads`` (the
uploaded file's check).
"""

from ledgers.importing.planning import Preview, RowPlan, ledger_import_preview, plan_changes  # noqa: F401
from ledgers.importing.uploads import (  # noqa: F401
    CHANGES_LISTED,
    upload_check,
)
from ledgers.importing.values import BadValue  # noqa: F401
from ledgers.importing.writing import ImportRefused, ledger_import_commit  # noqa: F401
