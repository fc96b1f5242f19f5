"""基本情况 read into counts: the sentence as Jinwei and the sample write it is read by one match,
any other wording by a scan for each count; both give the same counts for the same text."""

import itertools
import random

import pytest

from ledgers.importing.values import (
    FACT_COUNTS,
    FACT_SENTENCE,
    MAX_COUNT,
    BadValue,
    parse_basic_facts,
    parse_deadline,
    parse_whole_number,
    scan_basic_facts,
)
from ledgers.reading import squeeze
from ledgers.selectors import FACTS_PARTS

WORDINGS = {
    "probationary_members": ["预备党员"],
    "female_members": ["女党员"],
    "members_under_35": ["35岁以下党员", "35岁及以下党员", "35岁以下的党员"],
    "college_members": ["大专及以上党员", "大专以上学历党员", "大专及以上学历的党员"],
    "leadership_size": ["班子成员"],
}


def sentences():
    """Every choice of counts left out, in the sentence's order, with the ways people vary it."""
    rng = random.Random(5)
    parts = [name for name, _template in FACTS_PARTS]
    for size in range(len(parts) + 1):
        for chosen in itertools.combinations(parts, size):
            counts = dict.fromkeys(FACT_COUNTS, 0) | {"members_total": rng.randint(1, 300)}
            words = []
            for name in chosen:
                counts[name] = rng.randint(1, 40)
                words.append(f"{rng.choice(WORDINGS[name])}{counts[name]}{rng.choice('人名')}")
            separator, opening, end = rng.choice([("，", "，其中", "。"), (",", "其中", ""), ("、", "，", "；")])
            text = f"支部共有党员{counts['members_total']}人" + (opening + separator.join(words) if words else "") + end
            yield text, counts


def test_the_sentence_is_read_by_one_match_and_the_scan_agrees():
    for text, counts in sentences():
        assert FACT_SENTENCE.fullmatch(squeeze(text)) is not None, text
        assert parse_basic_facts(text) == scan_basic_facts(squeeze(text)) == counts, text
    spaced = "支部共有党员 75 人，\n其中预备党员7人，女党员8人，35岁以下党员15人，大专及以上党员3人，班子成员5人。"
    assert parse_basic_facts(spaced) == {"members_total": 75, "probationary_members": 7, "female_members": 8,
                                         "members_under_35": 15, "college_members": 3, "leadership_size": 5}


@pytest.mark.parametrize("text, expected", [
    ("共有党员30人，班子成员3人，女党员5人", {"members_total": 30, "leadership_size": 3, "female_members": 5}),
    ("本支部共有党员12名，其中女党员2名，另有入党积极分子3人。", {"members_total": 12, "female_members": 2}),
    ("支部共有党员20人，女党员4人，女党员6人。", {"members_total": 20, "female_members": 4}),  # the first mention
])
def test_other_wordings_are_scanned(text, expected):
    assert FACT_SENTENCE.fullmatch(squeeze(text)) is None
    assert parse_basic_facts(text) == dict.fromkeys(FACT_COUNTS, 0) | expected


@pytest.mark.parametrize("text", ["支部有党员二十人。", f"支部共有党员{MAX_COUNT + 1}人。",
                                  f"支部共有党员5人，其中女党员{MAX_COUNT + 1}人。"])
def test_a_missing_total_or_a_count_too_large_is_refused(text):
    with pytest.raises(BadValue):
        parse_basic_facts(text)


@pytest.mark.parametrize("written", ["无", "—", "/", " 0人 "])
def test_a_count_written_as_none_is_zero(written):
    assert parse_whole_number(written) == 0


@pytest.mark.parametrize(("written", "expected"), [
    ("2012.12", ("2012-12-31", "2012.12")), ("2012/6", ("2012-06-30", "2012/6")), ("2013-02", ("2013-02-28", "2013-02")),
    ("2012年底前完成", ("2012-12-31", "2012年底前完成")), ("2012-08-15", ("2012-08-15", "")),
])
def test_deadlines_as_people_type_them(written, expected):
    date, text = parse_deadline(written)
    assert (date.isoformat(), text) == expected


def test_a_month_typed_as_a_number_is_refused_not_misread():
    # Excel keeps 2012.10 typed in a number cell as 2012.1: October would be read as January.

    with pytest.raises(BadValue):
        parse_deadline(2012.1)
    with pytest.raises(BadValue):  # the same number, as a CSV file saved from it writes it
        parse_deadline("2012.1")
