"""Writes on standards and score sheets.

A standard's content changes through ``standard_revise`` (a new version once frozen) or, for an
error found after sheets were entered, ``standard_correct`` (in place, with a reason, re-scoring
every sheet). Sheets change through deductions and veto marks; each change re-scores the sheet
with the pure rules of ``standards.rules`` and writes its audit event in the same transaction.

By sub-topic: a standard's versions and content, and the score sheets.
"""

from standards.services.sheets import (
    SHEET_WRITE_BATCH,
    deduction_add,
    deduction_remove,
    organization_sheets_follow,
    satisfaction_record,
    scheme_of,
    score_sheet_open,
    sheets_follow_data,
    sheets_rescore,
    star_bands_of,
    veto_mark,
    veto_unmark,
)
from standards.services.standard import (
    item_update,
    standard_correct,
    standard_create,
    standard_create_default,
    standard_derive,
    standard_revise,
)

__all__ = ["standard_create", "standard_create_default", "standard_derive", "standard_revise", "item_update", "standard_correct", "SHEET_WRITE_BATCH", "scheme_of", "star_bands_of", "sheets_rescore", "score_sheet_open", "deduction_add", "deduction_remove", "veto_mark", "veto_unmark", "sheets_follow_data", "satisfaction_record", "organization_sheets_follow"]
