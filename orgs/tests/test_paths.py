"""The materialized path functions, exhaustively over their edges and by property."""

from hypothesis import given
from hypothesis import strategies as st

from orgs import paths

ids = st.integers(min_value=1, max_value=paths.MAX_ID)


@given(st.lists(ids, min_size=1, max_size=8, unique=True))
def test_ancestors_round_trip(chain):
    path = ""
    for pk in chain:
        path = paths.child_path(path, pk)
    assert paths.depth_of(path) == len(chain) - 1
    assert paths.ancestor_ids(path) == chain[:-1]
    assert [paths.segment_id(p[-paths.SEGMENT:]) for p in paths.ancestor_paths(path)] == chain[:-1]


@given(st.lists(ids, min_size=1, max_size=4), st.lists(ids, min_size=1, max_size=4))
def test_range_holds_exactly_the_subtree(prefix_chain, other_chain):
    prefix = "".join(paths.segment(pk) for pk in prefix_chain)
    other = "".join(paths.segment(pk) for pk in other_chain)
    inside = prefix <= other < paths.successor(prefix)
    assert inside == other.startswith(prefix)


@given(ids, ids)
def test_segment_order_follows_id_order(a, b):
    assert (paths.segment(a) < paths.segment(b)) == (a < b)


def test_segment_edges():
    assert paths.segment(1) == "000001"
    assert paths.segment(35) == "00000z"
    assert paths.segment(36) == "000010"
    assert paths.successor("00000z") == "000010"
    for bad in (0, -1, paths.MAX_ID + 1):
        try:
            paths.segment(bad)
        except ValueError:
            continue
        raise AssertionError(f"segment({bad}) should refuse")
