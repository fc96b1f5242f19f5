"""The dashboard's charts read off the acceptance: each target's rate beside its minimum share, the grade → grade
heat map, their data files read back by two readers, and the summary draft's targets paragraph."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from acceptance import selectors as acceptance_selectors
from acceptance import services as acceptance_services
from acceptance.tests.factories import acceptance, graded_cycle, open_round, self_checked
from yearend import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(world):
    """branch_a1 一般 → 先进 at the acceptance; the others not yet accepted. The county wants 30% of 一般 to reach
    先进 (met: 1 of 2), the town_a half of 后进 to reach 一般 (missed: 0 of 1)."""
    cycle = graded_cycle(world)
    open_round(world, cycle)
    acc = self_checked(world, acceptance(cycle, world.branch_a1), actor=world.secretary_a1)
    acceptance_services.acceptance_decide(actor=world.reviewer_a, acceptance=acc, grade="advanced")
    acceptance_services.target_set(actor=world.county_admin, cycle=cycle, level=world.county, sector="",
                                   origin="grade:average", goal="grade:advanced", share="0.3")
    acceptance_services.target_set(actor=world.admin_a, cycle=cycle, level=world.town_a, sector="",
                                   origin="grade:lagging", goal="grade:average", share="0.5")
    return cycle


def _get(client, cycle, level, chart, suffix="json"):
    return client.get(reverse("yearend:chart" if suffix == "json" else "yearend:chart_download",
                              args=[cycle.pk, level.pk, chart] + ([] if suffix == "json" else [suffix])))


def test_the_targets_chart_shows_each_rate_beside_its_minimum_share(client, world, cycle):
    client.force_login(world.admin_a)
    option = _get(client, cycle, world.town_a, "targets").json()["option"]
    found = acceptance_selectors.target_rates(cycle=cycle, organization=world.town_a)
    rates = {(t.sector, t.origin, t.goal): t.rate for t in found}
    met, missed = rates[("", "grade:average", "grade:advanced")], rates[("", "grade:lagging", "grade:average")]
    assert (met.reached, met.base, met.met, missed.base, missed.missing) == (1, 1, True, 1, 1)
    names = option["yAxis"]["data"]
    assert len(names) == len(found) and names[:2] == ["一般 → 先进", "后进 → 一般"]  # then the villages' copies
    rate_bars, share_bars = option["series"]
    assert [bar["value"] for bar in rate_bars["data"]] == [float(t.rate.rate * 100) for t in found]
    assert share_bars["data"] == [float(t.share * 100) for t in found]
    assert [bar["label"]["formatter"] for bar in rate_bars["data"]][:2] == ["{c}% · 已达标", "{c}% · 差1个"]
    acceptance_services.target_set(actor=world.admin_b, cycle=cycle, level=world.town_b, sector="",
                                   origin="grade:lagging", goal="grade:average", share="0.5")
    client.force_login(world.county_admin)
    option = _get(client, cycle, world.town_b, "targets").json()["option"]  # no 后进 below town_b: no rate
    assert "无起点党组织" in [bar["label"]["formatter"] for bar in option["series"][0]["data"]]

def test_the_transitions_heat_map_is_the_acceptances_matrix(client, world, cycle):
    client.force_login(world.county_admin)
    option = _get(client, cycle, world.county, "transitions").json()["option"]
    matrix = acceptance_selectors.transition_matrix(cycle=cycle, organization=world.county, kind="grade")
    assert option["series"][0]["type"] == "heatmap"
    assert option["yAxis"]["data"] == [acceptance_selectors.label(r) for r in matrix.rows]
    assert option["xAxis"]["data"] == [acceptance_selectors.label(c) for c in matrix.columns]
    cells = {(matrix.rows[y], matrix.columns[x]): n for x, y, n in option["series"][0]["data"]}
    assert cells == {(r, c): matrix.count(r, c) for r in matrix.rows for c in matrix.columns}
    assert cells[("average", "advanced")] == 1 and sum(cells.values()) == matrix.total
    assert option["visualMap"]["max"] == max(cells.values())


def test_the_new_charts_data_download_read_by_two_readers(client, world, cycle):
    client.force_login(world.county_admin)
    matrix = acceptance_selectors.transition_matrix(cycle=cycle, organization=world.county, kind="grade")
    content = _get(client, cycle, world.county, "transitions", "xlsx").content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header = next(n for n, row in enumerate(sheet.iter_rows(values_only=True), start=1) if row[0] == "年初等次")
    assert [c.value for c in sheet[header]][1:] == [acceptance_selectors.label(c) for c in matrix.columns]
    first = [c.value for c in sheet[header + 1]]
    assert first[0] == acceptance_selectors.label(matrix.rows[0])
    assert first[1:] == [matrix.count(matrix.rows[0], c) for c in matrix.columns]
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert [int(v) for v in rows[header][1:]] == first[1:]
    lines = list(csv.reader(io.StringIO(_get(client, cycle, world.county, "targets", "csv").content.decode(
        "utf-8-sig"))))
    assert lines[1] == ["一般 → 先进", "50.0", "30.0", "2", "1", "已达标"]
    content = _get(client, cycle, world.county, "targets", "xlsx").content
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    found = next(row for row in rows if row[0] == "一般 → 先进")
    assert [float(v) for v in found[1:5]] == [50.0, 30.0, 2, 1] and found[5] == "已达标"


def test_the_summary_draft_names_the_targets_met_and_missed(world, cycle):
    text = services.summary_save(actor=world.admin_a, cycle=cycle, level=world.town_a).text
    paragraph = next(p for p in text.split("\n\n") if p.startswith("4."))
    assert "已达到：一般 → 先进（100%" in paragraph
    assert "未达到：后进 → 一般（0%" in paragraph and "差1个" in paragraph
