from django.apps import AppConfig
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.audit import AuditValue
from cycles.choices import Step


def _step_recorded(step: Step) -> str:
    return gettext("Step recorded: %(step)s") % {"step": step.label}


step_recorded = lazy(_step_recorded, str)


class CyclesConfig(AppConfig):
    name = "cycles"
    verbose_name = _("Yearly cycles and grading")
    # What each audit action of this app means, and the values it writes besides model fields (core.audit).
    audit_actions = {
        "cycle.open": _("Cycle opened"),
        "cycle.update": _("Cycle changed"),
        "deadline.extend": _("Deadline extended"),
        "cycle.attachment": _("Notice attachment added"),
        "grading.submit": _("Submitted to the superior"),
        "grading.return": _("Returned for rework"),
        "grading.decide": _("Determined by the superior"),
        "grading.department_input": _("Department input recorded"),
        "grading.list_return": _("Returned with the list"),
        "grading.reopen": _("Approved grading reopened"),
        "list.submit": _("List submitted upward"),
        "list.return": _("List returned"),
        "list.approve": _("List approved"),
        "list.confirm": _("List confirmed as the year's result"),
        "survey.save": _("Status survey saved"),
        # A step's record is audited as step.<step> (cycles.services.step_record).
        **{f"step.{step.value}": step_recorded(step) for step in Step},
    }
    # Sections of other apps' pages (orgs.views.organization_sections).
    organization_sections = ["cycles.sections.organization_gradings_section"]
    audit_values = {
        "grade": AuditValue(field="cycles.StepRecord.grade"),
        "votes": AuditValue(field="cycles.StepRecord.votes"),
        "participants": AuditValue(field="cycles.StepRecord.participants"),
        "held_on": AuditValue(field="cycles.StepRecord.held_on"),
        "title": AuditValue(field="cycles.CycleAttachment.title"),
        "department": AuditValue(field="cycles.DepartmentInput.department"),
        "score": AuditValue(field="cycles.DepartmentInput.score"),
        "problems": AuditValue(_("problems found")),
        "approved": AuditValue(_("gradings approved")),
        "share": AuditValue(_("share"), percent=True),
        "at_most": AuditValue(_("a cap (else a floor)")),
        "until": AuditValue(_("extended until")),
        "previous_cycle": AuditValue(_("last year's cycle")),
        "step": AuditValue(field="cycles.StepRecord.step"),
    }
