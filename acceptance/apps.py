from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.audit import AuditValue


class AcceptanceConfig(AppConfig):
    name = "acceptance"
    verbose_name = _("Acceptance")
    # What each audit action of this app means (core.audit).
    audit_actions = {
        "acceptance.open": _("Acceptance round opened"),
        "target.set": _("Upgrade target set"),
        "target.seed": _("Default upgrade targets set"),
        "acceptance.report": _("Self-check report saved"),
        "acceptance.survey": _("Satisfaction survey scheduled"),
        "acceptance.submit": _("Self-check submitted to the superior"),
        "acceptance.return": _("Self-check returned for rework"),
        "acceptance.decide": _("Acceptance determined"),
        "acceptance.level_submit": _("Level's acceptance submitted upward"),
    }
    audit_values = {
        "organizations": AuditValue(_("organizations")),
        "targets": AuditValue(_("targets")),
        "share": AuditValue(field="acceptance.Target.share", percent=True),
        "dissatisfied_share": AuditValue(field="acceptance.AcceptanceSettings.dissatisfied_share", percent=True),
    }
