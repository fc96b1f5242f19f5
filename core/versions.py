"""Edits that do not lose another person's save: an edit form carries the version of the row it was read at
(its ``updated_at``), and the service, holding the row's lock, refuses to save over a newer version when that
would change what the other person saved, naming each such field with both values. Saving the refused form
again (it then carries the newer version) keeps the person's own values, knowingly.
"""

import datetime
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from core.formatting import person
from core.models import AuditEvent


def version_of(obj: models.Model | None) -> str:
    """The version a form carries: the row's last save, to the microsecond; "" for a row not made yet."""
    updated = getattr(obj, "updated_at", None) if obj is not None else None
    return updated.isoformat() if isinstance(updated, datetime.datetime) else ""


class VersionField(forms.CharField):
    """The hidden field in which an edit form carries ``version_of`` the row it shows."""

    def __init__(self, **kwargs):
        super().__init__(required=False, widget=forms.HiddenInput, **kwargs)


class EditConflict(ValidationError):
    """Another person saved the row since the form was read; ``current_version`` is theirs."""

    def __init__(self, message, current_version: str):
        super().__init__(message)
        self.current_version = current_version


def _shown(obj: models.Model, name: str, value: Any) -> str:
    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:
        field = None
    if value in (None, ""):
        return "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _label(obj: models.Model, name: str) -> str:
    try:
        label = str(obj._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        label = name
    return label[:1].upper() + label[1:]


def refuse_if_newer(obj: models.Model | None, version: str | None, submitted: dict[str, Any]) -> None:
    """Raise EditConflict when ``obj`` (locked by the caller; None when there is none yet) was saved after the
    form read ``version`` and saving ``submitted`` would change what that save left. ``version`` None is a
    caller that read no version (the API, an import): nothing is checked."""
    if version is None or version == version_of(obj) or obj is None:
        return
    differing = {name: value for name, value in submitted.items() if getattr(obj, name, value) != value}
    if not differing:
        return
    last = AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related(
        "actor").order_by("-id").first()
    intro = _("%(person)s saved this at %(time)s, after you opened the page, so nothing was saved now. Compare "
              "the values below; to keep yours, save again.") % {
        "person": person(last.actor) if last else _("Someone"),
        "time": timezone.localtime(last.time if last else obj.updated_at).strftime("%Y-%m-%d %H:%M")}
    errors: dict[str, list[str]] = {NON_FIELD_ERRORS: [intro]}
    for name, value in differing.items():
        errors[name] = [_("%(field)s: you entered %(yours)s; saved meanwhile: %(theirs)s.") % {
            "field": _label(obj, name), "yours": _shown(obj, name, value),
            "theirs": _shown(obj, name, getattr(obj, name))}]
    raise EditConflict(errors, current_version=version_of(obj))
