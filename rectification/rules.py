"""Pure rules of rectification, over plain data: the grade ladders a target climbs, the seeds' default
dates and targets, and the ledger's 升级措施 text cut to its width."""

import datetime
import re

from cycles.calendar import SEED_DEADLINES, SEED_YEAR, shift_years

# The ladders, from the best grade down (seeds/001: 一般 → 先进 → 标兵 → 品牌; seeds/004: 好/较好/一般/较差;
# seeds/002: remote-education sites). A target stays on the ladder of the current grade.
LADDERS = (
    ("brand", "exemplary", "advanced", "average", "lagging"),
    ("good", "fairly_good", "average", "poor"),
    ("excellent_site", "average_site", "lagging_site"),
)

# seeds/001: "一般党支部晋升先进率要达到30%以上，先进党支部晋级标兵率要达到20%以上，标兵党支部打造品牌率要达到30%以上".
DEFAULT_OVERALL_TARGETS = (
    {"from": "average", "to": "advanced", "share": "0.30"},
    {"from": "advanced", "to": "exemplary", "share": "0.20"},
    {"from": "exemplary", "to": "brand", "share": "0.30"},
)

# seeds/002 (2012): streets' targets by 4-27, the others' by 5-7; seeds/001: the check before 七一; the year's end.
SEED_DATES = {
    "committee_plan_due": datetime.date(2012, 4, 27),
    "plan_due": datetime.date(2012, 5, 7),
    "midyear_due": datetime.date(2012, 6, 30),
    "ends_on": datetime.date(2012, 12, 31),
}

LEDGER_MEASURES_WIDTH = 150  # 附件3 升级措施: "150字以内"


def seed_dates(year: int, approval: datetime.date | None = None) -> dict[str, datetime.date]:
    """The seeds' dates in ``year``; when the cycle's grading is approved later or earlier than the seeds'
    4-30, every date moves with it, so that rectification always follows the grading it rectifies."""
    lag = datetime.timedelta(0)
    if approval is not None:
        lag = approval - shift_years(SEED_DEADLINES["approval"], year - SEED_YEAR)
    return {name: shift_years(day, year - SEED_YEAR) + lag for name, day in SEED_DATES.items()}


def ladder_of(grade: str) -> tuple[str, ...] | None:
    for ladder in LADDERS:
        if grade in ladder:
            return ladder
    return None


def targets_for(current: str) -> tuple[str, ...]:
    """The grades a plan may aim at from ``current``: itself and those above it on its ladder (every grade
    when the current one is unknown). 一般 is on two ladders: both are offered."""
    if not current:
        return tuple(dict.fromkeys(grade for ladder in LADDERS for grade in ladder))
    found: list[str] = []
    for ladder in LADDERS:
        if current in ladder:
            found += ladder[: ladder.index(current) + 1]
    return tuple(dict.fromkeys(found))


def target_below_current(*, current: str, target: str) -> bool:
    return bool(current and target) and target not in targets_for(current)


def ledger_measures(actions: list[str]) -> str:
    """The measures numbered "1、…；" one a line, as the sample ledger's 整改措施 holds them (seeds/004 附件三;
    附件3 cuts them to ``LEDGER_MEASURES_WIDTH``)."""
    text = "；\n".join(f"{number}、{action.strip().rstrip('；;。')}" for number, action in enumerate(actions, 1))
    return text + "。" if text else ""


NUMBERED = re.compile(r"^\s*[(（]?\d+[)）]?[、.．]\s*")
ITEM_SPLIT = re.compile(r"[；;]\s*|\n+")


def ledger_items(text: str) -> list[str]:
    """A ledger cell's "1、…；2、…。" as its items, numbering and closing marks dropped (the reverse of
    ``ledger_measures``): how a ledger's 整改措施 and 存在问题 become measures and problems."""
    items = (NUMBERED.sub("", part).strip().rstrip("；;。").strip() for part in ITEM_SPLIT.split(text or ""))
    return [item for item in items if item]
