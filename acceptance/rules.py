"""Pure rules of the acceptance, over plain data: what a target means (where an organization starts, what it
must reach), the seeds' targets and acceptance rules, a transition's key, and the rates read off the counts.

A target is an *origin* and a *goal*, each a short key:

* origin ``grade:<grade>`` (the grade at the start of the year) or ``stars:<n>`` (the stars at the start);
* goal ``grade:<grade>`` (that grade or one above it on the origin's ladder), ``stars:more`` (more stars than
  at the start), ``stars:any`` (at least one star: 创星) or ``title:<title>`` (that model title or a higher one).
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from acceptance.choices import ModelTitle
from rectification.rules import LADDERS, ladder_of

COMMUNITY = "community"

# seeds/002 "年底前，社区先进党组织争创全国及省市先进(示范)党组织年提升率达10%以上，四星级党组织升级率达20%以上；一般党组织
# 争创区及以上先进(示范)党组织年升级率达15%以上，其中三星级、二星级、一星级党组织升级率要分别达到25%、30%、35%以上；后进党组织
# 年转化率和创星率要达100%以上。"  seeds/001 (a university): "一般党支部晋升先进率要达到30%以上，先进党支部晋级标兵率要达到20%
# 以上，标兵党支部打造品牌率要达到30%以上。"
SEED_TARGETS = (
    ("community", "grade:advanced", "title:national", "0.10"),
    ("community", "stars:4", "stars:more", "0.20"),
    ("community", "grade:average", "title:district", "0.15"),
    ("community", "stars:3", "stars:more", "0.25"),
    ("community", "stars:2", "stars:more", "0.30"),
    ("community", "stars:1", "stars:more", "0.35"),
    ("community", "grade:lagging", "grade:average", "1.00"),
    ("community", "grade:lagging", "stars:any", "1.00"),
    ("university", "grade:average", "grade:advanced", "0.30"),
    ("university", "grade:advanced", "grade:exemplary", "0.20"),
    ("university", "grade:exemplary", "grade:brand", "0.30"),
)

# The acceptance rules' defaults: a configurable reading of 考核验收 (seeds/002 (四) 看党员群众是否真正满意).
SEED_PASS_SCORE = Decimal("70")
SEED_DISSATISFIED_SHARE = Decimal("0.5")  # fails when more than this share of the survey is 不满意

TITLE_ORDER = (ModelTitle.DISTRICT.value, ModelTitle.NATIONAL.value)
# Not yet accepted; not in last year's cycle; in it, or in this one, without a determined grade.
PENDING, NEW, UNGRADED = "pending", "new", "ungraded"


def grades() -> tuple[str, ...]:
    return tuple(dict.fromkeys(grade for ladder in LADDERS for grade in ladder))


def origin_valid(origin: str) -> bool:
    kind, _sep, value = origin.partition(":")
    if kind == "grade":
        return value in grades()
    return kind == "stars" and value.isdigit() and 0 <= int(value) <= 5


def goal_valid(goal: str) -> bool:
    kind, _sep, value = goal.partition(":")
    if kind == "grade":
        return value in grades()
    if kind == "title":
        return value in TITLE_ORDER
    return goal in ("stars:more", "stars:any")


def goal_above_origin(origin: str, goal: str) -> bool:
    """A goal is higher than its origin: a grade above it on the same ladder, or stars or a title."""
    kind, _sep, value = goal.partition(":")
    if kind != "grade":
        return True
    origin_kind, _sep, start = origin.partition(":")
    if origin_kind != "grade":
        return False
    ladder = ladder_of(start)
    return any(value in lad and start in lad and lad.index(value) < lad.index(start) for lad in LADDERS) \
        if ladder else False


@dataclass(frozen=True)
class Move:
    """One organization's year: where it started (grade, stars; ``new``) and where acceptance left it
    (grade, stars, title; ``pending``, ``merged``, ``dissolved``)."""

    sector: str
    start_grade: str
    start_stars: int | None
    end_grade: str
    end_stars: int | None
    end_title: str = ""


def move_key(move: Move) -> str:
    stars = lambda value: "" if value is None else str(value)  # noqa: E731
    return "|".join([move.sector, move.start_grade, stars(move.start_stars), move.end_grade, stars(move.end_stars),
                     move.end_title])


def move_of(key: str) -> Move:
    sector, start_grade, start_stars, end_grade, end_stars, end_title = key.split("|")
    return Move(sector, start_grade, int(start_stars) if start_stars else None, end_grade,
                int(end_stars) if end_stars else None, end_title)


def departed(end_grade: str) -> bool:
    return end_grade in ("merged", "dissolved")


def starts_at(move: Move, origin: str) -> bool:
    kind, _sep, value = origin.partition(":")
    if kind == "grade":
        return move.start_grade == value
    return move.start_grade not in (NEW, UNGRADED) and (move.start_stars or 0) == int(value)


def reaches(move: Move, goal: str) -> bool:
    """Whether an accepted organization reached the goal."""
    if move.end_grade in (PENDING, "merged", "dissolved"):
        return False
    kind, _sep, value = goal.partition(":")
    if kind == "grade":
        ladder = next((lad for lad in LADDERS if value in lad and move.end_grade in lad), None)
        return ladder is not None and ladder.index(move.end_grade) <= ladder.index(value)
    if kind == "title":
        return move.end_title in TITLE_ORDER and TITLE_ORDER.index(move.end_title) >= TITLE_ORDER.index(value)
    if goal == "stars:any":
        return (move.end_stars or 0) >= 1
    return (move.end_stars or 0) > (move.start_stars or 0)


@dataclass(frozen=True)
class Rate:
    """A target read off the counts: of ``base`` organizations that started at the origin, ``reached``
    reached the goal; ``missing`` more are needed to meet ``share`` (0 when met)."""

    base: int
    reached: int
    share: Decimal

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.reached) / Decimal(self.base) if self.base else None

    @property
    def needed(self) -> int:
        return math.ceil(self.share * self.base - Decimal("1e-9")) if self.base else 0

    @property
    def missing(self) -> int:
        return max(0, self.needed - self.reached)

    @property
    def met(self) -> bool:
        return self.missing == 0


def rate_of(counts: dict[Move, int], origin: str, goal: str, share: Decimal, sector: str = "") -> Rate:
    """The rate of one target over a level's moves; merged and dissolved organizations are not counted."""
    base = reached = 0
    for move, count in counts.items():
        if (sector and move.sector != sector) or departed(move.end_grade) or not starts_at(move, origin):
            continue
        base += count
        if reaches(move, goal):
            reached += count
    return Rate(base, reached, share)


def passes(*, score: Decimal | None, dissatisfied: int, ballots: int, pass_score: Decimal,
           dissatisfied_share: Decimal) -> bool:
    """验收: the score reaches the pass mark and no more than the share of the survey is 不满意."""
    if score is None or score < pass_score:
        return False
    return not (ballots and Decimal(dissatisfied) / Decimal(ballots) > dissatisfied_share)
