from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.audit import AuditValue


class LedgersConfig(AppConfig):
    name = "ledgers"
    verbose_name = _("Ledger")
    # What each audit action of this app means, and the values it writes besides model fields (core.audit).
    audit_actions = {
        "ledger.entry": _("Rectification entry saved"),
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
        "entries_new": AuditValue(_("entries added")),
        "entries_changed": AuditValue(_("entries changed")),
        "warnings": AuditValue(_("warnings")),
        "problems": AuditValue(_("problems found in the file")),
    }
