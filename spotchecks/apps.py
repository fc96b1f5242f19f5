from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.audit import AuditValue


class SpotchecksConfig(AppConfig):
    name = "spotchecks"
    verbose_name = _("Spot checks")
    # What each audit action of this app means, and the values it writes besides model fields (core.audit).
    audit_actions = {
        "spotcheck.create": _("Spot check created"),
        "spotcheck.freeze": _("Spot check population frozen"),
        "spotcheck.entropy": _("Spot check entropy entered"),
        "spotcheck.draw": _("Spot check sample drawn"),
        "spotcheck.close": _("Spot check closed"),
        "finding.record": _("Spot check finding recorded"),
        "spotcheck.read": _("Records read by a spot check's inspector"),
    }
    audit_values = {
        "population_hash": AuditValue(field="spotchecks.SpotCheck.population_hash"),
        "population_size": AuditValue(field="spotchecks.SpotCheck.population_size"),
        "entropy": AuditValue(field="spotchecks.SpotCheck.entropy"),
        "sample": AuditValue(_("sample")),
        "inspectors": AuditValue(_("inspectors")),
        "item": AuditValue(field="spotchecks.Finding.item"),
        "result": AuditValue(field="spotchecks.Finding.result"),
        "note": AuditValue(field="spotchecks.Finding.note"),
        "deadline": AuditValue(field="spotchecks.Finding.deadline"),
        "measure": AuditValue(_("rectification order")),
        "read": AuditValue(_("what was read")),
        "evidence": AuditValue(_("evidence file")),
    }
