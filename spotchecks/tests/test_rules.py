"""The draw's rules as plain functions: order-free, recomputable by an independent script, weighted, recusing."""

import hashlib
import math
import random
from decimal import Decimal

import pytest

from spotchecks import rules

CODES = [f"C{n:05d}" for n in range(200)]


def independent_draw(codes, entropy, k):
    """The ten-line script of docs/spotchecks.md, written again here without the module under test."""
    population = hashlib.sha256("\n".join(sorted(codes)).encode()).hexdigest()
    keyed = []
    for code in codes:
        h = hashlib.sha256(f"{population}/{entropy}/{code}".encode()).hexdigest()
        keyed.append((-math.log((int(h, 16) + 1) / 2**256), h, code))
    return population, [code for _key, _h, code in sorted(keyed)[:k]]


def test_population_hash_ignores_order():
    shuffled = CODES[:]
    random.Random(7).shuffle(shuffled)
    assert rules.population_hash(shuffled) == rules.population_hash(CODES)
    assert rules.population_hash(CODES[1:]) != rules.population_hash(CODES)


def test_the_same_draw_whatever_the_order_and_as_the_published_script_computes():
    population, expected = independent_draw(CODES, "12345", 10)
    for seed in range(5):
        shuffled = [rules.Candidate(code) for code in CODES]
        random.Random(seed).shuffle(shuffled)
        drawn = rules.draw(shuffled, population=population, entropy="12345", sizes={"": 10})
        assert [code for code, _digest in drawn[""]] == expected
    other = rules.draw([rules.Candidate(code) for code in CODES], population=population, entropy="12346",
                       sizes={"": 10})
    assert [code for code, _digest in other[""]] != expected


def test_sizes_share_rounds_up_per_stratum_and_a_count_larger_than_a_stratum_is_refused():
    assert rules.sample_sizes({"a": 100, "b": 7, "c": 0}, count=None, share=Decimal("0.05")) == {"a": 5, "b": 1, "c": 0}
    assert rules.sample_sizes({"a": 3}, count=3, share=Decimal("0.05")) == {"a": 3}
    with pytest.raises(rules.SampleTooLarge) as raised:
        rules.sample_sizes({"a": 10, "b": 2}, count=3, share=Decimal("0.05"))
    assert (raised.value.stratum, raised.value.wanted, raised.value.available) == ("b", 3, 2)


def test_a_heavier_weight_is_drawn_more_often():
    candidates = [rules.Candidate(code, weight=Decimal(1)) for code in CODES[:99]] + [
        rules.Candidate("RISKY", weight=Decimal(20))]
    population = rules.population_hash(c.code for c in candidates)
    wins = sum(rules.draw(candidates, population=population, entropy=str(n), sizes={"": 1})[""][0][0] == "RISKY"
               for n in range(300))
    # 20 / 119 of the draws (about 50) against 3 for an unweighted one.
    assert 25 <= wins <= 80


def test_strata_are_drawn_each_on_its_own():
    candidates = [rules.Candidate(code, stratum="village" if n % 4 else "community") for n, code in enumerate(CODES)]
    drawn = rules.draw(candidates, population="p", entropy="e", sizes={"village": 3, "community": 2})
    assert {stratum: len(rows) for stratum, rows in drawn.items()} == {"village": 3, "community": 2}
    village = {c.code for c in candidates if c.stratum == "village"}
    assert all(code in village for code, _digest in drawn["village"])


def test_recusal_on_the_organization_below_it_and_between_it_and_the_level():
    level, town, branch = "000001", "000001000002", "000001000002000003"
    assert rules.recused([branch], organization_path=branch, level_path=level)
    assert rules.recused([town], organization_path=branch, level_path=level)
    assert rules.recused([branch], organization_path=town, level_path=level)
    assert not rules.recused([level], organization_path=branch, level_path=level)
    assert not rules.recused(["000001000009"], organization_path=branch, level_path=level)


def test_inspectors_are_drawn_without_the_recused_and_too_small_a_pool_is_refused():
    level, branch = "000001", "000001000002000003"
    pool = {"own": [branch], "town": ["000001000002"], "a": [], "b": ["000001000009"], "c": [level]}
    drawn = rules.draw_inspectors(population="p", entropy="e", code="X", organization_path=branch, level_path=level,
                                  pool=pool, per_organization=3)
    assert sorted(username for username, _digest in drawn) == ["a", "b", "c"]
    with pytest.raises(rules.PoolTooSmall):
        rules.draw_inspectors(population="p", entropy="e", code="X", organization_path=branch, level_path=level,
                              pool=pool, per_organization=4)
