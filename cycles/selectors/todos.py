"""Each user's to-do list across open cycles."""

import datetime
from dataclasses import dataclass

from cycles import access
from cycles.choices import (
    REPORTED_LIST_STATES,
    GradingState,
    ListState,
)
from cycles.models import Cycle, Grading, LevelList
from cycles.selectors.cycle import list_whole
from cycles.selectors.deadlines import Due, gradings_due, list_deadline
from orgs.access import DECIDING_ROLES, user_roles
from orgs.choices import Role
from orgs.models import Organization


@dataclass
class Todo:
    """One thing awaiting a user: "record", "resubmit" (its own grading), "decide", "overdue" (direct
    subordinates late on their step, one to-do per level), "submit_list" (every subordinate determined),
    "approve" (a list below)."""

    kind: str
    cycle: Cycle
    organization: object  # for "overdue", the level whose direct subordinates are late
    grading: Grading | None = None
    level_list: LevelList | None = None
    due: Due | None = None  # for "overdue", the earliest deadline passed
    late: list[Grading] | None = None  # for "overdue", the late subordinates (the first of them)
    count: int = 0

    @property
    def deadline(self) -> datetime.date | None:
        return self.due.deadline if self.due else None

    @property
    def overdue(self) -> bool:
        return bool(self.due and self.due.overdue)


def todo_list(*, user, limit: int = 50) -> list[Todo]:
    """What awaits the user now, in open cycles: their organizations' steps (with each one's current
    deadline), submissions to determine, direct subordinates late on their step, their level's list once
    every subordinate is determined, and the lists of the levels below to approve."""
    todos: list[Todo] = []
    roles = user_roles(user)
    open_cycles = Cycle.objects.filter(access.cycle_scope_q(user), state="open").select_related("owner")
    own_orgs = [pk for _path, role, pk in roles if role in (Role.SECRETARY, Role.ADMIN)]
    deciding_levels = [pk for _path, role, pk in roles if role in DECIDING_ROLES]
    waiting = [GradingState.PREPARING, GradingState.RETURNED]
    for cycle in open_cycles:
        own = list(Grading.objects.filter(cycle=cycle, organization_id__in=own_orgs, state__in=waiting)
                   .select_related("organization")[:limit])
        below = list(Grading.objects.filter(cycle=cycle, organization__parent_id__in=deciding_levels)
                     .exclude(state__in=[GradingState.DECIDED, GradingState.APPROVED])
                     .select_related("organization").order_by("organization__path")[:limit * 4])
        due = gradings_due(cycle, own + below)
        for grading in own:
            kind = "resubmit" if grading.state == GradingState.RETURNED else "record"
            todos.append(Todo(kind, cycle, grading.organization, grading=grading, due=due[grading.pk]))
        late: dict[int, list[Grading]] = {}
        for grading in below:
            if grading.state == GradingState.SUBMITTED:
                todos.append(Todo("decide", cycle, grading.organization, grading=grading, due=due[grading.pk]))
            elif due[grading.pk] and due[grading.pk].overdue:
                late.setdefault(grading.organization.parent_id, []).append(grading)
        for level in Organization.objects.filter(pk__in=list(late)).order_by("path"):
            gradings = late[level.pk]
            earliest = min((due[g.pk] for g in gradings), key=lambda d: d.deadline)
            todos.append(Todo("overdue", cycle, level, due=earliest, late=gradings[:5], count=len(gradings)))
        lists = {ll.organization_id: ll for ll in LevelList.objects.filter(cycle=cycle, organization_id__in=deciding_levels)}
        for level in Organization.objects.filter(pk__in=deciding_levels, path__startswith=cycle.owner.path,
                                                 dissolved_on__isnull=True, children_count__gt=0).order_by("path"):
            level_list = lists.get(level.pk)
            if level_list is not None and level_list.state in REPORTED_LIST_STATES:
                continue
            if access.can_submit_list(user, level) and list_whole(cycle=cycle, level=level):
                todos.append(Todo("submit_list", cycle, level, level_list=level_list,
                                  due=Due("", "", list_deadline(cycle=cycle, level=level), False)))
        approvable = LevelList.objects.filter(cycle=cycle, state=ListState.SUBMITTED,
                                              organization__parent_id__in=deciding_levels).select_related("organization")
        for level_list in approvable[:limit]:
            if access.can_approve_list(user, cycle, level_list.organization):
                todos.append(Todo("approve", cycle, level_list.organization, level_list=level_list))
    return todos[:limit]
