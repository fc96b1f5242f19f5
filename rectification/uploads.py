"""Evidence files of a plan: the shared check (core.uploads) with its message on the form's field."""

from django.utils.translation import gettext as _

from core.uploads import Sniffed, attachment_check


def evidence_check(upload, *, field: str = "files") -> Sniffed:
    """The upload's sniffed type, or a ValidationError on ``field`` naming the file and what is wrong."""
    return attachment_check(upload, label=_("Evidence"), field=field)
