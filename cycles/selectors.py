"""Reads of cycles: progress per level, overdue lists, each user's to-dos, an organization's history."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from cycles import access, tallies
from cycles.choices import (
    OWN_STEPS,
    REPORTED_LIST_STATES,
    SURVEY_QUESTIONS,
    GradingState,
    ListState,
    Step,
    SurveyRating,
)
from cycles.models import Cycle, CycleStandard, DeadlineExtension, Grading, LevelList, StepRecord, SurveyAnswer
from orgs import access as org_access
from orgs import paths
from orgs import selectors as org_selectors
from orgs.access import DECIDING_ROLES, user_roles
from orgs.choices import Role, Sector
from orgs.models import Organization, RoleAssignment
from standards import defaults as standard_defaults
from standards.choices import GRADE_ORDER, Grade
from standards.models import Standard


def cycle_list(*, user) -> QuerySet[Cycle]:
    """Cycles opened above the user or inside their scope."""
    return Cycle.objects.filter(access.cycle_scope_q(user)).select_related("owner").order_by("-year", "owner__path")


def level_summary(*, user, cycle: Cycle, level) -> dict[str, dict[str, int]]:
    """A level's kept-current counts (by state, sector × grade, stars, own step): a read of a few rows."""
    org_access.check(user, level, org_access.VIEW)
    return tallies.level_counts(cycle=cycle, organization=level)


def summary_tables(*, cycle: Cycle, counts: dict[str, dict[str, int]]) -> dict:
    """A level's counts as the summary tables show them: states, sector × grade, stars (the steps: step_progress)."""
    return {
        "state_counts": [(GradingState(key).label, key, count) for key, count in counts["state"].items()],
        "grade_table": _grade_table(counts["grade"]),
        "star_counts": sorted(((int(key), count) for key, count in counts["stars"].items()), reverse=True),
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
            .select_related("organization", "decided_by", "baseline_cycle").order_by("organization__code"))


def level_list_of(*, cycle: Cycle, level) -> LevelList | None:
    return LevelList.objects.filter(cycle=cycle, organization=level).first()


def next_step(cycle: Cycle, grading: Grading, recorded: set[str]) -> str | None:
    """The step the organization has to record next, or None once its own steps are done."""
    for step in cycle.steps:
        if step in OWN_STEPS and step not in recorded:
            return step
    return None


def own_steps(cycle: Cycle) -> list[str]:
    return [step for step in cycle.steps if step in OWN_STEPS]


def _deadline(cycle: Cycle, step: str) -> datetime.date | None:
    value = cycle.deadlines.get(step)
    return datetime.date.fromisoformat(value) if value else None


def effective_deadline(cycle: Cycle, step: str, extended_until: datetime.date | None = None) -> datetime.date | None:
    """A step's last day for one organization: the cycle's, or the later day of an extension granted to it."""
    deadline = _deadline(cycle, step)
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
        deadline = _deadline(cycle, step)
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
        deadline = _deadline(cycle, step)
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


def list_whole(*, cycle: Cycle, level) -> bool:
    """Every active direct subordinate of the level is determined: its list may go up."""
    return not Grading.objects.filter(cycle=cycle, organization__parent=level, organization__dissolved_on__isnull=True) \
        .exclude(state__in=[GradingState.DECIDED, GradingState.APPROVED]).exists()


def list_deadline(*, cycle: Cycle, level) -> datetime.date | None:
    """The last day of a level's list (the cycle's ``list_deadlines``, by depth below the owner)."""
    value = cycle.list_deadlines.get(str(level.depth - cycle.owner.depth))
    return datetime.date.fromisoformat(value) if value else None


def previous_cycle(*, owner, year: int) -> Cycle | None:
    """The owner's last cycle before ``year``: where a new year starts from."""
    return Cycle.objects.filter(owner=owner, year__lt=year).order_by("-year").first()


def owner_contacts(*, cycle: Cycle) -> list[str]:
    """The names of the cycle owner's administrators: whom a branch asks for more time."""
    assignments = RoleAssignment.objects.filter(organization=cycle.owner, role=Role.ADMIN).select_related("user")
    return [a.user.get_full_name() or a.user.get_username() for a in assignments.order_by("user__username")[:5]]


def subordinate_list_states(*, cycle: Cycle, gradings: list[Grading]) -> dict[int, LevelList]:
    """organization id → its own list, for the subordinates that are levels themselves."""
    ids = [g.organization_id for g in gradings if g.organization.children_count]
    return {ll.organization_id: ll for ll in LevelList.objects.filter(cycle=cycle, organization_id__in=ids)}


def grading_history(*, user, organization) -> QuerySet[Grading]:
    """An organization's gradings across years, the latest first."""
    org_access.check(user, organization, org_access.VIEW)
    return Grading.objects.filter(organization=organization).select_related("cycle").order_by("-cycle__year")


def cycle_standard(*, cycle: Cycle, organization) -> Standard | None:
    """The standard the cycle uses for the organization's sector; None when it names none (default grades)."""
    link = CycleStandard.objects.filter(cycle=cycle, sector=organization.sector).select_related("standard").first()
    return link.standard if link else None


def organization_grades(*, cycle: Cycle, organization) -> list[str]:
    """The grades a step or the superior may give the organization: its standard's, else the default three."""
    standard = cycle_standard(cycle=cycle, organization=organization)
    if standard is not None:
        return [band["grade"] for band in standard.bands]
    return [band.grade for band in standard_defaults.THREE_GRADES.bands]


def grading_standard(*, grading: Grading) -> Standard | None:
    """The standard the cycle uses for the grading's sector; None when it names none (default grades)."""
    return cycle_standard(cycle=grading.cycle, organization=grading.organization)


def grading_grades(*, grading: Grading) -> list[str]:
    """The grades a step or the superior may give this organization: its standard's, else the default three."""
    return organization_grades(cycle=grading.cycle, organization=grading.organization)


def grading_events(*, user, grading: Grading):
    """The audit events of one grading (steps, submission, determination, returns, approval), newest first."""
    return org_selectors.audit_event_list(user=user, organization=grading.organization).filter(
        object_type=Grading._meta.label_lower, object_id=str(grading.pk))


def levels_of(*, user, cycle: Cycle) -> list:
    """The levels the user acts for in a cycle: organizations inside the cycle's subtree (its owner
    included) where the user reviews or administers; the owner for administrators above it."""
    owner = cycle.owner
    ids = [pk for path, role, pk in user_roles(user) if role in DECIDING_ROLES and path.startswith(owner.path)]
    levels = list(Organization.objects.filter(pk__in=ids, dissolved_on__isnull=True).order_by("path"))
    if not levels and org_access.can_manage(user, owner):
        levels = [owner]
    return levels


def sectors_below(*, user, organization) -> list[str]:
    """The sectors of the active organizations below one: a cycle chooses a standard for each."""
    org_access.check(user, organization, org_access.VIEW)
    return list(Organization.objects.filter(path__gt=organization.path, path__lt=paths.successor(organization.path),
                                            dissolved_on__isnull=True)
                .order_by("sector").values_list("sector", flat=True).distinct())


# Status survey ----------------------------------------------------------------------------------

NOT_ANSWERED = "none"  # a question left blank, or no survey at all
SURVEY_ANSWERS = (*SurveyRating.values, NOT_ANSWERED)


@dataclass
class SurveyFilter:
    """One filter for the survey's list of organizations, its page and its .xlsx: a sector, and one
    question's answer (NOT_ANSWERED for none given)."""

    sector: str = ""
    question: str = ""
    rating: str | None = None

    @classmethod
    def parse(cls, params) -> "SurveyFilter":
        """From a query string; a value that is no sector, question or answer is refused, never dropped."""
        sector, question = params.get("sector", ""), params.get("question", "")
        rating = params.get("rating") or None
        errors = {}
        if sector and sector not in Sector.values:
            errors["sector"] = _("Sector: %(value)s is not a sector.") % {"value": sector}
        if question and question not in SURVEY_QUESTIONS:
            errors["question"] = _("Question: %(value)s is not a question of the survey.") % {"value": question}
        if rating is not None and (rating not in SURVEY_ANSWERS or not question):  # an answer belongs to a question
            errors["rating"] = _("Answer: choose yes, partly, no or not answered, for one question.")
        if errors:
            raise ValidationError(errors)
        return cls(sector, question, rating)

    def as_query(self) -> str:
        parts = {"sector": self.sector, "question": self.question}
        query = "&".join(f"{key}={value}" for key, value in parts.items() if value)
        if self.rating is not None:
            query += f"&rating={self.rating}"
        return query.lstrip("&")


def _survey_subtree(level) -> Q:
    return Q(path__gt=level.path, path__lt=paths.successor(level.path), dissolved_on__isnull=True)


def survey_organizations(*, user, cycle: Cycle, level, survey_filter: SurveyFilter | None = None):
    """The active organizations below the level with their survey answer (None when not answered),
    ordered by the tree, filtered as the page and the .xlsx are."""
    org_access.check(user, level, org_access.VIEW)
    survey_filter = survey_filter or SurveyFilter()
    organizations = Organization.objects.filter(_survey_subtree(level)).order_by("path")
    if survey_filter.sector:
        organizations = organizations.filter(sector=survey_filter.sector)
    answers = SurveyAnswer.objects.filter(cycle=cycle, organization=OuterRef("pk"))
    if survey_filter.question and survey_filter.rating is not None:
        field = f"{survey_filter.question}_rating"
        chosen = answers.filter(**{field: survey_filter.rating})
        if survey_filter.rating == NOT_ANSWERED:
            organizations = organizations.filter(Exists(answers.filter(**{field: ""})) | ~Exists(answers))
        else:
            organizations = organizations.filter(Exists(chosen))
    return organizations


def survey_answers_of(*, cycle: Cycle, organizations) -> dict[int, SurveyAnswer]:
    """organization id → its answer, for a page of organizations."""
    return {a.organization_id: a for a in SurveyAnswer.objects.filter(cycle=cycle, organization__in=list(organizations))}


@dataclass
class SurveyCount:
    """One question's answers per sector: counts of yes, partly, no and not answered, and the total."""

    question: str
    label: str
    rows: list[tuple[str, str, list[tuple[str, int]], int]]  # (sector, its label, (answer, count) in SURVEY_ANSWERS order, total)
    totals: list[int]
    total: int


def survey_counts(*, user, cycle: Cycle, level) -> list[SurveyCount]:
    """The survey's answers below the level counted per question and sector, in two grouped queries;
    an organization with no answer counts as not answered."""
    org_access.check(user, level, org_access.VIEW)
    sizes = dict(Organization.objects.filter(_survey_subtree(level)).values("sector").annotate(n=Count("pk"))
                 .values_list("sector", "n"))
    aggregates = {f"{q}__{r}": Count("pk", filter=Q(**{f"{q}_rating": r})) for q in SURVEY_QUESTIONS
                  for r in SurveyRating.values}
    answered = {row["organization__sector"]: row for row in SurveyAnswer.objects.filter(
        cycle=cycle, organization__path__gt=level.path, organization__path__lt=paths.successor(level.path),
        organization__dissolved_on__isnull=True).values("organization__sector").annotate(**aggregates)}
    sectors = sorted(sizes, key=lambda s: Sector.values.index(s) if s in Sector.values else len(Sector.values))
    result = []
    for question in SURVEY_QUESTIONS:
        rows = []
        for sector in sectors:
            given = [answered.get(sector, {}).get(f"{question}__{r}", 0) for r in SurveyRating.values]
            counts = [*given, sizes[sector] - sum(given)]
            rows.append((sector, str(Sector(sector).label) if sector in Sector.values else sector,
                         list(zip(SURVEY_ANSWERS, counts, strict=True)), sizes[sector]))
        totals = [sum(row[2][i][1] for row in rows) for i in range(len(SURVEY_ANSWERS))]
        result.append(SurveyCount(question, str(SurveyAnswer._meta.get_field(f"{question}_rating").verbose_name), rows,
                                  totals, sum(sizes.values())))
    return result


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
