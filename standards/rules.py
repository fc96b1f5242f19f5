"""The scoring rules of seeds/002 and seeds/000 as plain functions over plain data.

No database here, so every rule can be tested exhaustively:

* 100 points, deducted item by item; an item never goes below 0 ("每个项目分值扣完为止").
* Grade bands: 80 and above 先进, 60–79 一般, below 60 后进 (and the other schemes); a veto clause
  (直接定为后进) gives the lowest grade whatever the score.
* Stars: ≥80 four or five, 60–79 one to three, <60 none; the split inside each band is data.
* Quotas: "先进比例不能过高，确保有一定后进比例" — a cap on the top grade's share, a floor on the
  lowest grade's share.

**Rounding.** Scores are kept as decimals to one place, rounded half up (ROUND_HALF_UP) once,
on the total; bands and stars are read on the rounded total. So 79.95 rounds to 80.0 and is
先进, and 79.94 rounds to 79.9 and is 一般. "60–79" in the seeds means every score from 60.0
to 79.9. Deductions themselves are entered to one decimal.
"""

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ONE_PLACE = Decimal("0.1")
ZERO = Decimal("0")
FULL_MARKS = Decimal("100")


def round_score(value: Decimal) -> Decimal:
    """Round a score to one decimal place, half up."""
    return Decimal(value).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def deduction_for(*, per_occurrence: Decimal | None, fixed: Decimal | None, occurrences: int) -> Decimal:
    """Points an item's rule deducts for a number of occurrences ("so many per time", or a fixed amount)."""
    if occurrences < 0:
        raise ValueError("occurrences must not be negative")
    if occurrences == 0:
        return ZERO
    if per_occurrence is not None:
        return Decimal(per_occurrence) * occurrences
    return Decimal(fixed or 0)


def item_score(max_points: Decimal, deductions: Iterable[Decimal]) -> Decimal:
    """An item's points after its deductions, never below zero ("扣完为止")."""
    total = sum((Decimal(d) for d in deductions), ZERO)
    if total < 0:
        raise ValueError("a deduction must not be negative")
    return max(ZERO, Decimal(max_points) - total)


@dataclass(frozen=True)
class Band:
    """A grade from ``min_score`` (inclusive) up to the next band."""

    grade: str
    min_score: Decimal


@dataclass(frozen=True)
class Scheme:
    """A grade scheme: bands from the top grade down; the last band's grade is the lowest."""

    key: str
    bands: tuple[Band, ...]

    def __post_init__(self):
        scores = [band.min_score for band in self.bands]
        if not self.bands or scores != sorted(scores, reverse=True) or len(set(scores)) != len(scores):
            raise ValueError("bands must run from the highest minimum down, without repeats")
        if scores[-1] != ZERO:
            raise ValueError("the lowest band must start at 0")

    @property
    def top(self) -> str:
        return self.bands[0].grade

    @property
    def lowest(self) -> str:
        return self.bands[-1].grade

    @property
    def grades(self) -> list[str]:
        return [band.grade for band in self.bands]


def grade_for(score: Decimal, scheme: Scheme, *, vetoed: bool = False) -> str:
    """The grade a score implies; a veto always gives the lowest grade."""
    if vetoed:
        return scheme.lowest
    score = round_score(score)
    for band in scheme.bands:
        if score >= band.min_score:
            return band.grade
    return scheme.lowest


@dataclass(frozen=True)
class StarBand:
    stars: int
    min_score: Decimal


def stars_for(score: Decimal, star_bands: Sequence[StarBand], *, vetoed: bool = False) -> int:
    """Stars for a score: the highest band reached; none when vetoed or below every band."""
    if vetoed:
        return 0
    score = round_score(score)
    reached = [band.stars for band in star_bands if score >= band.min_score]
    return max(reached, default=0)


def star_band_conflicts(star_bands: Sequence[StarBand], scheme: Scheme) -> list[StarBand]:
    """Star bands that break seeds/002 against a three-grade scheme: the top grade's scores give four
    or five stars, the middle grade's one to three, the lowest grade's none."""
    grades_stars = {scheme.bands[0].grade: (4, 5), scheme.bands[1].grade: (1, 2, 3)} if len(scheme.bands) == 3 else {}
    conflicts = []
    for band in star_bands:
        allowed = grades_stars.get(grade_for(band.min_score, scheme), ())
        if band.stars not in allowed:
            conflicts.append(band)
    return conflicts


@dataclass(frozen=True)
class QuotaRule:
    """A cap (``at_most``) or floor (``at_least``) on the share of one grade among a set of gradings."""

    grade: str
    share: Decimal
    at_most: bool


@dataclass(frozen=True)
class QuotaFailure:
    rule: QuotaRule
    count: int
    total: int
    limit: int
    by: int  # organizations over the cap, or missing to reach the floor


def quota_check(grades: Sequence[str], rules: Sequence[QuotaRule]) -> list[QuotaFailure]:
    """Which quota rules a set of grades breaks, and by how many organizations.

    A cap of 30% over 11 gradings allows floor(3.3) = 3; a floor of 5% over 11 needs ceil(0.55) = 1.
    An empty set breaks nothing.
    """
    counts = Counter(grades)
    total = len(grades)
    failures = []
    if not total:
        return failures
    for rule in rules:
        count = counts.get(rule.grade, 0)
        exact = Decimal(rule.share) * total
        if rule.at_most:
            limit = math.floor(exact)
            if count > limit:
                failures.append(QuotaFailure(rule, count, total, limit, count - limit))
        else:
            limit = math.ceil(exact)
            if count < limit:
                failures.append(QuotaFailure(rule, count, total, limit, limit - count))
    return failures


@dataclass(frozen=True)
class ItemInput:
    """One item of a score sheet as the rules see it."""

    key: str
    max_points: Decimal
    deductions: tuple[Decimal, ...] = ()


@dataclass(frozen=True)
class SheetResult:
    total: Decimal
    grade: str
    stars: int
    vetoed: bool
    item_scores: dict[str, Decimal]


def score_sheet(items: Sequence[ItemInput], *, scheme: Scheme, star_bands: Sequence[StarBand],
                vetoes: Sequence[str] = ()) -> SheetResult:
    """Total, grade and stars of one sheet: item scores summed, rounded once, then banded."""
    item_scores = {item.key: item_score(item.max_points, item.deductions) for item in items}
    total = round_score(sum(item_scores.values(), ZERO))
    vetoed = bool(vetoes)
    return SheetResult(
        total=total,
        grade=grade_for(total, scheme, vetoed=vetoed),
        stars=stars_for(total, star_bands, vetoed=vetoed),
        vetoed=vetoed,
        item_scores=item_scores,
    )


def score_from_deductions(maxima: dict, taken: dict, *, scheme: Scheme, star_bands: Sequence[StarBand],
                          vetoed: bool) -> tuple[Decimal, str, int]:
    """``score_sheet`` for many sheets at once: only the items with deductions are looked at.

    With maximums adding up to 100, the total is 100 less each touched item's deductions, each
    capped at its maximum — the same number ``score_sheet`` gives (a property test holds them
    equal), without building every item of every sheet.
    """
    lost = sum((min(Decimal(points), maxima[key]) for key, points in taken.items()), ZERO)
    total = round_score(sum(maxima.values(), ZERO) - lost)
    return total, grade_for(total, scheme, vetoed=vetoed), stars_for(total, star_bands, vetoed=vetoed)
