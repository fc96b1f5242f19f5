"""What the rectification services share: refusals, locks, the settings of a cycle, the tallies' keys."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import audit_record
from cycles.choices import GradingState
from cycles.models import Cycle, Grading
from rectification import rules, tallies
from rectification.choices import EDITABLE_PLAN_STATES
from rectification.models import Measure, Plan, RectificationSettings


def refuse(field: str, message: str):
    raise ValidationError({field: message})


def settings_of(cycle: Cycle) -> RectificationSettings:
    """The cycle's rectification settings: stored ones, else the seeds' defaults moved to its year (unsaved)."""
    found = RectificationSettings.objects.filter(cycle=cycle).first()
    if found is not None:
        return found
    approval = cycle.deadlines.get("approval")
    return RectificationSettings(cycle=cycle, **rules.seed_dates(
        cycle.year, datetime.date.fromisoformat(approval) if approval else None))


def locked_plan(plan: Plan) -> Plan:
    return Plan.objects.select_for_update(of=("self",)).select_related("cycle__owner", "organization__parent").get(
        pk=plan.pk)


def locked_measure(measure: Measure) -> Measure:
    return Measure.objects.select_for_update(of=("self",)).select_related(
        "plan__cycle__owner", "plan__organization__parent", "problem").get(pk=measure.pk)


def check_editable(plan: Plan) -> None:
    if plan.state not in EDITABLE_PLAN_STATES:
        if plan.state == "approved":
            refuse("state", _("The plan of %(name)s is approved and locked; start a revision to change it (the "
                              "approved version stays in force until the revision is approved).") % {
                "name": plan.organization.name})
        refuse("state", _("The plan of %(name)s is with the superior for review; it can change only if it is "
                          "returned.") % {"name": plan.organization.name})


def grading_grade(cycle: Cycle, organization) -> str:
    """The organization's grade in the cycle, once its superior has determined it."""
    grading = Grading.objects.filter(cycle=cycle, organization=organization,
                                     state__in=[GradingState.DECIDED, GradingState.APPROVED]).first()
    return grading.final_grade if grading else ""


def plan_state_saved(*, actor, plan: Plan, before_state: str, action: str, fields: list[str], reason: str = "",
                     after: dict | None = None) -> Plan:
    plan.save(update_fields=[*fields, "updated_at"])
    tallies.apply(cycle=plan.cycle, changes=[(plan.organization.path, tallies.plan_keys(state=before_state),
                                              tallies.plan_keys(state=plan.state))])
    audit_record(actor=actor, obj=plan, organization=plan.organization, action=action,
                 before={"state": before_state}, after={"state": plan.state, **(after or {})}, reason=reason)
    return plan


def measure_keys(measure: Measure) -> set:
    return tallies.measure_keys(state=measure.state, deadline=measure.deadline)


def now():
    return timezone.now()
