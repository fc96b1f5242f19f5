"""Writes of the ledger: an organization's rectification entry for a cycle (整改情况)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.services import audit_record, changed_fields, snapshot
from cycles import access as cycle_access
from cycles import selectors as cycle_selectors
from cycles.models import Cycle, Grading
from ledgers import access
from ledgers.importing.values import BadValue, parse_deadline
from ledgers.models import ENTRY_FIELDS, LedgerEntry
from orgs import services as org_services
from orgs.models import Organization
from standards.choices import Grade

_TEXT_LIMITS = {"deadline_text": 64, "assisting_unit": 200, "liaison_leader": 64, "responsible_person": 64}


def _written_deadline(text: str) -> datetime.date | None:
    """The date a deadline as written means (2012年底 → 2012-12-31); None for other words."""
    try:
        return parse_deadline(text)[0] if text else None
    except BadValue:
        return None


@transaction.atomic
def ledger_entry_save(*, actor, cycle: Cycle, organization: Organization, target_grade: str = "", measures: str = "",
                      deadline: datetime.date | None = None, deadline_text: str = "", assisting_unit: str = "",
                      liaison_leader: str = "", responsible_person: str = "") -> LedgerEntry:
    """Write the organization's upgrade target and rectification for the cycle (晋位升级目标、整改措施、
    整改时限、帮扶单位、联系领导、整改责任人); nothing changes and nothing is audited when nothing differs."""
    organization = org_services.organization_lock(organization)
    cycle_access.require(actor, access.can_edit_entry(actor, organization), organization)
    grading = Grading.objects.filter(cycle=cycle, organization=organization).select_related("cycle", "organization").first()
    if grading is None:
        raise ValidationError({"organization": _("%(name)s is not graded in this cycle.") % {"name": organization.name}})
    values = {"target_grade": target_grade or "", "measures": (measures or "").strip(), "deadline": deadline,
              "deadline_text": (deadline_text or "").strip(), "assisting_unit": (assisting_unit or "").strip(),
              "liaison_leader": (liaison_leader or "").strip(), "responsible_person": (responsible_person or "").strip()}
    errors = {}
    grades = cycle_selectors.grading_grades(grading=grading)
    if values["target_grade"] and values["target_grade"] not in grades:
        errors["target_grade"] = _("Upgrade target: %(value)s is not a grade of this standard.") % {
            "value": Grade(values["target_grade"]).label if values["target_grade"] in Grade.values else values["target_grade"]}
    for field, limit in _TEXT_LIMITS.items():
        if len(values[field]) > limit:
            errors[field] = _("%(field)s: at most %(limit)d characters.") % {
                "field": LedgerEntry._meta.get_field(field).verbose_name, "limit": limit}
    entry = LedgerEntry.objects.select_for_update().filter(cycle=cycle, organization=organization).first()
    deadline_changed = entry is None or (entry.deadline, entry.deadline_text) != (values["deadline"],
                                                                                 values["deadline_text"])
    if deadline_changed and (written := _written_deadline(values["deadline_text"])) and values["deadline"] \
            and written != values["deadline"]:
        # The date changed and the text as written did not: the ledger would print the old deadline.
        errors["deadline_text"] = _("Deadline as written: %(text)s means %(written)s, not the deadline %(deadline)s; "
                                    "change it, or clear it to print the date.") % {
            "text": values["deadline_text"], "written": written.isoformat(), "deadline": values["deadline"].isoformat()}
    if errors:
        raise ValidationError(errors)
    if entry is None:
        before = {}
        entry = LedgerEntry.objects.create(cycle=cycle, organization=organization, updated_by=actor, **values)
    else:
        changes = changed_fields(entry, values)
        if not changes:
            return entry
        before = snapshot(entry, list(changes))
        for field, value in changes.items():
            setattr(entry, field, value)
        entry.updated_by = actor
        entry.save(update_fields=[*changes, "updated_by", "updated_at"])
    audit_record(actor=actor, obj=entry, organization=organization, action="ledger.entry", before=before,
                 after=snapshot(entry, list(ENTRY_FIELDS)))
    return entry
