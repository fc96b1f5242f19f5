"""The audit read as sentences: each action in words, each value under its field's label, in its choice's words.

Each app declares, on its AppConfig (apps.py), what its own actions write:

* ``audit_actions``: action code → label, e.g. ``{"sheet.deduct": _("Points deducted")}``;
* ``audit_values``: the keys of its actions' before/after values that are not fields of the audited model,
  or that read better otherwise: key → ``AuditValue`` (a label, a model field whose label, choices and type
  render it, or a share shown as a percentage).

Core reads them through Django's app registry, so it imports no app above it. A value's key is read first
as the owning app declares it, then as a field of the audited model; a value as the field's choice label,
the related object's name (a person's full name), a date, a percentage, or, inside lists and mappings, as
any choice of the project whose code it is (a grade, a step).
"""

import datetime
import functools
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from core.formatting import percent, person


@dataclass(frozen=True)
class AuditValue:
    """How one key of an app's audit values reads: its ``label`` (else the label of ``field``), rendered as
    ``field`` ("app_label.Model.field") renders its values, or as a percentage (``percent``, a share 0–1)."""

    label: object = None
    field: str = ""
    percent: bool = False

    def resolved_field(self) -> models.Field | None:
        if not self.field:
            return None
        app_label, model_name, name = self.field.split(".")
        return apps.get_model(app_label, model_name)._meta.get_field(name)


def action_labels() -> dict[str, object]:
    """Every action code of every app with its label (each AppConfig's ``audit_actions``)."""
    labels = {}
    for config in apps.get_app_configs():
        labels.update(getattr(config, "audit_actions", {}))
    return labels


def action_label(action: str) -> str:
    return str(action_labels().get(action, action))


def _declared_values(action: str) -> dict[str, AuditValue]:
    """The ``audit_values`` of the app that declares the action."""
    for config in apps.get_app_configs():
        if action in getattr(config, "audit_actions", {}):
            return getattr(config, "audit_values", {})
    return {}


@functools.cache
def _code_labels() -> dict[str, object]:
    """Every choice code of the project with its label, where the code means one thing only (a grade, a step,
    a sector…): the words for codes found in lists and mappings, which no field names. Apps add the choices
    no model field carries in ``audit_codes``."""
    found: dict[str, set] = {}
    labels: dict[str, object] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for code, label in getattr(field, "flatchoices", None) or ():
                found.setdefault(str(code), set()).add(str(label))
                labels[str(code)] = label
    for config in apps.get_app_configs():
        for code, label in getattr(config, "audit_codes", {}).items():
            found.setdefault(code, set()).add(str(label))
            labels[code] = label
    return {code: label for code, label in labels.items() if len(found[code]) == 1}


class _Reader:
    """Reads one event's values: the audited model's fields and the owning app's declarations."""

    def __init__(self, event):
        try:
            self.model = apps.get_model(event.object_type)
        except (LookupError, ValueError):
            self.model = None
        self.declared = _declared_values(event.action)

    def describe(self, key: str) -> tuple[str, models.Field | None, bool, bool]:
        """(label, field, as a percentage, known) for a key."""
        declared = self.declared.get(key)
        if declared is not None:
            field = declared.resolved_field()
            label = declared.label if declared.label is not None else getattr(field, "verbose_name", key)
            return str(label), field, declared.percent, True
        if self.model is not None:
            try:
                field = self.model._meta.get_field(key)
            except FieldDoesNotExist:
                field = None
            if field is not None and hasattr(field, "verbose_name"):
                return str(field.verbose_name), field, False, True
        code = _code_labels().get(key)
        return (str(code), None, False, True) if code is not None else (key, None, False, False)

    def lines(self, values) -> list[tuple[str, str]]:
        if not isinstance(values, dict):
            return [("", self.text(None, False, values))] if values not in (None, "", [], {}) else []
        result = []
        for key, value in values.items():
            label, field, as_percent, _known = self.describe(str(key))
            result.append((label, self.text(field, as_percent, value)))
        return result

    def unknown_keys(self, values) -> list[str]:
        """The keys that would show as written (no field, no declaration, no choice): a test keeps this empty."""
        keys = []
        if isinstance(values, dict):
            for key, value in values.items():
                if not self.describe(str(key))[3]:
                    keys.append(str(key))
                if isinstance(value, dict):
                    keys += self.unknown_keys(value)
                elif isinstance(value, list):
                    for item in value:
                        keys += self.unknown_keys(item)
        return keys

    def text(self, field, as_percent: bool, value) -> str:
        if value is None or value == "" or value == [] or value == {}:
            return "—"
        if as_percent:
            return percent(value)
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, list):
            return "、".join(self.text(None, False, item) for item in value)
        if isinstance(value, dict):
            parts = []
            for key, item in value.items():
                label, sub_field, sub_percent, _known = self.describe(str(key))
                parts.append(f"{label} {self.text(sub_field, sub_percent, item)}")
            return "，".join(parts)
        if field is not None:
            return self.field_text(field, value)
        return str(_code_labels().get(str(value), value))

    def field_text(self, field: models.Field, value) -> str:
        if getattr(field, "flatchoices", None):
            return str(dict((str(code), label) for code, label in field.flatchoices).get(str(value), value))
        if field.is_relation and field.related_model is not None:
            return _related(field.related_model, value)
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            try:
                moment = datetime.datetime.fromisoformat(value)
            except ValueError:
                return value
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return moment.strftime("%Y-%m-%d %H:%M")
        if isinstance(field, models.JSONField):
            return self.text(None, False, value)
        return str(value)


def _related(model, value) -> str:
    """The related object a stored key (or, in older events, a login name) points at, by its name."""
    user_model = get_user_model()
    try:
        if model is user_model:
            user = (user_model.objects.filter(pk=value).first() if isinstance(value, int) or str(value).isdigit()
                    else user_model.objects.filter(**{user_model.USERNAME_FIELD: value}).first())
            return person(user) if user is not None else str(value)
        found = model._default_manager.filter(pk=value).first()
    except (ValueError, TypeError):
        return str(value)
    return str(found) if found is not None else str(value)


def audit_lines(event, values) -> list[tuple[str, str]]:
    """An event's before or after values as (label, text) lines, in the words of the model and its app."""
    return _Reader(event).lines(values)


def audit_unknown_keys(event) -> list[str]:
    """Keys of an event's values that would show as written: none, once every app declares its own."""
    reader = _Reader(event)
    return reader.unknown_keys(event.before) + reader.unknown_keys(event.after)


def audit_object(event) -> str:
    """The audited object as people know it: a person by their full name, anything else as it was named."""
    user_model = get_user_model()
    if event.object_type == user_model._meta.label_lower:
        return _related(user_model, event.object_id)
    return event.object_repr
