"""The built-in default standards: shape, arithmetic and the seeds' veto clauses word for word."""

import dataclasses
import re
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest

from orgs.choices import Sector
from standards.choices import DeductionKind, SchemeKey, VetoTrigger
from standards.default_items import (
    DEFAULTS,
    SECTORS,
    SOURCE_NOTE,
    DefaultItem,
    DefaultVeto,
    SectorDefault,
    points_text,
)

ALL_SECTORS = [
    "village",
    "community",
    "agency",
    "public_institution",
    "soe",
    "financial",
    "non_public_enterprise",
    "social_org",
    "university",
    "street_committee",
    "remote_education_site",
]
SEVEN = ["党组织带头人", "工作思路", "工作制度", "活动阵地", "保障机制", "工作业绩", "群众评价"]

# The veto clauses of seeds/002 (notes under standards 2, 3, 4 and 6 of 附件1), as extracted.
SEED_VETOES = {
    "community": [
        ("党组织1年以上不开展组织生活的", "manual", None),
        ("近一年来出现严重群体性事件的", "manual", None),
        ("近一年来没有党组织书记的", "no_secretary", None),
        ("没有按照公推直选程序进行换届选举的", "manual", None),
        ("社区党组织民主评议党员群众满意度低于60%的", "satisfaction_below", D("0.60")),
    ],
    "non_public_enterprise": [
        ("近一年来没有开展党组织活动的", "manual", None),
        ("近两年来党组织书记有重大违法违纪行为的", "manual", None),
        ("近一年来企业发生重大群体性事件的", "manual", None),
    ],
    "social_org": [
        ("近两年来党组织书记和领导班子有重大违纪违法的", "manual", None),
        ("党组织一年以上不开展党的活动的", "manual", None),
        ("社会组织参与非法政治活动,并在社会上造成负面影响的", "manual", None),
        ("党员群众和服务对象测评满意度低于50%的", "satisfaction_below", D("0.50")),
    ],
    "agency": [
        ("近两年来党组织书记和领导班子有重大违纪违法行为的", "manual", None),
        ("党组织长期不换届或1年以上不开展党的活动的", "manual", None),
        ("近一年来单位有严重群访事件的", "manual", None),
        ("党员群众和服务对象测评满意度低于50%的", "satisfaction_below", D("0.50")),
    ],
}
SEED_VETOES["public_institution"] = SEED_VETOES["agency"]  # one standard (6) for 机关事业单位

SEED_FILE = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "002_36cc531bba815051.txt"

items_of_all = [(sector, item) for sector in ALL_SECTORS for item in DEFAULTS[sector].items]

# seeds/002: satisfaction below 60% (communities) or 50% (agencies, public institutions, social organizations).
SEED_SATISFACTION = {"community": D("0.60"), "agency": D("0.50"), "public_institution": D("0.50"), "social_org": D("0.50")}


def test_every_sector_is_present_and_known():
    assert list(DEFAULTS) == ALL_SECTORS
    assert list(SECTORS) == ALL_SECTORS
    assert set(ALL_SECTORS) <= set(Sector.values)
    assert all(isinstance(standard, SectorDefault) for standard in DEFAULTS.values())


@pytest.mark.parametrize("sector", ALL_SECTORS)
def test_seven_indicators_in_order_with_two_to_four_items(sector):
    standard = DEFAULTS[sector]
    assert [name for name, _ in standard.indicators] == SEVEN
    for _, items in standard.indicators:
        assert 2 <= len(items) <= 4


@pytest.mark.parametrize("sector", ALL_SECTORS)
def test_item_maximums_add_up_to_exactly_100(sector):
    total = sum((item.max_points for _, items in DEFAULTS[sector].indicators for item in items), D(0))
    assert total == D("100")
    assert DEFAULTS[sector].total == D("100")


@pytest.mark.parametrize("sector", ALL_SECTORS)
def test_codes_are_unique_and_follow_the_indicator(sector):
    codes = [item.code for item in DEFAULTS[sector].items]
    assert len(codes) == len(set(codes))
    for position, (_, items) in enumerate(DEFAULTS[sector].indicators, start=1):
        assert [item.code for item in items] == [f"{position}.{n}" for n in range(1, len(items) + 1)]


@pytest.mark.parametrize(("sector", "item"), items_of_all, ids=[f"{s}-{i.code}" for s, i in items_of_all])
def test_item_points_and_rule(sector, item):
    for value in (item.max_points, item.deduction_points):
        assert isinstance(value, D)
        assert value.as_tuple().exponent == -1, value  # one decimal place
    assert D(0) < item.deduction_points <= item.max_points
    assert item.deduction_kind in DeductionKind.values
    assert item.is_editable_default is True
    assert re.search(r"[\u4e00-\u9fff]", item.text) and re.search(r"[\u4e00-\u9fff]", item.guidance)
    # The guidance states the very deduction the item applies.
    assert f"扣{points_text(item.deduction_points)}分" in item.guidance
    assert "{" not in item.guidance and "}" not in item.guidance


@pytest.mark.parametrize("sector", sorted(SEED_VETOES))
def test_seed_veto_clauses_word_for_word(sector):
    clauses = [(v.text, v.trigger, v.threshold) for v in DEFAULTS[sector].vetoes if v.from_seed]
    assert clauses == SEED_VETOES[sector]
    assert all(v.from_seed for v in DEFAULTS[sector].vetoes)


def test_seed_clauses_appear_in_the_seed_text():
    if not SEED_FILE.exists():
        pytest.skip("seeds/002 is not next to this checkout")
    text = SEED_FILE.read_text(encoding="utf-8")
    for standard in DEFAULTS.values():
        for veto in standard.vetoes:
            if veto.from_seed:
                assert veto.text in text, veto.text


@pytest.mark.parametrize("sector", sorted(set(ALL_SECTORS) - set(SEED_VETOES)))
def test_other_sectors_have_default_clauses_with_a_satisfaction_floor(sector):
    vetoes = DEFAULTS[sector].vetoes
    assert vetoes and not any(v.from_seed for v in vetoes)
    assert [v.threshold for v in vetoes if v.trigger == "satisfaction_below"] == [D("0.50")]


@pytest.mark.parametrize("sector", ALL_SECTORS)
def test_veto_triggers_and_thresholds(sector):
    for veto in DEFAULTS[sector].vetoes:
        assert veto.trigger in VetoTrigger.values
        assert veto.text.endswith("的")
        if veto.trigger == "satisfaction_below":
            assert isinstance(veto.threshold, D) and D(0) < veto.threshold < D(1)
            assert f"{veto.threshold * 100:.0f}%" in veto.text
        else:
            assert veto.threshold is None
    if sector in SEED_SATISFACTION:
        thresholds = [v.threshold for v in DEFAULTS[sector].vetoes if v.trigger == "satisfaction_below"]
        assert thresholds == [SEED_SATISFACTION[sector]]


def test_no_secretary_clauses():
    no_secretary = {s: [v.text for v in d.vetoes if v.trigger == "no_secretary"] for s, d in DEFAULTS.items()}
    assert no_secretary["community"] == ["近一年来没有党组织书记的"]
    assert no_secretary["village"] and no_secretary["soe"] and no_secretary["university"]


def test_schemes():
    for sector, standard in DEFAULTS.items():
        assert standard.scheme in SchemeKey.values
        assert standard.scheme == ("remote_sites" if sector == "remote_education_site" else "three_grades")
        assert standard.name.endswith("（默认）")


def test_source_note_says_the_items_are_editable_defaults():
    assert "丢失" in SOURCE_NOTE and "可编辑" in SOURCE_NOTE and "默认" in SOURCE_NOTE


def test_data_is_frozen_and_checked():
    item = DEFAULTS["community"].items[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.max_points = D("99.0")
    with pytest.raises(ValueError):
        DefaultItem("1.1", "要点", D("5.0"), "fixed", D("6.0"), "扣6分")
    with pytest.raises(ValueError):
        DefaultItem("1.1", "要点", D("5"), "fixed", D("2.0"), "扣2分")
    with pytest.raises(ValueError):
        DefaultVeto("满意度低于50%的", "satisfaction_below")
    with pytest.raises(ValueError):
        dataclasses.replace(DEFAULTS["village"], indicators=DEFAULTS["village"].indicators[:6])


def test_module_is_plain_data_without_django():
    code = "import sys, standards.default_items; sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    root = Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", code], cwd=root).returncode == 0
