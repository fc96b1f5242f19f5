from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.audit import AuditValue


class RectificationConfig(AppConfig):
    name = "rectification"
    verbose_name = _("Rectification and upgrading")
    # What each audit action of this app means, and the values it writes besides model fields (core.audit).
    audit_actions = {
        "rectification.settings": _("Rectification settings changed"),
        "supporter.create": _("Supporter named"),
        "plan.create": _("Plan started"),
        "plan.update": _("Plan targets changed"),
        "plan.submit": _("Plan submitted to the superior"),
        "plan.return": _("Plan returned for rework"),
        "plan.approve": _("Plan approved"),
        "plan.revise": _("Approved plan revised"),
        "problem.add": _("Problem filed"),
        "problem.update": _("Problem changed"),
        "problem.delete": _("Problem removed"),
        "measure.add": _("Measure added"),
        "measure.update": _("Measure changed"),
        "measure.delete": _("Measure removed"),
        "measure.progress": _("Progress reported"),
        "measure.done": _("Measure reported done"),
        "measure.verify": _("Measure verified (struck off)"),
        "measure.reopen": _("Measure reopened"),
        "measure.answer": _("Superior's answer given"),
        "measure.order": _("Rectification order opened"),
        "evidence.add": _("Evidence uploaded"),
        "letter.sign": _("Signed responsibility letter uploaded"),
        "midyear.rate": _("Mid-year check rated"),
    }
    audit_values = {
        "min_problems": AuditValue(field="rectification.RectificationSettings.min_problems"),
        "committee_plan_due": AuditValue(field="rectification.RectificationSettings.committee_plan_due"),
        "plan_due": AuditValue(field="rectification.RectificationSettings.plan_due"),
        "midyear_due": AuditValue(field="rectification.RectificationSettings.midyear_due"),
        "ends_on": AuditValue(field="rectification.RectificationSettings.ends_on"),
        "name": AuditValue(field="rectification.Supporter.name"),
        "post": AuditValue(field="rectification.Supporter.post"),
        "title": AuditValue(field="rectification.Problem.title"),
        "source": AuditValue(field="rectification.Problem.source"),
        "text": AuditValue(field="rectification.Measure.text"),
        "responsible_person": AuditValue(field="rectification.Measure.responsible_person"),
        "deadline": AuditValue(field="rectification.Measure.deadline"),
        "expected_result": AuditValue(field="rectification.Measure.expected_result"),
        "assisting_unit": AuditValue(field="rectification.Measure.assisting_unit"),
        "liaison_leader": AuditValue(field="rectification.Measure.liaison_leader"),
        "resident_cadre": AuditValue(field="rectification.Measure.resident_cadre"),
        "answer": AuditValue(field="rectification.Measure.answer"),
        "reported_on": AuditValue(field="rectification.ProgressReport.reported_on"),
        "evidence": AuditValue(_("evidence")),
        "filename": AuditValue(field="rectification.Evidence.filename"),
        "content_type": AuditValue(field="rectification.Evidence.content_type"),
        "size": AuditValue(field="rectification.Evidence.size"),
        "version": AuditValue(field="rectification.Plan.version"),
        "rating": AuditValue(field="rectification.MidyearCheck.rating"),
        "reason": AuditValue(field="rectification.MidyearCheck.reason"),
        "new_deadline": AuditValue(field="rectification.MidyearCheck.new_deadline"),
        "letter_signed_on": AuditValue(field="rectification.Plan.letter_signed_on"),
        "current_grade": AuditValue(field="rectification.Plan.current_grade"),
        "target_grade": AuditValue(field="rectification.Plan.target_grade"),
        "target_stars": AuditValue(field="rectification.Plan.target_stars"),
        "overall_targets": AuditValue(field="rectification.Plan.overall_targets"),
        "from": AuditValue(_("from grade"), field="rectification.Plan.current_grade"),
        "to": AuditValue(_("to grade"), field="rectification.Plan.target_grade"),
        "share": AuditValue(_("share"), percent=True),
    }
