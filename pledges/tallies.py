"""Kept-current counts of pledges per level, as cycles.tallies: each pledge adds one to every level above it
(itself included) inside the cycle's subtree under its kind × state and, once evaluated, its kind × result; one portable upsert."""

from collections import Counter
from collections.abc import Iterable

from cycles import tallies as cycle_tallies
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
    cycle_tallies.apply_to(PledgeTally, cycle=cycle, changes=changes, levels=levels_counting)


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
