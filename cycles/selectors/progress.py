"""Progress of a level's subtree by step, from the kept-current tallies, and what is overdue below it."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from cycles.choices import (
    OWN_STEPS,
    REPORTED_LIST_STATES,
    GradingState,
    ListState,
    Step,
)
from cycles.models import Cycle, DeadlineExtension, Grading, LevelList, StepRecord
from cycles.selectors.cycle import cycle_list, levels_of
from cycles.selectors.deadlines import cycle_deadline, effective_deadline, own_steps
from cycles.selectors.grades import level_summary
from orgs import access as org_access
from orgs import paths
from orgs.models import Organization


@dataclass
class Overdue:
    grading: Grading
    step: str
    what: str
    deadline: datetime.date


def _done(step: str) -> Exists:
    return Exists(StepRecord.objects.filter(grading=OuterRef("pk"), step=step, needs_work=""))


def overdue_list(*, user, cycle: Cycle, level, limit: int = 200) -> list[Overdue]:
    """Gradings in the level's subtree whose current step is past its deadline (extensions included),
    in the order of the steps, then of the tree: one query per step whose deadline has passed."""
    org_access.check(user, level, org_access.VIEW)
    today = timezone.localdate()
    subtree = Q(organization__path__gt=level.path, organization__path__lt=paths.successor(level.path))
    gradings = Grading.objects.filter(subtree, cycle=cycle).select_related("organization", "baseline_cycle")
    own = own_steps(cycle)
    waiting = [GradingState.PREPARING, GradingState.RETURNED]
    # (step whose deadline applies, what is awaited, the gradings at that point)
    stages = []
    for index, step in enumerate(own):
        at_step = gradings.filter(~_done(step), state__in=waiting)
        for earlier in own[:index]:
            at_step = at_step.filter(_done(earlier))
        stages.append((step, str(Step(step).label), at_step))
    if own:
        ready = gradings.filter(state__in=waiting)
        for step in own:
            ready = ready.filter(_done(step))
        stages.append((own[-1], str(_("Submission to the superior")), ready))
    stages.append((Step.SUPERIOR_DECISION.value, str(Step.SUPERIOR_DECISION.label),
                   gradings.filter(state=GradingState.SUBMITTED)))
    if cycle.requires(Step.APPROVAL):
        stages.append((Step.APPROVAL.value, str(Step.APPROVAL.label), gradings.filter(state=GradingState.DECIDED)))
    found: list[Overdue] = []
    for step, what, queryset in stages:
        deadline = cycle_deadline(cycle, step)
        if deadline is None or today <= deadline or len(found) >= limit:
            continue  # an extension only moves a deadline later: none of these is late yet
        extended = Subquery(DeadlineExtension.objects.filter(cycle=cycle, organization=OuterRef("organization"), step=step)
                            .values("until")[:1])
        late = (queryset.annotate(extended_until=extended)
                .filter(Q(extended_until__isnull=True) | Q(extended_until__lt=today))
                .order_by("organization__path")[: limit - len(found)])
        found += [Overdue(g, step, what, effective_deadline(cycle, step, g.extended_until)) for g in late]
    return found


@dataclass
class StepProgress:
    """One step of a level's subtree: how many have done it, how many not, how many of those are late."""

    step: str
    label: str
    deadline: datetime.date | None
    done: int
    pending: int
    overdue: int


def step_progress(*, user, cycle: Cycle, level) -> list[StepProgress]:
    """Progress by step over the level's subtree, from the kept-current counts; a late count leaves out
    the organizations whose deadline for the step was extended and has not passed."""
    counts = level_summary(user=user, cycle=cycle, level=level)
    states = counts["state"]
    total = sum(states.values())
    decided = states.get(GradingState.DECIDED, 0) + states.get(GradingState.APPROVED, 0)
    today = timezone.localdate()
    subtree = Q(organization__path__gt=level.path, organization__path__lt=paths.successor(level.path))
    rows = []
    for step in cycle.steps:
        if step in OWN_STEPS:
            done = counts["step"].get(step, 0)
        elif step == Step.SUPERIOR_DECISION:
            done = decided
        else:
            done = states.get(GradingState.APPROVED, 0)
        deadline = cycle_deadline(cycle, step)
        overdue = 0
        if deadline and today > deadline and total > done:
            still_open = DeadlineExtension.objects.filter(subtree, cycle=cycle, step=step, until__gte=today)
            gradings = Grading.objects.filter(cycle=cycle, organization_id__in=still_open.values("organization_id"))
            if step in OWN_STEPS:
                gradings = gradings.filter(~_done(step))
            else:
                gradings = gradings.exclude(state__in=[GradingState.APPROVED] if step == Step.APPROVAL
                                            else [GradingState.DECIDED, GradingState.APPROVED])
            overdue = total - done - gradings.count()
        rows.append(StepProgress(step, str(Step(step).label), deadline, done, total - done, overdue))
    return rows


@dataclass
class OverdueList:
    level: object
    deadline: datetime.date
    state: str  # the list's state, in words


def overdue_lists(*, user, cycle: Cycle, level, limit: int = 200) -> list[OverdueList]:
    """Levels in the subtree whose list is not submitted past its deadline (the cycle's
    ``list_deadlines``, by depth below the owner: Chenghua's lists "于4月18日前…报区委组织部审核")."""
    org_access.check(user, level, org_access.VIEW)
    today = timezone.localdate()
    reported = LevelList.objects.filter(cycle=cycle, state__in=REPORTED_LIST_STATES)
    states = dict(LevelList.objects.filter(cycle=cycle).values_list("organization_id", "state"))
    found: list[OverdueList] = []
    for offset, value in sorted(cycle.list_deadlines.items(), key=lambda item: int(item[0])):
        deadline = datetime.date.fromisoformat(value)
        if today <= deadline or len(found) >= limit:
            continue
        late = (Organization.objects.subtree(level.path).active()
                .filter(depth=cycle.owner.depth + int(offset), children_count__gt=0)
                .exclude(pk__in=reported.values("organization_id")).order_by("path")[: limit - len(found)])
        found += [OverdueList(org, deadline, str(ListState(states.get(org.pk, ListState.OPEN)).label)) for org in late]
    return found


@dataclass
class LevelOverview:
    """A level the user acts for in an open cycle, as the home page shows it: progress by step, and its
    subtree's overdue gradings (the first ones; ``more`` says whether there are others)."""

    cycle: Cycle
    level: object
    progress: list[StepProgress]
    overdue: list[Overdue]
    more: bool


def level_overviews(*, user, cycles: int = 5, overdue: int = 8) -> list[LevelOverview]:
    """For each open cycle the user sees (the latest first), each level they review or administer in it."""
    found = []
    for cycle in cycle_list(user=user).filter(state="open")[:cycles]:
        for level in levels_of(user=user, cycle=cycle):
            late = overdue_list(user=user, cycle=cycle, level=level, limit=overdue + 1)
            found.append(LevelOverview(cycle, level, step_progress(user=user, cycle=cycle, level=level), late[:overdue],
                                       len(late) > overdue))
    return found
