from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

from core.audit import AuditValue


class StandardsConfig(AppConfig):
    name = "standards"
    verbose_name = _("Standards and scoring")
    # What each audit action of this app means, for people reading an audit page (core.audit).
    audit_actions = {
        "standard.create": _("Standard created"),
        "standard.derive": _("Standard derived"),
        "standard.revise": _("Standard revised"),
        "standard.correct": _("Standard corrected"),
        "sheet.open": _("Score sheet started"),
        "sheet.deduct": _("Deduction entered"),
        "sheet.undeduct": _("Deduction removed"),
        "sheet.veto": _("Veto clause applied"),
        "sheet.unveto": _("Veto clause lifted"),
        "sheet.data_veto": _("Veto clause followed the data"),
        "sheet.satisfaction": _("Satisfaction recorded"),
        "satisfaction.record": _("Satisfaction rate recorded"),
    }
    # Sections of other apps' pages (orgs.views.organization_sections).
    organization_sections = ["standards.sections.organization_scoring_section"]
    audit_values = {
        "item": AuditValue(_("item")),
        "points": AuditValue(field="standards.Deduction.points"),
        "clause": AuditValue(_("veto clause")),
        "satisfaction": AuditValue(_("satisfaction rate"), percent=True),
        "rate": AuditValue(field="standards.SatisfactionRate.rate", percent=True),
        "sheets_changed": AuditValue(_("score sheets whose result changed")),
    }

    def ready(self):
        # The handler works on models, which may be imported only once the app registry is ready.
        from standards.signals import organization_saved  # noqa: PLC0415

        post_save.connect(organization_saved, sender="orgs.Organization", dispatch_uid="standards.organization_saved")
