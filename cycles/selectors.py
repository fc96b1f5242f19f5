"""Reads of cycles: progress per level, overdue lists, each user's to-dos, an organization's history."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from cycles import access, tallies
from cycles.choices import OWN_STEPS, GradingState, ListState, Step
from cycles.models import Cycle, CycleStandard, Grading, LevelList
from orgs import access as org_access
from orgs import paths
from orgs.choices import Sector
from standards import defaults as standard_defaults
from standards.choices import GRADE_ORDER, Grade


def cycle_list(*, user) -> QuerySet[Cycle]:
    """Cycles opened above the user or inside their scope."""
    return Cycle.objects.filter(access.cycle_scope_q(user)).select_related("owner").order_by("-year", "owner__path")


def level_summary(*, user, cycle: Cycle, level) -> dict[str, dict[str, int]]:
    """A level's kept-current counts (by state, sector × grade, stars, own step): a read of a few rows."""
    org_access.check(user, level, org_access.VIEW)
    return tallies.level_counts(cycle=cycle, organization=level)


def summary_tables(*, cycle: Cycle, counts: dict[str, dict[str, int]]) -> dict:
    """A level's counts as the summary tables show them: states, sector × grade, stars, own steps."""
    return {
        "state_counts": [(GradingState(key).label, key, count) for key, count in counts["state"].items()],
        "grade_table": _grade_table(counts["grade"]),
        "star_counts": sorted(((int(key), count) for key, count in counts["stars"].items()), reverse=True),
        "step_counts": [(Step(step).label, counts["step"].get(step, 0)) for step in cycle.steps if step in OWN_STEPS],
    }


DEFAULT_GRADES = tuple(band.grade for band in standard_defaults.THREE_GRADES.bands)  # a sector without a standard


def scheme_grades(cycle: Cycle) -> dict[str, tuple[str, ...]]:
    """sector → the grades of the standard the cycle uses for it; any other sector's are DEFAULT_GRADES."""
    return {link.sector: tuple(band["grade"] for band in link.standard.bands)
            for link in CycleStandard.objects.filter(cycle=cycle).select_related("standard")}


def cycle_grades(cycle: Cycle) -> list[str]:
    """The grades of the standards the cycle uses (the default three when it uses none), from the best down."""
    grades = {grade for sector_grades in scheme_grades(cycle).values() for grade in sector_grades}
    return sorted(grades or DEFAULT_GRADES, key=_grade_rank)


def _grade_rank(grade: str) -> int:
    return GRADE_ORDER.index(grade) if grade in GRADE_ORDER else len(GRADE_ORDER)


def _grade_table(grade_counts: dict[str, int]) -> dict:
    """Sector × grade counts ("village:advanced": 3) as rows of a small table."""
    sectors, grades, cells = [], [], {}
    for key, count in grade_counts.items():
        sector, grade = key.split(":", 1)
        if sector not in sectors:
            sectors.append(sector)
        if grade not in grades:
            grades.append(grade)
        cells[(sector, grade)] = count
    grades.sort(key=_grade_rank)
    rows = [(Sector(sector).label if sector in Sector.values else sector,
             [cells.get((sector, grade), 0) for grade in grades]) for sector in sorted(sectors)]
    return {"grades": [Grade(grade).label for grade in grades], "rows": rows}


def subordinate_gradings(*, user, cycle: Cycle, level) -> QuerySet[Grading]:
    """The gradings of a level's direct subordinates, with what the level needs to act on them."""
    org_access.check(user, level, org_access.VIEW)
    return (Grading.objects.filter(cycle=cycle, organization__parent=level, organization__dissolved_on__isnull=True)
            .select_related("organization", "decided_by").order_by("organization__code"))


def level_list_of(*, cycle: Cycle, level) -> LevelList | None:
    return LevelList.objects.filter(cycle=cycle, organization=level).first()


def next_step(cycle: Cycle, grading: Grading, recorded: set[str]) -> str | None:
    """The step the organization has to record next, or None once its own steps are done."""
    for step in cycle.steps:
        if step in OWN_STEPS and step not in recorded:
            return step
    return None


def _deadline(cycle: Cycle, step: str) -> datetime.date | None:
    value = cycle.deadlines.get(step)
    return datetime.date.fromisoformat(value) if value else None


def own_steps_deadline(cycle: Cycle) -> datetime.date | None:
    """The last day for an organization's own steps: the deadline of the last of them."""
    dates = [_deadline(cycle, step) for step in cycle.steps if step in OWN_STEPS]
    dates = [d for d in dates if d]
    return max(dates) if dates else None


@dataclass
class Overdue:
    grading: Grading
    what: str
    deadline: datetime.date


def overdue_list(*, user, cycle: Cycle, level, limit: int = 200) -> list[Overdue]:
    """Gradings in the level's subtree past a deadline: own steps not submitted, or submissions not determined."""
    org_access.check(user, level, org_access.VIEW)
    today = timezone.localdate()
    subtree = Q(organization__path__gt=level.path, organization__path__lt=paths.successor(level.path))
    found = []
    own_deadline = own_steps_deadline(cycle)
    gradings = Grading.objects.filter(subtree, cycle=cycle).select_related("organization").order_by("organization__path")
    if own_deadline and today > own_deadline:
        for grading in gradings.filter(state__in=[GradingState.PREPARING, GradingState.RETURNED])[:limit]:
            found.append(Overdue(grading, str(GradingState(grading.state).label), own_deadline))
    decision_deadline = _deadline(cycle, Step.SUPERIOR_DECISION)
    if decision_deadline and today > decision_deadline:
        for grading in gradings.filter(state=GradingState.SUBMITTED)[: max(limit - len(found), 0)]:
            found.append(Overdue(grading, str(Step.SUPERIOR_DECISION.label), decision_deadline))
    return found


@dataclass
class OverdueList:
    level: object
    deadline: datetime.date
    state: str  # the list's state, in words


def overdue_lists(*, user, cycle: Cycle, level, limit: int = 200) -> list[OverdueList]:
    """Levels in the subtree whose list is not submitted past its deadline (the cycle's
    ``list_deadlines``, by depth below the owner: Chenghua's lists "于4月18日前…报区委组织部审核")."""
    from orgs.models import Organization

    org_access.check(user, level, org_access.VIEW)
    today = timezone.localdate()
    reported = LevelList.objects.filter(cycle=cycle, state__in=[ListState.SUBMITTED, ListState.APPROVED])
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
class Todo:
    kind: str  # "record", "decide", "approve", "resubmit"
    cycle: Cycle
    organization: object
    grading: Grading | None = None
    level_list: LevelList | None = None
    deadline: datetime.date | None = None

    @property
    def overdue(self) -> bool:
        return bool(self.deadline and timezone.localdate() > self.deadline)


def todo_list(*, user, limit: int = 50) -> list[Todo]:
    """What awaits the user now: steps to record, submissions to determine, lists to approve."""
    from orgs.access import DECIDING_ROLES, user_roles
    from orgs.choices import Role

    todos: list[Todo] = []
    roles = user_roles(user)
    open_cycles = Cycle.objects.filter(access.cycle_scope_q(user), state="open").select_related("owner")
    own_orgs = [pk for _path, role, pk in roles if role in (Role.SECRETARY, Role.ADMIN)]
    deciding_levels = [pk for _path, role, pk in roles if role in DECIDING_ROLES]
    for cycle in open_cycles:
        for grading in (Grading.objects.filter(cycle=cycle, organization_id__in=own_orgs,
                                               state__in=[GradingState.PREPARING, GradingState.RETURNED])
                        .select_related("organization")[:limit]):
            kind = "resubmit" if grading.state == GradingState.RETURNED else "record"
            todos.append(Todo(kind, cycle, grading.organization, grading=grading, deadline=own_steps_deadline(cycle)))
        for grading in (Grading.objects.filter(cycle=cycle, organization__parent_id__in=deciding_levels,
                                               state=GradingState.SUBMITTED).select_related("organization")[:limit]):
            todos.append(Todo("decide", cycle, grading.organization, grading=grading,
                              deadline=_deadline(cycle, Step.SUPERIOR_DECISION)))
        approvable = LevelList.objects.filter(cycle=cycle, state=ListState.SUBMITTED).filter(
            Q(organization__parent_id__in=deciding_levels) | Q(organization=cycle.owner)).select_related("organization")
        for level_list in approvable[:limit]:
            if access.can_approve_list(user, cycle, level_list.organization):
                todos.append(Todo("approve", cycle, level_list.organization, level_list=level_list))
    return todos[:limit]


def grading_history(*, user, organization) -> QuerySet[Grading]:
    """An organization's gradings across years, the latest first."""
    org_access.check(user, organization, org_access.VIEW)
    return Grading.objects.filter(organization=organization).select_related("cycle").order_by("-cycle__year")


def grading_deadline(cycle: Cycle, grading: Grading) -> datetime.date | None:
    """The deadline the grading is working to now: its own steps while preparing or returned, the
    superior's determination once submitted (the same reading as overdue_list)."""
    if grading.state in (GradingState.PREPARING, GradingState.RETURNED):
        return own_steps_deadline(cycle)
    if grading.state == GradingState.SUBMITTED:
        return _deadline(cycle, Step.SUPERIOR_DECISION)
    return None


def grading_standard(*, grading: Grading):
    """The standard the cycle uses for the grading's sector; None when it names none (default grades)."""
    from cycles import services

    return services._standard_for(grading.cycle, grading.organization)


def grading_grades(*, grading: Grading) -> list[str]:
    """The grades a step or the superior may give this organization: its standard's, else the default three."""
    from cycles import services

    return services._scheme_grades(grading.cycle, grading.organization)


def grading_events(*, user, grading: Grading):
    """The audit events of one grading (steps, submission, determination, returns, approval), newest first."""
    from orgs import selectors as org_selectors

    return org_selectors.audit_event_list(user=user, organization=grading.organization).filter(
        object_type=Grading._meta.label_lower, object_id=str(grading.pk))


def levels_of(*, user, cycle: Cycle) -> list:
    """The levels the user acts for in a cycle: organizations inside the cycle's subtree (its owner
    included) where the user reviews or administers; the owner for administrators above it."""
    from orgs.access import DECIDING_ROLES, user_roles
    from orgs.models import Organization

    owner = cycle.owner
    ids = [pk for path, role, pk in user_roles(user) if role in DECIDING_ROLES and path.startswith(owner.path)]
    levels = list(Organization.objects.filter(pk__in=ids, dissolved_on__isnull=True).order_by("path"))
    if not levels and org_access.can_manage(user, owner):
        levels = [owner]
    return levels


def sectors_below(*, user, organization) -> list[str]:
    """The sectors of the active organizations below one: a cycle chooses a standard for each."""
    from orgs.models import Organization

    org_access.check(user, organization, org_access.VIEW)
    return list(Organization.objects.filter(path__gt=organization.path, path__lt=paths.successor(organization.path),
                                            dissolved_on__isnull=True)
                .order_by("sector").values_list("sector", flat=True).distinct())
