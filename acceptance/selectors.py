"""Reads of the acceptance: the round's settings, targets in force at a level, the transition matrices and the
rates read off them (kept-current counts, a read of one level's rows), drill-downs, and each user's to-dos."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from acceptance import rules, tallies
from acceptance.choices import DECIDED_STATES, AcceptanceState, ModelTitle, Presence, TargetSource
from acceptance.models import Acceptance, AcceptanceSettings, LevelAcceptance, Target
from cycles import access as cycle_access
from cycles.choices import CycleState
from cycles.models import Cycle, CycleStandard
from orgs import paths
from orgs.access import DECIDING_ROLES, user_roles
from orgs.choices import Role
from orgs.models import Organization
from rectification import selectors as rectification_selectors
from rectification.models import Measure, Plan
from standards.choices import GRADE_ORDER, Grade


def settings_of(*, cycle: Cycle) -> AcceptanceSettings | None:
    """The cycle's acceptance round, once its owner opened it."""
    return AcceptanceSettings.objects.filter(cycle=cycle).first()


def acceptance_of(*, cycle: Cycle, organization) -> Acceptance | None:
    return Acceptance.objects.filter(cycle=cycle, organization=organization).select_related("survey").first()


def level_acceptance_of(*, cycle: Cycle, level) -> LevelAcceptance | None:
    return LevelAcceptance.objects.filter(cycle=cycle, organization=level).first()


def subordinate_acceptances(*, cycle: Cycle, level) -> QuerySet[Acceptance]:
    """The acceptances of a level's direct subordinates, the merged and dissolved left out."""
    return (Acceptance.objects.filter(cycle=cycle, organization__parent=level)
            .exclude(state=AcceptanceState.DEPARTED).select_related("organization").order_by("organization__path"))


# Targets ------------------------------------------------------------------------------------------------------


@dataclass
class TargetInForce:
    """A target as it holds at a level: the highest of the level's own, its superiors', the communities' (for other
    sectors) and its plan's overall target, with where that highest came from."""

    sector: str
    origin: str
    goal: str
    share: Decimal
    source: str
    level: Organization
    own: Decimal | None = None  # the level's own share, when it set one
    rate: rules.Rate | None = None


def _chain(cycle: Cycle, level) -> list[int]:
    """The level and its ancestors inside the cycle, top first."""
    return [pk for pk, path in zip(paths.ancestor_ids(level.path), paths.ancestor_paths(level.path), strict=True)
            if path.startswith(cycle.owner.path)] + [level.pk]


def _plan_targets(cycle: Cycle, level_ids: list[int]) -> list[tuple[int, str, str, str, Decimal]]:
    """A committee's overall targets of its approved plan (晋位方案: "党委向上级党组织承诺整体晋位目标", seeds/001)."""
    found = []
    for organization_id, targets in Plan.objects.filter(
            cycle=cycle, organization_id__in=level_ids, approved_at__isnull=False).values_list(
            "organization_id", "overall_targets"):
        for target in targets or []:
            origin, goal = f"grade:{target.get('from', '')}", f"grade:{target.get('to', '')}"
            try:
                share = Decimal(str(target.get("share")))
            except ArithmeticError:
                continue
            if rules.origin_valid(origin) and rules.goal_valid(goal):
                found.append((organization_id, "", origin, goal, share))
    return found


def targets_in_force(*, cycle: Cycle, level) -> list[TargetInForce]:
    """Every target that holds at ``level``: for each (sector, origin, goal) the highest share among the level and
    its ancestors inside the cycle; a sector's also at least the all-sectors' one, and other sectors' at least the
    communities' (seeds/002 "其他领域…应高于社区党组织争创目标")."""
    chain = _chain(cycle, level)
    levels = {org.pk: org for org in Organization.objects.filter(pk__in=chain)}
    rows = [(t.organization_id, t.sector, t.origin, t.goal, t.share, t.source)
            for t in Target.objects.filter(cycle=cycle, organization_id__in=chain)]
    rows += [(*row, TargetSource.PLAN) for row in _plan_targets(cycle, chain)]
    sectors = {sector for _o, sector, *_rest in rows if sector}
    sectors |= set(CycleStandard.objects.filter(cycle=cycle).values_list("sector", flat=True))
    keys = {(sector, origin, goal) for _o, sector, origin, goal, *_rest in rows}
    # Other sectors inherit the communities' and the all-sectors' targets.
    keys |= {(sector, origin, goal) for sector in sectors for (s, origin, goal) in list(keys) if s in ("", rules.COMMUNITY)
             and sector != rules.COMMUNITY}
    found = []
    for sector, origin, goal in sorted(keys):
        applies = {sector, ""} | ({rules.COMMUNITY} if sector and sector != rules.COMMUNITY else set())
        best = None
        own = None
        for org_id, s, o, g, share, source in rows:
            if (o, g) != (origin, goal) or s not in applies:
                continue
            if org_id == level.pk and s == sector and source != TargetSource.PLAN:
                own = share
            if best is None or share > best[0]:
                best = (share, source, org_id)
        if best is not None:
            found.append(TargetInForce(sector, origin, goal, best[0], best[1], levels[best[2]], own))
    return found


def target_floor(*, cycle: Cycle, level, sector: str, origin: str, goal: str) -> tuple[Decimal, Organization | None,
                                                                                           str]:
    """The least share a level may set for a target: its superiors' (any of them, for this sector or all
    sectors), and for a sector other than the communities', the communities' at this level and above. Returns
    (share, the level it comes from, the sector it was set for)."""
    chain = _chain(cycle, level)
    above = [pk for pk in chain if pk != level.pk]
    q = Q(organization_id__in=above, sector__in=[sector, ""])
    if sector and sector != rules.COMMUNITY:
        q |= Q(organization_id__in=chain, sector=rules.COMMUNITY)
    if sector:
        q |= Q(organization_id=level.pk, sector="")
    best = Target.objects.filter(q, cycle=cycle, origin=origin, goal=goal).select_related("organization").order_by(
        "-share").first()
    if best is None:
        return Decimal(0), None, ""
    return best.share, best.organization, best.sector


# Transitions and rates ----------------------------------------------------------------------------------------


def level_moves(*, cycle: Cycle, organization) -> dict[rules.Move, int]:
    """A level's moves of the year, counted (kept current by acceptance.tallies)."""
    return {rules.move_of(key): count for key, count in
            tallies.level_rows(cycle=cycle, organization=organization)[tallies.MOVE].items()}


@dataclass
class Matrix:
    """A transition matrix: rows (where organizations started), columns (where they ended), cells {(row, col): n}."""

    kind: str
    rows: list[str]
    columns: list[str]
    cells: dict[tuple[str, str], int] = field(default_factory=dict)

    def count(self, row: str, column: str) -> int:
        return self.cells.get((row, column), 0)

    def row_total(self, row: str) -> int:
        return sum(n for (r, _c), n in self.cells.items() if r == row)

    def column_total(self, column: str) -> int:
        return sum(n for (_r, c), n in self.cells.items() if c == column)

    @property
    def total(self) -> int:
        return sum(self.cells.values())


MATRIX_KINDS = ("grade", "stars", "title", "years")
_EDGE_ORDER = (rules.NEW, rules.UNGRADED, rules.PENDING, "merged", "dissolved")


def _order(values) -> list[str]:
    def rank(value: str):
        if value in GRADE_ORDER:
            return (1, GRADE_ORDER.index(value))
        if value.isdigit():
            return (1, -int(value))
        if value in rules.TITLE_ORDER:
            return (0, -rules.TITLE_ORDER.index(value))
        if value == "":
            return (2, 0)
        return (0 if value == rules.NEW else 3, _EDGE_ORDER.index(value) if value in _EDGE_ORDER else 9)
    return sorted(values, key=rank)


def cell_of(kind: str, move: rules.Move) -> tuple[str, str]:
    """Where a move sits in a matrix of ``kind``."""
    if kind == "stars":
        start = move.start_grade if move.start_grade in (rules.NEW, rules.UNGRADED) else str(move.start_stars or 0)
        end = move.end_grade if move.end_stars is None else str(move.end_stars)
        return start, end
    if kind == "title":
        end = move.end_grade if move.end_grade in _EDGE_ORDER else (move.end_title or "")
        return move.start_grade, end
    return move.start_grade, move.end_grade


def transition_matrix(*, cycle: Cycle, organization, kind: str = "grade", sector: str = "") -> Matrix:
    """The matrix of one level (all sectors, or one): start-of-year grade, stars or grade against title, to the
    acceptance; or last year's grade to this year's (``years``). Merged, dissolved and new have rows and columns."""
    counts = tallies.level_rows(cycle=cycle, organization=organization)
    cells: dict[tuple[str, str], int] = {}
    if kind == "years":
        for key, count in counts[tallies.YEARS].items():
            key_sector, last, this = key.split("|")
            if sector and key_sector != sector:
                continue
            cells[(last, this)] = cells.get((last, this), 0) + count
    else:
        for key, count in counts[tallies.MOVE].items():
            move = rules.move_of(key)
            if sector and move.sector != sector:
                continue
            cell = cell_of(kind, move)
            cells[cell] = cells.get(cell, 0) + count
    return Matrix(kind, _order({r for r, _c in cells}), _order({c for _r, c in cells}), cells)


def target_rates(*, cycle: Cycle, organization) -> list[TargetInForce]:
    """The targets in force at a level, each with its rate read off the level's moves (met, or missed by how many)."""
    moves = level_moves(cycle=cycle, organization=organization)
    found = targets_in_force(cycle=cycle, level=organization)
    for target in found:
        target.rate = rules.rate_of(moves, target.origin, target.goal, target.share, target.sector)
    return found


def level_state_counts(*, cycle: Cycle, organization) -> dict[str, int]:
    return tallies.level_rows(cycle=cycle, organization=organization)[tallies.STATE]


def cell_acceptances(*, user, cycle: Cycle, organization, kind: str, row: str, column: str,
                     sector: str = "") -> QuerySet[Acceptance]:
    """The organizations behind one cell of a level's matrix: its subtree's acceptances that start and end there."""
    cycle_access.require(user, True, organization)
    below = Acceptance.objects.filter(cycle=cycle, organization__path__gt=organization.path,
                                      organization__path__lt=paths.successor(organization.path))
    if sector:
        below = below.filter(sector=sector)
    departed = Q(presence__in=[Presence.MERGED, Presence.DISSOLVED])
    decided = Q(state__in=DECIDED_STATES) & ~departed
    unknown = {rules.NEW: Q(presence=Presence.NEW), rules.UNGRADED: ~Q(presence=Presence.NEW)}
    if kind == "years":
        below = below.filter(Q(baseline_grade="") & unknown[row] if row in unknown else Q(baseline_grade=row))
    else:
        below = below.exclude(state=AcceptanceState.DEPARTED, grading__isnull=True)  # gone before the year began
        if row in unknown:
            below = below.filter(Q(start_grade="") & unknown[row])
        elif kind == "stars":
            stars = Q(start_stars=int(row)) | (Q(start_stars__isnull=True) if row == "0" else Q(pk__in=[]))
            below = below.exclude(start_grade="").filter(stars)
        else:
            below = below.filter(start_grade=row)
    if column in ("merged", "dissolved"):
        below = below.filter(presence=column)
    elif column == rules.PENDING:
        below = below.exclude(departed).exclude(state__in=DECIDED_STATES)
    elif kind == "stars":
        below = below.filter(decided, accepted_stars=int(column)) if column != "0" else below.filter(
            decided, Q(accepted_stars=0) | Q(accepted_stars__isnull=True))
    elif kind == "title":
        below = below.filter(decided, accepted_title=column)
    else:
        below = below.filter(decided, accepted_grade=column)
    return below.select_related("organization").order_by("organization__path")


def label(value: str) -> str:
    """A matrix row's or column's name in words."""
    words = {rules.NEW: _("New"), rules.UNGRADED: _("Not graded"), rules.PENDING: _("Not yet accepted"),
             "merged": _("Merged"),
             "dissolved": _("Dissolved"), "": _("No title")}
    if value in words:
        return str(words[value])
    if value in Grade.values:
        return str(Grade(value).label)
    if value in ModelTitle.values:
        return str(ModelTitle(value).label)
    if value.isdigit():
        return _("%(n)s stars") % {"n": value}
    return value


def target_words(origin: str, goal: str) -> tuple[str, str]:
    """A target's origin and goal in words: "一般" → "先进", "三星" → "星级提升"."""
    kind, _sep, value = origin.partition(":")
    start = label(value) if kind == "grade" else _("%(n)s stars") % {"n": value}
    kind, _sep, value = goal.partition(":")
    if goal == "stars:more":
        end = _("more stars")
    elif goal == "stars:any":
        end = _("at least one star")
    else:
        end = label(value)
    return start, end


# The superior's view of an organization: its plan's measures and their verification -----------------------------


def plan_measures(*, cycle: Cycle, organization) -> list[Measure]:
    """The organization's measures of the year, with their progress up to 销号, to set beside the 认定."""
    plan = rectification_selectors.plan_of(cycle=cycle, organization=organization)
    if plan is None:
        return []
    return list(Measure.objects.filter(plan=plan).select_related("problem", "verified_by"))


@dataclass(frozen=True)
class SurveyResult:
    ballots: int
    dissatisfied: int
    closed: bool

    @property
    def dissatisfied_share(self) -> Decimal | None:
        return Decimal(self.dissatisfied) / Decimal(self.ballots) if self.ballots else None


def survey_result(*, acceptance: Acceptance) -> SurveyResult | None:
    """The satisfaction survey's count, once closed: its ballots and how many were 不满意."""
    session = acceptance.survey
    if session is None:
        return None
    if not session.closed:
        return SurveyResult(0, 0, False)
    counts = session.tallies.get("counts", {})
    return SurveyResult(int(session.tallies.get("ballots") or 0), int(counts.get("dissatisfied") or 0), True)


# To-dos -------------------------------------------------------------------------------------------------------


@dataclass
class Todo:
    """One thing the acceptance asks of a user: "self_check" or "rework" (their organization), "decide" (a
    direct subordinate submitted), "submit_level" (every direct subordinate re-graded), "overdue" (direct
    subordinates late with their self-check, counted)."""

    kind: str
    cycle: Cycle
    organization: Organization
    acceptance: Acceptance | None = None
    deadline: datetime.date | None = None
    today: datetime.date | None = None
    count: int = 0

    @property
    def overdue(self) -> bool:
        return bool(self.deadline and self.today and self.deadline < self.today)


def todo_list(*, user, today: datetime.date | None = None, limit: int = 50) -> list[Todo]:
    """What the acceptance asks of the user now, in open cycles whose round is open."""
    today = today or datetime.date.today()
    roles = user_roles(user)
    own = [pk for _path, role, pk in roles if role in (Role.SECRETARY, Role.ADMIN)]
    deciding = [pk for _path, role, pk in roles if role in DECIDING_ROLES]
    todos: list[Todo] = []
    for terms in AcceptanceSettings.objects.filter(
            cycle__in=Cycle.objects.filter(cycle_access.cycle_scope_q(user), state=CycleState.OPEN)).select_related(
            "cycle__owner"):
        cycle = terms.cycle
        for acceptance in Acceptance.objects.filter(
                cycle=cycle, organization_id__in=own,
                state__in=[AcceptanceState.SELF_CHECK, AcceptanceState.RETURNED]).select_related("organization")[:limit]:
            kind = "rework" if acceptance.state == AcceptanceState.RETURNED else "self_check"
            todos.append(Todo(kind, cycle, acceptance.organization, acceptance, terms.self_check_due, today))
        below = Acceptance.objects.filter(cycle=cycle, organization__parent_id__in=deciding)
        for acceptance in below.filter(state=AcceptanceState.SUBMITTED).select_related("organization").order_by(
                "submitted_at")[:limit]:
            todos.append(Todo("decide", cycle, acceptance.organization, acceptance, terms.decision_due, today))
        for level in Organization.objects.filter(pk__in=deciding, path__startswith=cycle.owner.path,
                                                 children_count__gt=0, dissolved_on__isnull=True):
            mine = below.filter(organization__parent=level).exclude(state=AcceptanceState.DEPARTED)
            if terms.self_check_due < today:
                late = mine.filter(state__in=[AcceptanceState.SELF_CHECK, AcceptanceState.RETURNED]).count()
                if late:
                    todos.append(Todo("overdue", cycle, level, deadline=terms.self_check_due, today=today, count=late))
            submitted = LevelAcceptance.objects.filter(cycle=cycle, organization=level, state="submitted").exists()
            if not submitted and mine.exists() and not mine.exclude(state__in=DECIDED_STATES).exists():
                todos.append(Todo("submit_level", cycle, level, deadline=terms.decision_due, today=today))
    return todos[:limit]


def overdue_acceptances(*, cycle: Cycle, level, today: datetime.date) -> QuerySet[Acceptance]:
    """The subtree's organizations past a deadline of the round: self-check not submitted after its day, or
    submitted and not determined after the determinations' day."""
    terms = settings_of(cycle=cycle)
    below = Acceptance.objects.filter(cycle=cycle, organization__path__gt=level.path,
                                      organization__path__lt=paths.successor(level.path))
    if terms is None:
        return below.none()
    late = Q(pk__in=[])
    if terms.self_check_due < today:
        late |= Q(state__in=[AcceptanceState.SELF_CHECK, AcceptanceState.RETURNED])
    if terms.decision_due < today:
        late |= Q(state=AcceptanceState.SUBMITTED)
    return below.filter(late).select_related("organization").order_by("organization__path")

