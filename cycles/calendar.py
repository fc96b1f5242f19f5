"""The seeds' calendar as the default deadlines of a new cycle, moved to the cycle's year.

seeds/002 (dated 2012-04-10) runs the grading in April ("分类评定级次(4月)") and has the superiors'
lists reach the district by 4-18 ("于4月18日前将分类名单报区委组织部审核"). The days of the
organizations' own steps inside April and the district's approval at the month's end are editable
defaults: the open form offers them, the department changes them.
"""

import datetime

SEED_YEAR = 2012
SEED_DEADLINES = {
    "public_rating": datetime.date(2012, 4, 12),
    "member_review": datetime.date(2012, 4, 13),
    "self_assessment": datetime.date(2012, 4, 15),
    "meeting_review": datetime.date(2012, 4, 16),
    "superior_decision": datetime.date(2012, 4, 18),
    "approval": datetime.date(2012, 4, 30),
}
SEED_LIST_DEADLINES = {"1": datetime.date(2012, 4, 18)}  # the streets' lists to the district


def shift_years(day: datetime.date, years: int) -> datetime.date:
    """The same day of the month ``years`` later (29 February becomes the 28th in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def seed_deadlines(year: int, steps) -> dict[str, datetime.date]:
    """The seeds' deadline of each of ``steps``, in ``year``."""
    return {step: shift_years(SEED_DEADLINES[step], year - SEED_YEAR) for step in steps if step in SEED_DEADLINES}


def seed_list_deadlines(year: int) -> dict[str, datetime.date]:
    return {level: shift_years(day, year - SEED_YEAR) for level, day in SEED_LIST_DEADLINES.items()}
