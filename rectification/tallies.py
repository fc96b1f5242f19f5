"""Kept-current counts per level, as cycles.tallies keeps the grading's: each plan and measure adds one to
every level above its organization inside the cycle's subtree, per dimension.

* ``plan``: plans by state;
* ``measure``: measures by state;
* ``due``: measures still open (planned or in progress) by their deadline — a level's overdue count is the
  sum of the keys before today, a read of a few hundred rows at most;
* ``midyear``: the mid-year ratings.

A change moves the contribution from the old keys to the new ones in one upsert statement ("INSERT … ON
CONFLICT … DO UPDATE SET count = count + excluded.count", the same on SQLite and PostgreSQL).
"""

import datetime
from collections import Counter
from collections.abc import Iterable

from django.db.models import Sum

from cycles import tallies as cycle_tallies
from rectification.choices import OPEN_MEASURE_STATES
from rectification.models import Measure, MidyearCheck, Plan, Tally

PLAN, MEASURE, DUE, MIDYEAR = "plan", "measure", "due", "midyear"


def plan_keys(*, state: str) -> set[tuple[str, str]]:
    return {(PLAN, state)}


def measure_keys(*, state: str, deadline: datetime.date | None) -> set[tuple[str, str]]:
    keys = {(MEASURE, state)}
    if state in OPEN_MEASURE_STATES and deadline is not None:
        keys.add((DUE, deadline.isoformat()))
    return keys


def midyear_keys(*, rating: str) -> set[tuple[str, str]]:
    return {(MIDYEAR, rating)} if rating else set()


def apply(*, cycle, changes: Iterable[tuple[str, set, set]]) -> None:
    """Move contributions: each change is (organization path, old keys, new keys)."""
    cycle_tallies.apply_to(Tally, cycle=cycle, changes=changes)


def level_counts(*, cycle, organization, today: datetime.date) -> dict:
    """A level's counts: {"plan": {"draft": 3, …}, "measure": {…}, "midyear": {…}, "overdue": n}."""
    counts: dict = {PLAN: {}, MEASURE: {}, MIDYEAR: {}}
    rows = Tally.objects.filter(cycle=cycle, organization=organization, count__gt=0)
    for dimension, key, count in rows.exclude(dimension=DUE).values_list("dimension", "key", "count"):
        counts.setdefault(dimension, {})[key] = count
    counts["overdue"] = rows.filter(dimension=DUE, key__lt=today.isoformat()).aggregate(n=Sum("count"))["n"] or 0
    return counts


def recount(*, cycle) -> dict[tuple[int, str, str], int]:
    """The counts as the detail rows give them: for checks, not for pages."""
    expected: Counter = Counter()
    owner_path = cycle.owner.path

    def add(path, keys):
        for level in cycle_tallies.levels_above(organization_path=path, owner_path=owner_path):
            for dimension, key in keys:
                expected[(level, dimension, key)] += 1

    for path, state in Plan.objects.filter(cycle=cycle).values_list("organization__path", "state"):
        add(path, plan_keys(state=state))
    for path, state, deadline in Measure.objects.filter(plan__cycle=cycle).values_list(
            "plan__organization__path", "state", "deadline"):
        add(path, measure_keys(state=state, deadline=deadline))
    for path, rating in MidyearCheck.objects.filter(cycle=cycle).values_list("organization__path", "rating"):
        add(path, midyear_keys(rating=rating))
    return dict(expected)


def stored(*, cycle) -> dict[tuple[int, str, str], int]:
    return {(level, dimension, key): count for level, dimension, key, count in
            Tally.objects.filter(cycle=cycle, count__gt=0).values_list("organization_id", "dimension", "key", "count")}
