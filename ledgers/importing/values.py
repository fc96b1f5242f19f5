"""A ledger's cells as values: the counts of a 基本情况, a count, a venue, a deadline, a grade.

Plain functions over the cells' text and numbers, no database: each raises ``BadValue`` with a
message for people when a cell cannot be read.
"""

import calendar
import datetime
import functools
import re

from django.utils import translation
from django.utils.translation import gettext as _

from ledgers.reading import squeeze
from ledgers.selectors import grade_label
from orgs.choices import VenueStatus
from standards.choices import Grade

MAX_COUNT = 1_000_000  # no count of members or cadres comes near it; the database holds up to 2³¹


class BadValue(Exception):
    """A cell that cannot be read; the message says why, for the user."""


# 基本情况: each count after its wording ("女党员8人"), in any order, among any other words.
FACT_WORDINGS = (
    ("members_total", r"共有党员"),
    ("probationary_members", r"预备党员"),
    ("female_members", r"女党员"),
    ("members_under_35", r"35岁(?:及)?以下(?:的)?党员"),
    ("college_members", r"大专(?:及|以)(?:以)?上(?:学历)?(?:的)?党员"),
    ("leadership_size", r"班子成员"),
)
FACT_COUNTS = tuple(name for name, _wording in FACT_WORDINGS)
# One pattern with a named group per count, so that a text is scanned once.
FACT_PATTERN = re.compile("|".join(f"{wording}(?P<{name}>\\d+)[人名]" for name, wording in FACT_WORDINGS))
# The sentence as the sample and ledgers.selectors.basic_facts_text write it ("支部共有党员75人，其中…"),
# read in one match, faster than the scan; a count past six digits is left to the scan, which refuses it.
FACT_SENTENCE = re.compile(f"支部{FACT_WORDINGS[0][1]}(\\d{{1,6}})[人名](?:[，,]?其中)?" + "".join(
    f"(?:[，,、；;]?{wording}(\\d{{1,6}})[人名])?" for _name, wording in FACT_WORDINGS[1:]) + "[。.；;]?")


def parse_basic_facts(text: str) -> dict[str, int]:
    """"支部共有党员75人，其中预备党员7人，…，班子成员5人。" → the six counts; a part not written is 0."""
    squeezed = squeeze(text)
    sentence = FACT_SENTENCE.fullmatch(squeezed)
    if sentence is not None:
        # Both have a name or a group for each wording, in its order; no count has more than six digits.
        return dict(zip(FACT_COUNTS, map(int, sentence.groups("0")), strict=False))
    counts = scan_basic_facts(squeezed)
    if (largest := max(counts.values())) > MAX_COUNT:
        raise BadValue(_("%(value)s is more than %(most)d.") % {"value": largest, "most": MAX_COUNT})
    return counts


def scan_basic_facts(text: str) -> dict[str, int]:
    """The counts of a 基本情况 in any wording: the first mention of each; the total is required."""
    counts = dict.fromkeys(FACT_COUNTS, 0)
    found = set()
    for match in FACT_PATTERN.finditer(text):
        if match.lastgroup not in found:  # the first mention of each count
            found.add(match.lastgroup)
            counts[match.lastgroup] = int(match.group(match.lastgroup))
    if "members_total" not in found:
        raise BadValue(_("the number of party members is missing (write it as 支部共有党员N人)."))
    return counts


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _date(year: int, month: int, day: int | None = None) -> datetime.date:
    try:
        return month_end(year, month) if day is None else datetime.date(year, month, day)
    except ValueError:
        raise BadValue(_("there is no such date.")) from None


NONE_WORDS = frozenset({"无", "没有", "-", "—", "——", "－", "/", "／"})  # how a ledger writes "none" in a count


def parse_whole_number(value) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT:
        return value
    text = squeeze(str(value)).removesuffix("人").removesuffix("名")
    if text in NONE_WORDS:
        return 0
    if re.fullmatch(r"\d+(?:\.0+)?", text):  # 11.0, as some programs write a whole number
        number = int(text.split(".")[0])
        if number <= MAX_COUNT:
            return number
        raise BadValue(_("%(value)s is more than %(most)d.") % {"value": value, "most": MAX_COUNT})
    raise BadValue(_("%(value)s is not a whole number of 0 or more.") % {"value": value})


@functools.lru_cache(maxsize=4096)  # typed ledgers repeat their wordings row after row
def parse_venue(value) -> tuple[str, datetime.date | None]:
    """活动场所情况: 已建 → built; "2012年8月完工" → under construction until the month's end; 没有/未建 → none."""
    text = squeeze(str(value))
    if text in ("已建", "已建成", "已建好", "有", "建成"):
        return VenueStatus.BUILT, None
    if text in ("没有", "未建", "无", "无活动场所", "没有活动场所"):
        return VenueStatus.NONE, None
    found = re.fullmatch(r"(?:在建[，,]?(?:预计)?)?(\d{4})年(\d{1,2})月(?:底|前|底前)?(?:完工|建成|竣工)", text)
    if found:
        return VenueStatus.UNDER_CONSTRUCTION, _date(int(found.group(1)), int(found.group(2)))
    if isinstance(value, datetime.date):
        return VenueStatus.UNDER_CONSTRUCTION, value
    raise BadValue(_("write 已建, 没有, or the month the venue will be finished (2012年8月完工)."))


@functools.lru_cache(maxsize=4096)  # typed ledgers repeat their wordings row after row
def parse_deadline(value) -> tuple[datetime.date, str]:
    """整改时限 → (the date it means, the text as written, kept when it is not a plain date)."""
    if isinstance(value, datetime.date):
        return value, ""
    text = squeeze(str(value))
    if found := re.fullmatch(r"(\d{4})年(?:底|末|年底|内|下半年)(?:前)?(?:完成)?", text):
        return _date(int(found.group(1)), 12, 31), text
    if found := re.fullmatch(r"(\d{4})年上半年(?:前)?", text):
        return _date(int(found.group(1)), 6, 30), text
    if found := re.fullmatch(r"(\d{4})年(\d{1,2})月(?:底|末|前|底前)?", text):
        return _date(int(found.group(1)), int(found.group(2))), text
    if found := re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日(前)?", text):
        date = _date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        # "2012年8月15日" is how a plain date is shown; only a qualified text is kept as written.
        return date, text if found.group(4) else ""
    if found := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text):
        return _date(int(found.group(1)), int(found.group(2)), int(found.group(3))), ""
    # 2012.12, 2012/12, 2012-12 typed as text. A number cell keeps 2012.10 as 2012.1, and a CSV file saved
    # from it writes "2012.1": October and January cannot be told apart there, so 2012.1 is refused.
    if isinstance(value, str) and (found := re.fullmatch(r"(\d{4})([-/.])(\d{1,2})(?:月)?(?:底|末|前)?", text)) \
            and (found.group(2), found.group(3)) != (".", "1"):
        return _date(int(found.group(1)), int(found.group(3))), text
    raise BadValue(_("write a date such as 2012年底, 2012年8月, 2012年8月15日 or 2012-08-15."))


@functools.cache
def _grade_words() -> dict[str, str]:
    """Every way a grade is written (its Chinese and English label, its code name) → its code name."""
    words = {}
    for grade in Grade:
        words[squeeze(grade.value).lower()] = grade.value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                words.setdefault(squeeze(str(grade.label)).lower(), grade.value)
    return words


@functools.lru_cache(maxsize=1024)  # a ledger writes its few grades row after row
def parse_grade(value, allowed: tuple[str, ...]) -> str:
    code = _grade_words().get(squeeze(str(value)).lower())
    if code is None or code not in allowed:
        raise BadValue(_("%(value)s is not a grade of this organization's standard (%(grades)s).") % {
            "value": value, "grades": "、".join(grade_label(grade) for grade in allowed)})
    return code

