"""Kept-current counts of pledges per level, as cycles.tallies: each pledge adds one to every level above it
(itself included) inside the cycle's subtree under its kind × state and, once evaluated, its kind × result; one portable upsert."""

from collections import Counter
from collections.abc import Iterable

from django.db import connection

from orgs import paths
from pledges.models import Pledge, PledgeTally

STATE, RESULT = "state", "result"


def contribution(*, kind: str, state: str, result: str) -> set[tuple[str, str]]:
    keys = {(STATE, f"{kind}:{state}")}
    if result:
        keys.add((RESULT, f"{kind}:{result}"))
    return keys


def levels_counting(*, organization_path: str, owner_path: str) -> list[int]:
    """Ids of the levels that count a pledge: its organization and its ancestors from the cycle's owner down."""
    ids = [*paths.ancestor_ids(organization_path), paths.segment_id(organization_path[-paths.SEGMENT:])]
    chain = [*paths.ancestor_paths(organization_path), organization_path]
    return [pk for pk, path in zip(ids, chain, strict=True) if path.startswith(owner_path)]


def apply(*, cycle, changes: Iterable[tuple[str, set, set]]) -> None:
    """Move contributions: each change is (organization path, old keys, new keys)."""
    owner_path = cycle.owner.path
    deltas: Counter = Counter()
    for organization_path, old, new in changes:
        if old == new:
            continue
        for level in levels_counting(organization_path=organization_path, owner_path=owner_path):
            for dimension, key in old - new:
                deltas[(level, dimension, key)] -= 1
            for dimension, key in new - old:
                deltas[(level, dimension, key)] += 1
    rows = [(cycle.pk, level, dimension, key, delta) for (level, dimension, key), delta in deltas.items() if delta]
    if not rows:
        return
    q = connection.ops.quote_name
    table = q(PledgeTally._meta.db_table)
    unique = ", ".join(map(q, ["cycle_id", "organization_id", "dimension", "key"]))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({unique}, {q('count')}) VALUES (%s, %s, %s, %s, %s) ON CONFLICT ({unique}) "
            f"DO UPDATE SET {q('count')} = {table}.{q('count')} + excluded.{q('count')}",
            rows,
        )


def level_counts(*, cycle, organization) -> dict[str, dict[str, int]]:
    """A level's pledge counts: {"state": {"member:public": 12, …}, "result": {"member:good": 3, …}}."""
    counts: dict[str, dict[str, int]] = {STATE: {}, RESULT: {}}
    for dimension, key, count in PledgeTally.objects.filter(cycle=cycle, organization=organization,
                                                            count__gt=0).values_list("dimension", "key", "count"):
        counts.setdefault(dimension, {})[key] = count
    return counts


def recount(*, cycle) -> dict[tuple[int, str, str], int]:
    """The counts as the pledges give them: for checks, not for pages."""
    expected: Counter = Counter()
    owner_path = cycle.owner.path
    for path, kind, state, result in Pledge.objects.filter(cycle=cycle).values_list(
            "organization__path", "kind", "state", "result"):
        for level in levels_counting(organization_path=path, owner_path=owner_path):
            for key in contribution(kind=kind, state=state, result=result):
                expected[(level, *key)] += 1
    return dict(expected)


def stored(*, cycle) -> dict[tuple[int, str, str], int]:
    return {(level, dimension, key): count for level, dimension, key, count in
            PledgeTally.objects.filter(cycle=cycle, count__gt=0).values_list("organization_id", "dimension", "key",
                                                                              "count")}
