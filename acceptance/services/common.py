"""What the acceptance services share: the refusal, the lock, and saving a change with its tallies and audit row."""

from django.core.exceptions import ValidationError

from acceptance import tallies
from acceptance.models import Acceptance
from core.formatting import percent
from core.services import audit_record

__all__ = ["percent", "refuse", "locked", "state_of", "saved"]


def refuse(field: str, message: str):
    raise ValidationError({field: message})


def locked(acceptance: Acceptance) -> Acceptance:
    return Acceptance.objects.select_for_update(of=("self",)).select_related(
        "cycle__owner", "organization__parent", "grading", "survey").get(pk=acceptance.pk)


def state_of(acceptance: Acceptance) -> dict:
    return {"state": acceptance.state, "accepted_grade": acceptance.accepted_grade,
            "accepted_stars": acceptance.accepted_stars, "accepted_title": acceptance.accepted_title,
            "revisit": acceptance.revisit}


def saved(*, actor, acceptance: Acceptance, before_keys: set, before: dict, action: str, fields: list[str],
          reason: str = "") -> Acceptance:
    """Save named fields, move the acceptance's counts at every level above it and write the audit row, all in
    the caller's transaction."""
    acceptance.save(update_fields=[*fields, "updated_at"])
    tallies.apply(cycle=acceptance.cycle, changes=[(acceptance.organization.path, before_keys,
                                                    tallies.keys_of(acceptance))])
    audit_record(actor=actor, obj=acceptance, organization=acceptance.organization, action=action, before=before,
                 after=state_of(acceptance), reason=reason)
    return acceptance
