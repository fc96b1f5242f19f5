"""Kept-current counts per level, as cycles.tallies keeps the grading's: each acceptance adds one to every level
above its organization inside the cycle's subtree, per dimension.

* ``state``: acceptances by state;
* ``move``: the year's move, sector|start grade|start stars|grade|stars|title (acceptance.rules.move_key);
* ``years``: sector|last year's grade|this year's;
* ``revisit``: those flagged for 回头看.

A change moves the contribution from the old keys to the new ones in one upsert statement per batch ("INSERT …
ON CONFLICT … DO UPDATE SET count = count + excluded.count", the same SQL on SQLite and PostgreSQL), so any
level's matrix and rates are a read of its own rows.
"""

from collections import Counter
from collections.abc import Iterable

from acceptance import rules
from acceptance.choices import DECIDED_STATES, AcceptanceState, Presence
from acceptance.models import Acceptance, TransitionTally
from cycles import tallies as cycle_tallies

STATE, MOVE, YEARS, REVISIT = "state", "move", "years", "revisit"


def end_of(acceptance: Acceptance) -> tuple[str, int | None, str]:
    """Where the year left an organization: its accepted grade, stars and title, or pending, merged, dissolved."""
    if acceptance.presence in (Presence.MERGED, Presence.DISSOLVED):
        return acceptance.presence, None, ""
    if acceptance.state in DECIDED_STATES:
        return acceptance.accepted_grade, acceptance.accepted_stars or 0, acceptance.accepted_title
    return rules.PENDING, None, ""


def move_of(acceptance: Acceptance) -> rules.Move:
    end_grade, end_stars, end_title = end_of(acceptance)
    if acceptance.start_grade:
        return rules.Move(acceptance.sector, acceptance.start_grade, acceptance.start_stars or 0, end_grade, end_stars,
                          end_title)
    return rules.Move(acceptance.sector, _unknown(acceptance), None, end_grade, end_stars, end_title)


def _unknown(acceptance: Acceptance) -> str:
    """A grade missing at the start or last year: a new organization's, or one not determined."""
    return rules.NEW if acceptance.presence == Presence.NEW else rules.UNGRADED


def keys_of(acceptance: Acceptance) -> set[tuple[str, str]]:
    """The (dimension, key) pairs one acceptance counts under."""
    move = move_of(acceptance)
    last = acceptance.baseline_grade or _unknown(acceptance)
    keys = {(STATE, acceptance.state), (MOVE, rules.move_key(move)),
            (YEARS, "|".join([acceptance.sector, last, move.end_grade]))}
    if acceptance.revisit:
        keys.add((REVISIT, "1"))
    if acceptance.state == AcceptanceState.DEPARTED and not acceptance.grading_id:
        keys.discard((MOVE, rules.move_key(move)))  # gone before this year: a row of the years' matrix only
    return keys


def apply(*, cycle, changes: Iterable[tuple[str, set, set]]) -> None:
    """Move contributions: each change is (organization path, old keys, new keys)."""
    cycle_tallies.apply_to(TransitionTally, cycle=cycle, changes=changes)


def level_rows(*, cycle, organization, dimensions: tuple[str, ...] = ()) -> dict[str, dict[str, int]]:
    """A level's counts by dimension (all, or ``dimensions``): {"state": {"passed": 12, …}, "move": {key: n}, …}."""
    counts: dict[str, dict[str, int]] = {STATE: {}, MOVE: {}, YEARS: {}, REVISIT: {}}
    rows = TransitionTally.objects.filter(cycle=cycle, organization=organization, count__gt=0)
    if dimensions:
        rows = rows.filter(dimension__in=dimensions)
    for dimension, key, count in rows.values_list("dimension", "key", "count"):
        counts.setdefault(dimension, {})[key] = count
    return counts


def recount(*, cycle) -> dict[tuple[int, str, str], int]:
    """The counts as the detail rows give them: for checks, not for pages."""
    expected: Counter = Counter()
    owner_path = cycle.owner.path
    for acceptance in Acceptance.objects.filter(cycle=cycle).select_related("organization"):
        for level in cycle_tallies.levels_above(organization_path=acceptance.organization.path, owner_path=owner_path):
            for dimension, key in keys_of(acceptance):
                expected[(level, dimension, key)] += 1
    return dict(expected)


def stored(*, cycle) -> dict[tuple[int, str, str], int]:
    return {(level, dimension, key): count for level, dimension, key, count in
            TransitionTally.objects.filter(cycle=cycle, count__gt=0).values_list(
                "organization_id", "dimension", "key", "count")}
