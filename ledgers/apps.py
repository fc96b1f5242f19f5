from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.audit import AuditValue


class LedgersConfig(AppConfig):
    name = "ledgers"
    verbose_name = _("Ledger")
    # What each audit action of this app means, and the values it writes besides model fields (core.audit).
    audit_actions = {
        "ledger.entry": _("Rectification entry saved"),
        "ledger.entry_moved": _("Rectification entry moved into the plan"),
        "ledger.import": _("Ledger imported"),
    }
    audit_values = {
        "file": AuditValue(_("file")),
        "level": AuditValue(field="cycles.LevelList.organization"),
        "rows": AuditValue(_("rows read")),
        "matched": AuditValue(_("rows matched to an organization")),
        "unchanged": AuditValue(_("rows unchanged")),
        "organizations_changed": AuditValue(_("organizations changed")),
        "facts_new": AuditValue(_("basic facts added")),
        "facts_changed": AuditValue(_("basic facts changed")),
        "plans_new": AuditValue(_("plans started")),
        "plans_changed": AuditValue(_("plans changed")),
        "warnings": AuditValue(_("warnings")),
        # The rectification entries of old (ledger.entry, ledger.entry_moved): their fields as typed.
        "target_grade": AuditValue(field="rectification.Plan.target_grade"),
        "measures": AuditValue(field="rectification.Measure.text"),
        "deadline": AuditValue(field="rectification.Measure.deadline"),
        "deadline_text": AuditValue(_("deadline as written")),
        "assisting_unit": AuditValue(field="rectification.Measure.assisting_unit"),
        "liaison_leader": AuditValue(field="rectification.Measure.liaison_leader"),
        "responsible_person": AuditValue(field="rectification.Measure.responsible_person"),
        "plan": AuditValue(field="rectification.Measure.plan"),
        "measures_added": AuditValue(_("measures added to the plan")),
        "problems": AuditValue(_("problems found in the file")),
    }
