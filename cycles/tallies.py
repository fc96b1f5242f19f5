"""Kept-current counts per level: each grading adds one to every level above it, per dimension.

A grading's contribution is a few keys — its state, its sector × final grade, its stars — and
one key per own step it has recorded and not had returned (the "by step" roll-up).
A change moves the contribution from the old keys to the new ones at every ancestor inside the
cycle's subtree, in one upsert statement per batch ("INSERT … ON CONFLICT … DO UPDATE SET count =
count + excluded.count", the same SQL on SQLite and PostgreSQL). A level's summary is then a read
of a handful of indexed rows, at any size of tree.
"""

from collections import Counter
from collections.abc import Iterable

from django.db import connection

from cycles.models import Grading, StepRecord, Tally
from orgs import paths

STATE, GRADE, STARS, STEP = "state", "grade", "stars", "step"


def contribution(*, state: str, sector: str, final_grade: str, final_stars: int | None) -> set[tuple[str, str]]:
    """The (dimension, key) pairs one grading counts under."""
    keys = {(STATE, state)}
    if final_grade:
        keys.add((GRADE, f"{sector}:{final_grade}"))
        keys.add((STARS, str(final_stars or 0)))
    return keys


def levels_above(*, organization_path: str, owner_path: str) -> list[int]:
    """Ids of the levels that count a grading: its ancestors from the cycle's owner down."""
    return [pk for pk, path in zip(paths.ancestor_ids(organization_path), paths.ancestor_paths(organization_path), strict=True)
            if path.startswith(owner_path)]


def apply(*, cycle, changes: Iterable[tuple[str, set, set]]) -> None:
    """Move contributions: each change is (organization path, old keys, new keys)."""
    apply_to(Tally, cycle=cycle, changes=changes)


def apply_to(model, *, cycle, changes: Iterable[tuple[str, set, set]], levels=levels_above) -> None:
    """Move contributions in a tally table of ``model``'s shape (cycle, organization, dimension, key, count),
    one upsert per level and key: each change is (organization path, old keys, new keys); ``levels`` names the
    levels that count an organization. The other apps' kept-current counts share it."""
    owner_path = cycle.owner.path
    deltas: Counter = Counter()
    for organization_path, old, new in changes:
        if old == new:
            continue
        for level in levels(organization_path=organization_path, owner_path=owner_path):
            for dimension, key in old - new:
                deltas[(level, dimension, key)] -= 1
            for dimension, key in new - old:
                deltas[(level, dimension, key)] += 1
    rows = [(cycle.pk, level, dimension, key, delta) for (level, dimension, key), delta in deltas.items() if delta]
    if not rows:
        return
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    unique = ", ".join(map(q, ["cycle_id", "organization_id", "dimension", "key"]))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({unique}, {q('count')}) VALUES (%s, %s, %s, %s, %s) ON CONFLICT ({unique}) "
            f"DO UPDATE SET {q('count')} = {table}.{q('count')} + excluded.{q('count')}",
            rows,
        )


def level_counts(*, cycle, organization) -> dict[str, dict[str, int]]:
    """A level's counts by dimension: {"state": {"preparing": 12, …}, "grade": {"village:advanced": 3, …}, …}."""
    counts: dict[str, dict[str, int]] = {STATE: {}, GRADE: {}, STARS: {}, STEP: {}}
    for dimension, key, count in Tally.objects.filter(cycle=cycle, organization=organization, count__gt=0).values_list(
            "dimension", "key", "count"):
        counts.setdefault(dimension, {})[key] = count
    return counts


def recount(*, cycle) -> dict[tuple[int, str, str], int]:
    """The counts as the detail rows give them, by range scans per level: for checks, not for pages."""
    expected: Counter = Counter()
    owner_path = cycle.owner.path
    for path, state, sector, grade, stars in Grading.objects.filter(cycle=cycle).values_list(
            "organization__path", "state", "organization__sector", "final_grade", "final_stars"):
        for level in levels_above(organization_path=path, owner_path=owner_path):
            for dimension, key in contribution(state=state, sector=sector, final_grade=grade, final_stars=stars):
                expected[(level, dimension, key)] += 1
    for path, step in StepRecord.objects.filter(grading__cycle=cycle, needs_work="").values_list(
            "grading__organization__path", "step"):
        for level in levels_above(organization_path=path, owner_path=owner_path):
            expected[(level, STEP, step)] += 1
    return dict(expected)


def stored(*, cycle) -> dict[tuple[int, str, str], int]:
    return {(level, dimension, key): count for level, dimension, key, count in
            Tally.objects.filter(cycle=cycle, count__gt=0).values_list("organization_id", "dimension", "key", "count")}
