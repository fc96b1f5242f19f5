"""Writes shared by every app: the audit record."""

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction

from core.models import AuditEvent


def audit_record(
    *,
    actor,
    obj: models.Model,
    action: str,
    organization=None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Write one audit event; must be called inside the transaction that makes the change."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        organization=organization,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        action=action,
        before=before,
        after=after,
        reason=reason,
    )


def audit_record_many(
    *,
    actor,
    action: str,
    changes: Iterable[tuple[models.Model, Any, dict[str, Any] | None, dict[str, Any] | None]],
    reason: str = "",
) -> int:
    """Write one audit event per change, (object, its organization, before, after), in bulk
    statements; inside the transaction that makes the changes, as ``audit_record``. Returns how many."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record_many must run inside the transaction of the changes it records")
    actor = actor if actor is not None and actor.is_authenticated else None
    events = [AuditEvent(actor=actor, organization=organization, object_type=obj._meta.label_lower,
                         object_id=str(obj.pk), object_repr=str(obj)[:255], action=action, before=before,
                         after=after, reason=reason)
              for obj, organization, before, after in changes]
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    return len(events)


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of an object as JSON-safe values, for an audit event's before/after."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        values[name] = value if value is None or isinstance(value, (int, str, bool, float)) else str(value)
    return values


def changed_fields(obj: models.Model, data: dict[str, Any]) -> dict[str, Any]:
    """The entries of ``data`` whose value differs from the object's current value."""
    return {name: value for name, value in data.items() if getattr(obj, name) != value}
