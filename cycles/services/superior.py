"""The direct superior's part (下管一级): returning a grading, determining its grade, departments' input."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import audit_record
from cycles import access, selectors, tallies
from cycles.choices import GradingState, Step
from cycles.models import Cycle, DepartmentInput, Grading
from cycles.services.transitions import (
    check_list_open,
    check_open_step,
    contribution,
    grading_locked,
    refuse,
    satisfaction_veto,
    self_sheet,
    state_of,
    transition_save,
)
from standards import services as standard_services
from standards.choices import AssessorKind, Grade
from standards.models import ScoreSheet
from standards.rules import grade_for, round_score, stars_for


@transaction.atomic
def grading_return(*, actor, grading: Grading, reasons: dict[str, str]) -> Grading:
    """The superior returns a submission, with a reason on each step that needs work (the others stand)."""
    grading = grading_locked(grading)
    access.require(actor, access.can_decide(actor, grading), grading.organization)
    if grading.state not in (GradingState.SUBMITTED, GradingState.DECIDED):
        refuse("state", _("%(name)s's grading is %(state)s; only a submitted or determined grading can be returned.") % {
            "name": grading.organization.name, "state": grading.get_state_display()})
    check_list_open(grading)
    reasons = {step: reason.strip() for step, reason in (reasons or {}).items() if reason and reason.strip()}
    if not reasons:
        refuse("reasons", _("Reasons: say what needs work on at least one step."))
    records = {r.step: r for r in grading.records.select_for_update()}
    undone = set()
    for step, reason in reasons.items():
        if step not in records:
            label = Step(step).label if step in Step.values else step
            refuse("reasons", _("%(step)s has no record to return.") % {"step": label})
        if not records[step].needs_work:
            undone.add((tallies.STEP, step))
        records[step].needs_work = reason
        records[step].save(update_fields=["needs_work"])
    tallies.apply(cycle=grading.cycle, changes=[(grading.organization.path, undone, set())])
    before, before_keys = state_of(grading), contribution(grading)
    grading.state = GradingState.RETURNED
    grading.final_grade, grading.final_stars = "", None
    grading.return_reason = "；".join(f"{Step(step).label}：{reason}" for step, reason in reasons.items())
    return transition_save(actor=actor, grading=grading, before_keys=before_keys, before=before, action="grading.return",
                            reason=grading.return_reason, fields=["state", "final_grade", "final_stars", "return_reason"])


def _stars_for(cycle: Cycle, grading: Grading, grade: str) -> int:
    """Stars from the superior's score sheet, else the self-assessment's, read in the standard's star
    bands — only when the sheet's own grade is the grade determined (otherwise the score says nothing)."""
    standard = selectors.cycle_standard(cycle=cycle, organization=grading.organization)
    if standard is None:
        return 0
    sheet = (ScoreSheet.objects.filter(organization=grading.organization, standard=standard, assessor_kind=AssessorKind.SUPERIOR)
             .first() or self_sheet(cycle, grading.organization))
    if sheet is None or grade_for(sheet.total, standard_services.scheme_of(standard), vetoed=sheet.vetoed) != grade:
        return 0
    return stars_for(sheet.total, standard_services.star_bands_of(standard), vetoed=sheet.vetoed)


@transaction.atomic
def grading_decide(*, actor, grading: Grading, grade: str, reason: str = "", revise: bool = False) -> Grading:
    """上级党组织评定: the superior sets the grade; a grade other than the declared one needs a reason.

    A determination is changed only on purpose (``revise``), so of two reviewers deciding the same
    submission at once the second is told it was already determined instead of overwriting it.
    """
    grading = grading_locked(grading)
    access.require(actor, access.can_decide(actor, grading), grading.organization)
    if grading.state == GradingState.DECIDED and not revise:
        refuse("state", _("%(name)s was already determined as %(grade)s by %(user)s at %(time)s.") % {
            "name": grading.organization.name, "grade": grading.get_final_grade_display(),
            "user": grading.decided_by.get_username() if grading.decided_by else "—",
            "time": timezone.localtime(grading.decided_at).strftime("%Y-%m-%d %H:%M") if grading.decided_at else "—"})
    if grading.state not in (GradingState.SUBMITTED, GradingState.DECIDED):
        refuse("state", _("%(name)s's grading is %(state)s; it cannot be determined now.") % {
            "name": grading.organization.name, "state": grading.get_state_display()})
    check_list_open(grading)
    check_open_step(grading.cycle, Step.SUPERIOR_DECISION, timezone.localdate(), grading.organization)
    grades = selectors.organization_grades(cycle=grading.cycle, organization=grading.organization)
    if grade not in grades:
        refuse("grade", _("Grade: %(value)s is not a grade of this standard.") % {"value": grade})
    if vetoed := satisfaction_veto(grading.cycle, grading.organization, grade):
        refuse("grade", _("Grade: %(why)s") % {"why": vetoed})
    if grade != grading.declared_grade and not reason.strip():
        refuse("reason", _("Reason: the grade differs from the declared %(declared)s; please say why.") % {
            "declared": Grade(grading.declared_grade).label if grading.declared_grade else "—"})
    before, before_keys = state_of(grading), contribution(grading)
    grading.state = GradingState.DECIDED
    grading.final_grade = grade
    grading.final_stars = _stars_for(grading.cycle, grading, grade)
    grading.decision_reason = reason.strip()
    grading.decided_by, grading.decided_at = actor, timezone.now()
    return transition_save(actor=actor, grading=grading, before_keys=before_keys, before=before, action="grading.decide",
                            reason=reason, fields=["state", "final_grade", "final_stars", "decision_reason", "decided_by",
                                                   "decided_at"])


@transaction.atomic
def department_input_record(*, actor, grading: Grading, department: str, score: Decimal, comment: str = "") -> DepartmentInput:
    """An input from another department (目督办, 信访局, 民政局) to a street committee's grading."""
    grading = grading_locked(grading)
    access.require(actor, access.can_decide(actor, grading), grading.organization)
    if not department.strip():
        refuse("department", _("Department: please name the department."))
    if score is None or not Decimal(0) <= Decimal(score) <= Decimal(100):
        refuse("score", _("Score: enter a score from 0 to 100."))
    record, _created = DepartmentInput.objects.update_or_create(
        grading=grading, department=department.strip(), defaults={"score": score, "comment": comment, "recorded_by": actor})
    audit_record(actor=actor, obj=grading, organization=grading.organization, action="grading.department_input",
                 after={"department": department.strip(), "score": str(score)}, reason=comment)
    return record


def combined_score(grading: Grading) -> Decimal | None:
    """The street committee's self-assessed score combined with the departments' inputs: their mean."""
    scores = [grading.self_total] if grading.self_total is not None else []
    scores += list(grading.inputs.values_list("score", flat=True))
    if not scores:
        return None

    return round_score(sum(scores, Decimal(0)) / len(scores))
