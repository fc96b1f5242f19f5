"""The pure scoring rules, by property and at every band edge."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from standards import defaults
from standards.rules import (
    ItemInput,
    QuotaRule,
    grade_for,
    item_score,
    quota_check,
    round_score,
    score_from_deductions,
    score_sheet,
    star_band_conflicts,
    stars_for,
)

points = st.decimals(min_value=0, max_value=40, places=1)


@st.composite
def sheets(draw):
    """Items whose maximums add up to 100, each with some non-negative deductions."""
    cuts = sorted(draw(st.lists(st.integers(1, 999), min_size=1, max_size=12, unique=True)))
    edges = [0, *cuts, 1000]
    items = []
    for n, (low, high) in enumerate(zip(edges, edges[1:], strict=False)):
        max_points = D(high - low) / 10
        items.append(ItemInput(str(n), max_points, tuple(draw(st.lists(points, max_size=4)))))
    return items


@given(sheets(), st.lists(st.text(min_size=1), max_size=2))
def test_total_within_0_and_100_items_never_negative_veto_wins(items, vetoes):
    result = score_sheet(items, scheme=defaults.THREE_GRADES, star_bands=defaults.STAR_BANDS, vetoes=vetoes)
    assert D(0) <= result.total <= D(100)
    assert all(score >= 0 for score in result.item_scores.values())
    for item in items:
        assert result.item_scores[item.key] <= item.max_points
    if vetoes:
        assert result.grade == "lagging" and result.stars == 0
    else:
        assert result.grade == grade_for(result.total, defaults.THREE_GRADES)


@given(points, st.lists(points, max_size=6))
def test_item_score_runs_out_at_zero(max_points, deductions):
    score = item_score(max_points, deductions)
    assert score == max(D(0), max_points - sum(deductions, D(0)))


def test_negative_deduction_is_refused():
    with pytest.raises(ValueError):
        item_score(D(10), [D("-1")])


@pytest.mark.parametrize("score,grade", [
    ("100", "advanced"), ("80", "advanced"), ("79.95", "advanced"), ("79.94", "average"), ("79.9", "average"),
    ("60", "average"), ("59.95", "average"), ("59.94", "lagging"), ("0", "lagging"),
])
def test_three_grade_band_edges(score, grade):
    assert grade_for(D(score), defaults.THREE_GRADES) == grade


@pytest.mark.parametrize("score,stars", [
    ("100", 5), ("90", 5), ("89.9", 4), ("80", 4), ("79.9", 3), ("73", 3), ("72.9", 2), ("67", 2), ("66.9", 1),
    ("60", 1), ("59.9", 0), ("0", 0),
])
def test_star_band_edges(score, stars):
    assert stars_for(D(score), defaults.STAR_BANDS) == stars


@given(st.decimals(min_value=0, max_value=100, places=2))
def test_stars_follow_the_grade(score):
    """seeds/002: ≥80 four or five stars; 60–79 one to three; <60 none."""
    grade = grade_for(score, defaults.THREE_GRADES)
    stars = stars_for(score, defaults.STAR_BANDS)
    assert stars in {"advanced": (4, 5), "average": (1, 2, 3), "lagging": (0,)}[grade]


def test_default_star_bands_agree_with_the_grades():
    assert star_band_conflicts(defaults.STAR_BANDS, defaults.THREE_GRADES) == []


def test_rounding_is_half_up_to_one_place():
    assert round_score(D("79.95")) == D("80.0")
    assert round_score(D("79.949")) == D("79.9")


def test_remote_site_cap_says_by_how_many():
    grades = ["excellent_site"] * 5 + ["average_site"] * 6  # 11 sites: 30% allows 3
    [failure] = quota_check(grades, defaults.QUOTAS["remote_sites"])
    assert (failure.count, failure.limit, failure.by) == (5, 3, 2)
    assert quota_check(["excellent_site"] * 3 + ["average_site"] * 8, defaults.QUOTAS["remote_sites"]) == []


def test_lowest_grade_floor():
    rules = [QuotaRule("lagging", D("0.05"), at_most=False)]
    [failure] = quota_check(["advanced"] * 3 + ["average"] * 18, rules)  # 21 × 5% = 1.05 → at least 2
    assert (failure.limit, failure.by) == (2, 2)
    assert quota_check([], rules) == []


@given(st.lists(st.sampled_from(["advanced", "average", "lagging"]), max_size=60),
       st.decimals(min_value=0, max_value=1, places=2))
def test_quota_failure_exactly_when_share_is_broken(grades, share):
    cap = QuotaRule("advanced", share, at_most=True)
    floor = QuotaRule("lagging", share, at_most=False)
    failures = {f.rule: f for f in quota_check(grades, [cap, floor])}
    n = len(grades)
    if n:
        assert (cap in failures) == (grades.count("advanced") > share * n)
        assert (floor in failures) == (grades.count("lagging") < share * n)
        if cap in failures:
            assert grades.count("advanced") - failures[cap].by <= share * n
    else:
        assert not failures


@given(sheets(), st.booleans())
def test_batch_scoring_equals_sheet_scoring(items, vetoed):
    maxima = {item.key: item.max_points for item in items}
    taken = {item.key: sum(item.deductions, D(0)) for item in items if item.deductions}
    one = score_sheet(items, scheme=defaults.THREE_GRADES, star_bands=defaults.STAR_BANDS, vetoes=("v",) if vetoed else ())
    assert score_from_deductions(maxima, taken, scheme=defaults.THREE_GRADES, star_bands=defaults.STAR_BANDS,
                                 vetoed=vetoed) == (one.total, one.grade, one.stars)
