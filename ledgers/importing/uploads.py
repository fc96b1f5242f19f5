"""An uploaded ledger file, checked before it is kept; ledgers.jobs runs its preview and commit in a worker."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.uploads import spreadsheet_check
from ledgers.reading import EXTENSIONS

CHANGES_LISTED = 500  # rows whose changes the preview lists, field by field


def upload_check(*, name: str, size: int) -> None:
    """Refuse a file that cannot be a ledger before keeping it: its kind by name, its size (UPLOAD_MAX_BYTES)."""
    try:
        spreadsheet_check(name=name, size=size, label=_("Ledger file"), suffixes=EXTENSIONS)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
