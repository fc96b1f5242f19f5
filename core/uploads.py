"""Uploaded files, checked before anything keeps them: spreadsheets by kind and size (their content is
read later, in a worker, by core.workbooks), evidence and attachments by size and by a type read from
their first bytes, never from their name or the browser's word (a renamed .exe or web page stays
refused), and how many files one person uploads in an hour."""

import datetime
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import UploadRecord


def _megabytes(size: int) -> str:
    return f"{size / 1024**2:.1f}"


def _limit(size: int) -> str:
    return f"{size / 1024**2:g}"


def _name(upload) -> str:
    return PurePath(getattr(upload, "name", "") or "").name


# Spreadsheets ---------------------------------------------------------------------------------


def spreadsheet_check(*, name: str, size: int, label: str, suffixes: tuple[str, ...],
                      max_bytes: int | None = None) -> None:
    """Refuse, naming the field, a file that cannot be one of ``suffixes`` by its name or is too big."""
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    if not (name or "").lower().endswith(suffixes):
        raise ValidationError(_("%(label)s: please choose a %(kinds)s file.") % {
            "label": label, "kinds": _(" or ").join(suffixes)})
    if not size:
        raise ValidationError(_("%(label)s: the file %(name)s is empty.") % {"label": label, "name": PurePath(name).name})
    if size > max_bytes:
        raise ValidationError(_("%(label)s: the file %(name)s is %(size)s MB, more than the %(limit)s MB allowed. Please "
                                "delete what the table does not need, or split it into several files.") % {
            "label": label, "name": PurePath(name).name, "size": _megabytes(size), "limit": _limit(max_bytes)})


class SpreadsheetField(forms.FileField):
    """A spreadsheet to import: its kind by name and its size checked here, its content in the worker."""

    def __init__(self, *, what: str, suffixes: tuple[str, ...] = (".xlsx", ".xls", ".csv"),
                 max_bytes: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.what, self.suffixes, self.max_bytes = what, suffixes, max_bytes  # what: the file's name in messages
        self.widget.attrs["accept"] = ",".join(suffixes)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            spreadsheet_check(name=upload.name, size=upload.size, label=str(self.what), suffixes=self.suffixes,
                              max_bytes=self.max_bytes)
        return upload


# Evidence and attachments ---------------------------------------------------------------------


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word, Excel and PowerPoint 97–2003, and WPS's own files
OFFICE_PARTS = (("word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
                ("xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
                ("ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"))
OLE_TYPES = {".doc": ("application/msword", "doc"), ".xls": ("application/vnd.ms-excel", "xls"),
             ".ppt": ("application/vnd.ms-powerpoint", "ppt"), ".wps": ("application/vnd.ms-works", "wps"),
             ".et": ("application/vnd.ms-excel", "et")}


def _office(upload) -> Sniffed | None:
    """A .docx, .xlsx or .pptx: a zip holding the Office parts (an arbitrary zip is refused). Only the
    archive's list is read, never its content."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    for prefix, content_type, extension in OFFICE_PARTS:
        if any(name.startswith(prefix) for name in names):
            return Sniffed(content_type, extension)
    return None


def sniff(upload) -> Sniffed | None:
    """The file's type from its content: PDF, JPEG, PNG, GIF, Word, Excel or PowerPoint (and the
    1997–2003 kinds, by their name once the content is such a file); None for anything else."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return Sniffed("application/pdf", "pdf")
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image/jpeg", "jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image/png", "png")
    if head.startswith((b"GIF87a", b"GIF89a")):
        return Sniffed("image/gif", "gif")
    if head.startswith(b"PK\x03\x04"):
        return _office(upload)
    if head.startswith(OLE):
        known = OLE_TYPES.get(PurePath(_name(upload)).suffix.lower())
        return Sniffed(*known) if known else None
    return None


def attachment_check(upload, *, label: str, field: str | None = None) -> Sniffed:
    """The upload's type, or a ValidationError (on ``field`` when given) naming the field and the file
    and saying what is wrong."""
    name, size = _name(upload), getattr(upload, "size", None)
    message = None
    if not size:
        message = _("%(label)s %(name)s: the file is empty.") % {"label": label, "name": name}
    elif size > settings.EVIDENCE_MAX_BYTES:
        message = _("%(label)s %(name)s: %(size)s MB is more than the %(limit)s MB allowed.") % {
            "label": label, "name": name, "size": _megabytes(size), "limit": _limit(settings.EVIDENCE_MAX_BYTES)}
    elif (found := sniff(upload)) is None:
        message = _("%(label)s %(name)s: only PDF files, images (JPEG, PNG, GIF) and office files (Word, Excel, "
                    "PowerPoint, WPS) are accepted; this file is none of them.") % {"label": label, "name": name}
    if message is not None:
        raise ValidationError({field: message} if field else message)
    return found


class AttachmentField(forms.FileField):
    """An evidence file or attachment: PDF, an image or an office file, by its content, within the size allowed."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if isinstance(upload, UploadedFile):  # not the file kept already, when none is chosen
            attachment_check(upload, label=str(self.label))
        return upload


# Uploads per person and hour ------------------------------------------------------------------


def uploads_allowed(user, count: int) -> bool:
    """Record ``count`` files uploaded by ``user`` now, unless that would pass ``UPLOADS_PER_HOUR``
    within the last hour; whether they may go on."""
    since = timezone.now() - datetime.timedelta(hours=1)
    recent = UploadRecord.objects.filter(user=user, at__gte=since).count()
    if recent + count > settings.UPLOADS_PER_HOUR:
        return False
    UploadRecord.objects.bulk_create([UploadRecord(user=user) for _number in range(count)])
    UploadRecord.objects.filter(user=user, at__lt=since).delete()
    return True


class UploadRateMiddleware:
    """Refuses a signed-in person's request carrying files past their hourly allowance, before any view
    keeps them (429, with when to try again); pages and the API alike."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (request.method in ("POST", "PUT", "PATCH") and request.content_type == "multipart/form-data"
                and request.user.is_authenticated):
            count = sum(len(files) for _name, files in request.FILES.lists())
            if count and not uploads_allowed(request.user, count):
                response = render(request, "core/uploads_refused.html", {"limit": settings.UPLOADS_PER_HOUR},
                                  status=429)
                response["Retry-After"] = "3600"
                return response
        return self.get_response(request)
