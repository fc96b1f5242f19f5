"""Evidence files: a size limit and a type read from the file's first bytes, never from its name or the
browser's word (a renamed .exe stays refused). Small on purpose, so that a shared core validator can
take its place."""

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES_DEFAULT = 10 * 1024 * 1024


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str


def max_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", MAX_BYTES_DEFAULT))


def _office(head: bytes, upload) -> Sniffed | None:
    """A .docx or .xlsx: a zip holding the Office parts (an arbitrary zip is refused)."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(io.BytesIO(upload.read())) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if any(name.startswith("word/") for name in names):
        return Sniffed("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
    if any(name.startswith("xl/") for name in names):
        return Sniffed("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
    return None


def sniff(upload) -> Sniffed | None:
    """The file's type from its content: PDF, JPEG, PNG, Word or Excel; None for anything else."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return Sniffed("application/pdf", "pdf")
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image/jpeg", "jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image/png", "png")
    if head.startswith(b"PK\x03\x04"):
        return _office(head, upload)
    return None


def evidence_check(upload, *, field: str = "files") -> Sniffed:
    """The upload's sniffed type, or a ValidationError on ``field`` naming the file and what is wrong."""
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1]
    size = getattr(upload, "size", None)
    if not size:
        raise ValidationError({field: _("Evidence %(name)s: the file is empty.") % {"name": name}})
    if size > max_bytes():
        raise ValidationError({field: _("Evidence %(name)s: %(size).1f MB is more than the %(limit)d MB allowed.") % {
            "name": name, "size": size / 1024 / 1024, "limit": max_bytes() // 1024 // 1024}})
    found = sniff(upload)
    if found is None:
        raise ValidationError({field: _("Evidence %(name)s: only PDF, JPEG, PNG, Word (.docx) and Excel (.xlsx) "
                                        "files are accepted; this file is none of them.") % {"name": name}})
    return found
