"""Reads of rectification: a plan with its problems and measures, a level's overview from the kept-current
counts, the overdue measures, each user's to-dos, and the ledger's rectification columns read off the plans."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from cycles import access as cycle_access
from cycles.choices import CycleState
from cycles.models import Cycle
from orgs import paths
from orgs.access import DECIDING_ROLES, user_roles
from orgs.choices import Role
from orgs.models import Organization
from rectification import rules, tallies
from rectification.choices import (
    EDITABLE_PLAN_STATES,
    OPEN_MEASURE_STATES,
    MeasureKind,
    MeasureState,
    MidyearRating,
    PlanState,
)
from rectification.models import Evidence, Measure, MidyearCheck, Plan, PlanVersion, Problem, ProgressReport, Supporter
from rectification.services.common import settings_of


def plan_of(*, cycle: Cycle, organization) -> Plan | None:
    return Plan.objects.filter(cycle=cycle, organization=organization).select_related(
        "cycle__owner", "organization__parent").first()


def plan_approved_version(*, plan: Plan) -> PlanVersion | None:
    """The last approved version: what is in force while a revision is being reviewed."""
    return plan.versions.order_by("-version").first()


def plan_problems(*, plan: Plan) -> list[Problem]:
    """The plan's problems, each with its measures, their supporters, reports and evidence, in order."""
    reports = Prefetch("reports", queryset=ProgressReport.objects.prefetch_related("evidence").select_related(
        "created_by"))
    measures = Prefetch("measures", queryset=Measure.objects.select_related(
        "assisting_unit", "liaison_leader", "resident_cadre").prefetch_related(reports).order_by("position", "pk"))
    return list(plan.problems.select_related("deduction__item", "veto_mark__clause").prefetch_related(measures))


def plan_evidence(*, plan: Plan) -> QuerySet[Evidence]:
    return plan.evidence.all()


def supporters_for(*, user, organization) -> QuerySet[Supporter]:
    """The supporters a measure of ``organization`` may name: those named at it or above it."""
    return Supporter.objects.filter(owner_id__in=[*paths.ancestor_ids(organization.path), organization.pk])


def midyear_of(*, cycle: Cycle, organization) -> MidyearCheck | None:
    return MidyearCheck.objects.filter(cycle=cycle, organization=organization).select_related("rated_by").first()


def plan_deadline(*, cycle: Cycle, organization) -> datetime.date:
    """The day a plan is due: committees' earlier (seeds/002: 街道 4-27), the others' later (5-7)."""
    terms = settings_of(cycle)
    return terms.committee_plan_due if organization.children_count else terms.plan_due


# A level's overview ----------------------------------------------------------------------------


@dataclass
class SubordinateRow:
    organization: Organization
    plan: Plan | None
    midyear: MidyearCheck | None
    measures: int = 0
    open_overdue: int = 0
    due: datetime.date | None = None

    @property
    def late(self) -> bool:
        """Its plan is not submitted yet and its day has passed."""
        return (self.plan is None or self.plan.state in EDITABLE_PLAN_STATES) and bool(
            self.due and self.due < datetime.date.today())


def level_rows(*, cycle: Cycle, level, today: datetime.date, offset: int = 0,
               limit: int | None = None) -> list[SubordinateRow]:
    """The level's active direct subordinates (``limit`` of them from ``offset``, by code), each with its plan,
    its mid-year rating, its measure count and overdue measures: four queries however many."""
    subordinates = Organization.objects.filter(parent=level, dissolved_on__isnull=True).order_by("code").only(
        "pk", "name", "code", "path", "children_count", "parent_id")
    subordinates = list(subordinates[offset:offset + limit] if limit is not None else subordinates)
    ids = [org.pk for org in subordinates]
    plans = {p.organization_id: p for p in Plan.objects.filter(cycle=cycle, organization_id__in=ids).only(
        "pk", "organization_id", "state", "version", "target_grade", "current_grade", "approved_at")}
    checks = {c.organization_id: c for c in MidyearCheck.objects.filter(cycle=cycle, organization_id__in=ids)}
    counts = {row["plan__organization_id"]: row for row in Measure.objects.filter(
        plan__cycle=cycle, plan__organization_id__in=ids).values("plan__organization_id").annotate(
        total=Count("pk"), overdue=Count("pk", filter=Q(state__in=OPEN_MEASURE_STATES, deadline__lt=today)))}
    terms = settings_of(cycle)
    rows = []
    for org in subordinates:
        count = counts.get(org.pk, {})
        rows.append(SubordinateRow(org, plans.get(org.pk), checks.get(org.pk), count.get("total", 0),
                                   count.get("overdue", 0),
                                   terms.committee_plan_due if org.children_count else terms.plan_due))
    return rows


@dataclass
class LevelSummary:
    plans: dict[str, int]
    measures: dict[str, int]
    midyear: dict[str, int]
    overdue: int
    organizations: int
    without_plan: int = 0
    plan_lines: list[tuple[str, int]] = field(default_factory=list)
    measure_lines: list[tuple[str, int]] = field(default_factory=list)
    midyear_lines: list[tuple[str, int]] = field(default_factory=list)


def submitted_below(*, cycle: Cycle, level) -> int:
    """How many of the level's direct subordinates' plans wait for its review."""
    return Plan.objects.filter(cycle=cycle, organization__parent=level, state=PlanState.SUBMITTED).count()


def level_summary(*, cycle: Cycle, level, today: datetime.date) -> LevelSummary:
    """The level's subtree counted: plans and measures by state, overdue measures, mid-year ratings — a read of
    the kept-current tallies, at any size of tree."""
    counts = tallies.level_counts(cycle=cycle, organization=level, today=today)
    organizations = level.descendants_count
    with_plan = sum(counts[tallies.PLAN].values())
    return LevelSummary(
        plans=counts[tallies.PLAN], measures=counts[tallies.MEASURE], midyear=counts[tallies.MIDYEAR],
        overdue=counts["overdue"], organizations=organizations, without_plan=max(0, organizations - with_plan),
        plan_lines=[(str(state.label), counts[tallies.PLAN].get(state.value, 0)) for state in PlanState],
        measure_lines=[(str(state.label), counts[tallies.MEASURE].get(state.value, 0)) for state in MeasureState],
        midyear_lines=[(str(rating.label), counts[tallies.MIDYEAR].get(rating.value, 0)) for rating in MidyearRating])


def _subtree_below(level) -> Q:
    return Q(plan__organization__path__gt=level.path, plan__organization__path__lt=paths.successor(level.path))


def overdue_measures(*, user, cycle: Cycle, level, today: datetime.date, limit: int = 200) -> list[Measure]:
    """Open measures past their deadline in the level's subtree, the earliest first."""
    return list(Measure.objects.filter(_subtree_below(level), plan__cycle=cycle, state__in=OPEN_MEASURE_STATES,
                                       deadline__lt=today).select_related("plan__organization", "problem")
                .order_by("deadline", "pk")[:limit])


def level_measures(*, cycle: Cycle, level) -> QuerySet[Measure]:
    """Every measure in the level's subtree, by organization: the level's measure list."""
    return (Measure.objects.filter(_subtree_below(level), plan__cycle=cycle)
            .select_related("plan__organization", "problem", "assisting_unit", "liaison_leader", "resident_cadre")
            .order_by("plan__organization__path", "problem__position", "position", "pk"))


def level_problems(*, cycle: Cycle, level) -> QuerySet[Problem]:
    """Every problem in the level's subtree, by organization: the level's problem list."""
    return (Problem.objects.filter(plan__cycle=cycle, plan__organization__path__gt=level.path,
                                   plan__organization__path__lt=paths.successor(level.path))
            .select_related("plan__organization").annotate(measure_count=Count("measures"))
            .order_by("plan__organization__path", "position", "pk"))


# The ledger ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerColumns:
    """整改情况 of seeds/004 as the plan gives it: 晋位升级目标 (a grade's code name), 整改措施 (numbered),
    整改时限 (the last measure's deadline), 帮扶单位, 联系领导, 整改责任人 (each named once, in the measures'
    order); ``measures_cut`` says that 附件3's 150 characters cut the measures."""

    plan_id: int
    state: str
    target_grade: str
    measures: str
    deadline: datetime.date | None
    assisting_unit: str
    liaison_leader: str
    responsible_person: str
    measure_count: int

    @property
    def measures_cut(self) -> bool:
        return len(self.measures) > rules.LEDGER_MEASURES_WIDTH


def _joined(values) -> str:
    return "、".join(dict.fromkeys(v for v in values if v))


def ledger_columns(*, cycle: Cycle, organization_ids=None, level: Organization | None = None) -> dict[int, LedgerColumns]:
    """The rectification columns of the plans of the organizations named, or of every plan in ``level``'s
    subtree (itself included), by organization id, in two queries. The plan as it stands: a revision under
    review shows what is being proposed, as the plan's own page does."""
    plans = Plan.objects.filter(cycle=cycle)
    if level is not None:
        plans = plans.filter(organization__path__startswith=level.path)
    if organization_ids is not None:
        plans = plans.filter(organization_id__in=list(organization_ids))
    measures: dict[int, list[tuple]] = {}
    for row in Measure.objects.filter(plan__in=plans).order_by("plan_id", "problem__position", "position", "pk").values_list(
            "plan_id", "text", "deadline", "assisting_unit__name", "liaison_leader__name", "responsible_person"):
        measures.setdefault(row[0], []).append(row)
    columns: dict[int, LedgerColumns] = {}
    for pk, organization_id, state, target_grade in plans.values_list("pk", "organization_id", "state", "target_grade"):
        found = measures.get(pk, [])
        columns[organization_id] = LedgerColumns(
            plan_id=pk, state=state, target_grade=target_grade, measures=rules.ledger_measures([m[1] for m in found]),
            deadline=max((m[2] for m in found), default=None), assisting_unit=_joined(m[3] for m in found),
            liaison_leader=_joined(m[4] for m in found), responsible_person=_joined(m[5] for m in found),
            measure_count=len(found))
    return columns


# To-dos ----------------------------------------------------------------------------------------


@dataclass
class Todo:
    """One thing of rectification awaiting a user: "file_plan" / "rework_plan" (its own plan), "overdue_own"
    (its own measures late), "criticized" (the mid-year check asks it to put things right), "review_plan",
    "answer" (a measure needs the superior), "verify" (a measure done, to strike off), "midyear" (a level's
    subordinates to rate)."""

    kind: str
    cycle: Cycle
    organization: Organization
    plan: Plan | None = None
    measure: Measure | None = None
    count: int = 0
    deadline: datetime.date | None = None
    today: datetime.date | None = None

    @property
    def overdue(self) -> bool:
        return bool(self.deadline and self.today and self.deadline < self.today)


def todo_list(*, user, today: datetime.date | None = None, limit: int = 50) -> list[Todo]:
    """What rectification asks of the user now, in open cycles."""
    today = today or datetime.date.today()
    roles = user_roles(user)
    own = [pk for _path, role, pk in roles if role in (Role.SECRETARY, Role.ADMIN)]
    deciding = [pk for _path, role, pk in roles if role in DECIDING_ROLES]
    todos: list[Todo] = []
    for cycle in Cycle.objects.filter(cycle_access.cycle_scope_q(user), state=CycleState.OPEN).select_related("owner"):
        terms = settings_of(cycle)
        own_orgs = list(Organization.objects.filter(pk__in=own, path__gt=cycle.owner.path,
                                                    path__lt=paths.successor(cycle.owner.path),
                                                    dissolved_on__isnull=True).order_by("path")[:limit])
        plans = {p.organization_id: p for p in Plan.objects.filter(cycle=cycle, organization__in=own_orgs)}
        for org in own_orgs:
            plan = plans.get(org.pk)
            due = terms.committee_plan_due if org.children_count else terms.plan_due
            if plan is None or plan.state == PlanState.DRAFT:
                todos.append(Todo("file_plan", cycle, org, plan, deadline=due, today=today))
            elif plan.state == PlanState.RETURNED:
                todos.append(Todo("rework_plan", cycle, org, plan, deadline=due, today=today))
            if plan is not None:
                late = Measure.objects.filter(plan=plan, state__in=OPEN_MEASURE_STATES, deadline__lt=today)
                count = late.count()
                if count:
                    todos.append(Todo("overdue_own", cycle, org, plan, count=count,
                                      deadline=late.order_by("deadline").values_list("deadline", flat=True).first(),
                                      today=today))
        for check in MidyearCheck.objects.filter(cycle=cycle, organization__in=own_orgs,
                                                 rating=MidyearRating.CRITICIZE).select_related("organization"):
            todos.append(Todo("criticized", cycle, check.organization, plans.get(check.organization_id),
                              deadline=check.new_deadline, today=today))
        below = Plan.objects.filter(cycle=cycle, organization__parent_id__in=deciding).select_related("organization")
        for plan in below.filter(state=PlanState.SUBMITTED).order_by("submitted_at")[:limit]:
            todos.append(Todo("review_plan", cycle, plan.organization, plan,
                              deadline=terms.committee_plan_due if plan.organization.children_count else terms.plan_due,
                              today=today))
        asked = Measure.objects.filter(plan__cycle=cycle, plan__organization__parent_id__in=deciding,
                                       plan__approved_at__isnull=False).select_related("plan__organization")
        for measure in asked.filter(kind=MeasureKind.SUPERIOR, answer="").order_by("deadline")[:limit]:
            todos.append(Todo("answer", cycle, measure.plan.organization, measure.plan, measure,
                              deadline=measure.deadline, today=today))
        for measure in asked.filter(state=MeasureState.DONE).order_by("done_on")[:limit]:
            todos.append(Todo("verify", cycle, measure.plan.organization, measure.plan, measure, today=today))
        for level in Organization.objects.filter(pk__in=deciding, path__startswith=cycle.owner.path,
                                                 children_count__gt=0, dissolved_on__isnull=True):
            approved = Plan.objects.filter(cycle=cycle, organization__parent=level, approved_at__isnull=False)
            unrated = approved.exclude(organization_id__in=MidyearCheck.objects.filter(
                cycle=cycle, organization__parent=level).values("organization_id")).count()
            if unrated:
                todos.append(Todo("midyear", cycle, level, count=unrated, deadline=terms.midyear_due, today=today))
    return todos[:limit]
