"""An organization's own steps (self-assessment, meetings, votes) and its submission to the superior."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import audit_record
from core.uploads import attachment_check
from cycles import access, selectors, tallies
from cycles.choices import OWN_STEPS, GradingState, Step
from cycles.models import Grading, StepRecord
from cycles.services.transitions import (
    check_open_step,
    contribution,
    grading_locked,
    refuse,
    satisfaction_veto,
    self_sheet,
    state_of,
    transition_save,
)

VOTE_KEYS = ("agree", "disagree", "abstain")


@transaction.atomic
def step_record(*, actor, grading: Grading, step: str, held_on: datetime.date, participants: int = 0,
                grade: str = "", votes: dict | None = None, notes: str = "", attachment=None) -> StepRecord:
    """Record one of the organization's own steps, in the cycle's order, before its deadline."""
    grading = grading_locked(grading)
    access.require(actor, access.can_record(actor, grading), grading.organization)
    cycle = grading.cycle
    if step not in OWN_STEPS or not cycle.requires(step):
        refuse("step", _("%(step)s is not a step the organization records in this cycle.") % {
            "step": Step(step).label if step in Step.values else step})
    if grading.state not in (GradingState.PREPARING, GradingState.RETURNED):
        refuse("step", _("%(name)s has already submitted; its steps can change only if the superior returns them.")
                % {"name": grading.organization.name})
    check_open_step(cycle, step, timezone.localdate(), grading.organization)
    own_steps = [s for s in cycle.steps if s in OWN_STEPS]
    recorded = set(grading.records.values_list("step", flat=True))
    missing = [s for s in own_steps[: own_steps.index(step)] if s not in recorded]
    if missing:
        refuse("step", _("%(step)s comes after %(missing)s, which is not recorded yet.") % {
            "step": Step(step).label, "missing": Step(missing[0]).label})
    errors = {}
    votes = {key: value for key, value in (votes or {}).items() if value not in (None, "")}
    for key, value in votes.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            errors["votes"] = _("Vote counts: %(key)s must be a whole number of 0 or more.") % {"key": key}
    if attachment:
        try:
            attachment_check(attachment, label=_("Attachment"))
        except ValidationError as error:
            errors["attachment"] = error.messages
    if not isinstance(participants, int) or participants < 0:
        errors["participants"] = _("Participants: enter a whole number of 0 or more.")
    elif "votes" not in errors and sum(votes.values()) > participants:
        errors["votes"] = _("Vote counts: %(votes)d votes in all, more than the %(participants)d participants.") % {
            "votes": sum(votes.values()), "participants": participants}
    grades = selectors.organization_grades(cycle=cycle, organization=grading.organization)
    if step == Step.SELF_ASSESSMENT:
        sheet = self_sheet(cycle, grading.organization)
        if sheet is not None:
            grade = sheet.grade
        if grade not in grades:
            errors["grade"] = _("Result: enter the self-assessment's score sheet or choose a grade.")
        elif vetoed := satisfaction_veto(cycle, grading.organization, grade):
            errors["grade"] = _("Result: %(why)s") % {"why": vetoed}
    elif step == Step.MEETING_REVIEW:
        if set(votes) - set(VOTE_KEYS) or not votes:
            errors["votes"] = _("Vote counts: give agree, disagree and abstain for the declared grade.")
    elif grade and grade not in grades:
        errors["grade"] = _("Result: %(value)s is not a grade of this standard.") % {"value": grade}
    elif not grade and not votes:
        errors["grade"] = _("Result: choose a grade or enter the vote counts.")
    elif votes and set(votes) - set(grades):
        errors["votes"] = _("Vote counts: give a count for grades of this standard only.")
    if errors:
        raise ValidationError(errors)
    if step not in (Step.SELF_ASSESSMENT, Step.MEETING_REVIEW) and not grade and votes:
        grade = max(votes, key=lambda key: (votes[key], -grades.index(key)))  # the grade with most votes
    was_done = grading.records.filter(step=step, needs_work="").exists()
    record, created = StepRecord.objects.update_or_create(
        grading=grading, step=step,
        defaults={"held_on": held_on, "participants": participants, "grade": grade, "votes": votes, "notes": notes.strip(),
                  "attachment": attachment or "", "needs_work": "", "recorded_by": actor})
    if not was_done:
        tallies.apply(cycle=cycle, changes=[(grading.organization.path, set(), {(tallies.STEP, step)})])
    if step == Step.SELF_ASSESSMENT:
        sheet = self_sheet(cycle, grading.organization)
        grading.declared_grade = grade
        grading.self_total = sheet.total if sheet else None
        grading.save(update_fields=["declared_grade", "self_total", "updated_at"])
    audit_record(actor=actor, obj=grading, organization=grading.organization, action=f"step.{step}",
                 after={"grade": grade, "votes": votes, "participants": participants, "held_on": held_on.isoformat()},
                 reason=notes)
    return record


@transaction.atomic
def grading_submit(*, actor, grading: Grading) -> Grading:
    """The organization submits its declaration to its superior once its own steps are all recorded."""
    grading = grading_locked(grading)
    access.require(actor, access.can_record(actor, grading), grading.organization)
    if grading.state not in (GradingState.PREPARING, GradingState.RETURNED):
        refuse("state", _("%(name)s's grading is %(state)s; it cannot be submitted now.") % {
            "name": grading.organization.name, "state": grading.get_state_display()})
    records = {r.step: r for r in grading.records.all()}
    for step in (s for s in grading.cycle.steps if s in OWN_STEPS):
        if step not in records:
            refuse("state", _("%(step)s is not recorded yet.") % {"step": Step(step).label})
        if records[step].needs_work:
            refuse("state", _("%(step)s was returned and is not recorded again yet.") % {"step": Step(step).label})
    if not grading.declared_grade:
        last = [records[s] for s in grading.cycle.steps if s in records and records[s].grade]
        grading.declared_grade = last[-1].grade if last else ""
    if vetoed := satisfaction_veto(grading.cycle, grading.organization, grading.declared_grade):
        refuse("declared_grade", _("Declared grade: %(why)s Record the self-assessment again.") % {"why": vetoed})
    before, before_keys = state_of(grading), contribution(grading)
    grading.state = GradingState.SUBMITTED
    grading.return_reason = ""
    return transition_save(actor=actor, grading=grading, before_keys=before_keys, before=before, action="grading.submit",
                            fields=["state", "declared_grade", "return_reason"])
