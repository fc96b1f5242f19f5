"""Deadlines: each step's last day, extensions, and what is due for an organization."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from cycles.choices import (
    OWN_STEPS,
    GradingState,
    Step,
)
from cycles.models import Cycle, DeadlineExtension, Grading, StepRecord


def next_step(cycle: Cycle, grading: Grading, recorded: set[str]) -> str | None:
    """The step the organization has to record next, or None once its own steps are done."""
    for step in cycle.steps:
        if step in OWN_STEPS and step not in recorded:
            return step
    return None


def own_steps(cycle: Cycle) -> list[str]:
    return [step for step in cycle.steps if step in OWN_STEPS]


def cycle_deadline(cycle: Cycle, step: str) -> datetime.date | None:
    """A step's last day in the cycle, before any extension."""
    value = cycle.deadlines.get(step)
    return datetime.date.fromisoformat(value) if value else None


def effective_deadline(cycle: Cycle, step: str, extended_until: datetime.date | None = None) -> datetime.date | None:
    """A step's last day for one organization: the cycle's, or the later day of an extension granted to it."""
    deadline = cycle_deadline(cycle, step)
    if extended_until is None:
        return deadline
    return max(deadline, extended_until) if deadline else extended_until


def extensions_of(*, cycle: Cycle, organization_ids) -> dict[int, dict[str, datetime.date]]:
    """organization id → step → the day its deadline was extended to."""
    found: dict[int, dict[str, datetime.date]] = {}
    for organization_id, step, until in DeadlineExtension.objects.filter(
            cycle=cycle, organization_id__in=list(organization_ids)).values_list("organization_id", "step", "until"):
        found.setdefault(organization_id, {})[step] = until
    return found


def step_deadline(*, cycle: Cycle, organization, step: str) -> datetime.date | None:
    """One organization's last day for one step, its extension included."""
    until = DeadlineExtension.objects.filter(cycle=cycle, organization=organization, step=step).values_list(
        "until", flat=True).first()
    return effective_deadline(cycle, step, until)


def step_closed(*, cycle: Cycle, deadline: datetime.date | None, today: datetime.date | None = None) -> bool:
    """A step is closed once its deadline has passed, in a cycle that locks steps after their deadline."""
    return bool(cycle.lock_after_deadline and deadline and (today or timezone.localdate()) > deadline)


@dataclass(frozen=True)
class Due:
    """What a grading waits for now, and by when: the step whose deadline applies to it."""

    step: str  # the step whose deadline applies (the last own step while the submission waits)
    what: str  # in words: the step, or the submission once every own step is recorded
    deadline: datetime.date | None
    closed: bool  # the cycle locks the step and its deadline has passed: nothing can be recorded

    @property
    def overdue(self) -> bool:
        return bool(self.deadline and timezone.localdate() > self.deadline)


def grading_due(cycle: Cycle, grading: Grading, done: set[str], extended: dict[str, datetime.date]) -> Due | None:
    """The grading's current step and its deadline; ``done`` are its own steps recorded and not returned,
    ``extended`` its extensions (step → day). None once it is approved."""
    # What a deadline locks (cycles.services): recording an own step, and the superior's determination.
    step, what, locks = None, "", False
    if grading.state in (GradingState.PREPARING, GradingState.RETURNED):
        own = own_steps(cycle)
        step = next_step(cycle, grading, done)
        if step is not None:
            what, locks = str(Step(step).label), True
        elif own:
            step, what = own[-1], str(_("Submission to the superior"))
    elif grading.state == GradingState.SUBMITTED:
        step, what, locks = Step.SUPERIOR_DECISION.value, str(Step.SUPERIOR_DECISION.label), True
    elif grading.state == GradingState.DECIDED and cycle.requires(Step.APPROVAL):
        step, what = Step.APPROVAL.value, str(Step.APPROVAL.label)
    if step is None:
        return None
    deadline = effective_deadline(cycle, step, extended.get(step))
    closed = locks and step_closed(cycle=cycle, deadline=deadline)
    return Due(step, what, deadline, closed)


def gradings_due(cycle: Cycle, gradings: list[Grading]) -> dict[int, Due | None]:
    """grading id → what it waits for now, for a page of gradings: two queries whatever their number."""
    done: dict[int, set[str]] = {}
    for grading_id, step in StepRecord.objects.filter(grading__in=[g.pk for g in gradings], needs_work="").values_list(
            "grading_id", "step"):
        done.setdefault(grading_id, set()).add(step)
    extensions = extensions_of(cycle=cycle, organization_ids=[g.organization_id for g in gradings])
    return {g.pk: grading_due(cycle, g, done.get(g.pk, set()), extensions.get(g.organization_id, {})) for g in gradings}


def grading_due_of(grading: Grading) -> Due | None:
    """What one grading waits for now (its page)."""
    return gradings_due(grading.cycle, [grading])[grading.pk]


def list_deadline(*, cycle: Cycle, level) -> datetime.date | None:
    """The last day of a level's list (the cycle's ``list_deadlines``, by depth below the owner)."""
    value = cycle.list_deadlines.get(str(level.depth - cycle.owner.depth))
    return datetime.date.fromisoformat(value) if value else None
