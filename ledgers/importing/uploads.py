"""An uploaded ledger file, checked before it is read; ledgers.jobs runs its preview and commit in a worker."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ledgers.reading import EXTENSIONS

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # 100,000 rows of the Hunan ledger are about 20 MB as .xlsx
CHANGES_LISTED = 500  # rows whose changes the preview lists, field by field


def upload_check(*, name: str, size: int) -> None:
    """Refuse a file that cannot be a ledger before reading it: its kind by name, its size."""
    if not (name or "").lower().endswith(EXTENSIONS):
        raise ValidationError({"file": _("Ledger file: please choose an .xlsx, .xls or .csv file.")})
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("Ledger file: the file is larger than 50 MB.")})
