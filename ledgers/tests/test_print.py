"""Print pages, PDFs and .xlsx downloads of the official forms: access, filters, Chinese text on A4."""

import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from core.testing import Endpoint, access_tests
from cycles import services
from cycles.models import Grading
from ledgers import layouts, printing
from ledgers.tests.plans import file_plan
from orgs.choices import Sector
from orgs.testing import build_world, make_org, system_user
from standards.tests.factories import make_standard

HELD_ON = datetime.date(2026, 3, 1)
LONG_MEASURES = "加强党员教育管理，" * 20  # 180 characters
LEDGER_MEASURES = f"1、{LONG_MEASURES}。"  # as the ledger numbers the plan's one measure


def grade(cycle, organization, declared: str, final: str) -> None:
    actor = system_user()
    grading = Grading.objects.get(cycle=cycle, organization=organization)
    services.step_record(actor=actor, grading=grading, step="self_assessment", held_on=HELD_ON, grade=declared)
    services.grading_submit(actor=actor, grading=grading)
    services.grading_decide(actor=actor, grading=grading, grade=final,
                            reason="" if final == declared else "上级党组织审核定级")


@pytest.fixture
def world(world):
    return graded(world)


def graded(world):
    """The county's cycle on Hunan's short chain; three branches graded, one with long measures."""
    world.community_b = make_org(world.town_b, name="乙社区党支部", sector=Sector.COMMUNITY)
    standard = make_standard(world.county_admin, world.county)
    world.cycle = services.cycle_open(actor=world.county_admin, owner=world.county, year=2026, name="2026年分类定级",
                                      preset="hunan", standards={"village": standard})
    grade(world.cycle, world.branch_a1, "advanced", "advanced")
    grade(world.cycle, world.branch_a2, "average", "lagging")
    grade(world.cycle, world.branch_b1, "advanced", "average")
    file_plan(world.cycle, world.branch_a2, system_user(), target_grade="average", measures=[LONG_MEASURES],
              deadline=datetime.date(2026, 12, 31), assisting_unit="县委组织部")
    return world


def print_url(form: str, level: str = "town_a", query: str = ""):
    return lambda world: reverse("ledgers:print_form", args=[world.cycle.pk, getattr(world, level).pk, form]) + query


def xlsx_url(form: str, level: str = "town_a", query: str = ""):
    return lambda world: reverse("ledgers:download_form", args=[world.cycle.pk, getattr(world, level).pk, form]) + query


ENDPOINTS = [
    Endpoint("print ledger", print_url("hunan-ledger"), outside_url=print_url("hunan-ledger", "town_b")),
    Endpoint("print summary", print_url("tally"), insider="reviewer_a", outside_url=print_url("tally", "town_b")),
    Endpoint("print own declaration", print_url("declaration", "branch_a1"), insider="secretary_a1",
             outside_url=print_url("declaration", "branch_a2")),
    Endpoint("xlsx ledger", xlsx_url("hunan-ledger"), outside_url=xlsx_url("hunan-ledger", "town_b")),
    Endpoint("xlsx roster", xlsx_url("roster"), insider="reviewer_a", outside_url=xlsx_url("roster", "town_b")),
]
test_anonymous, test_no_role, test_inside, test_outside, test_inside_without_the_role = access_tests(ENDPOINTS)


def xlsx_cells(response, sheet=0) -> list[list]:
    data = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(sheet).to_python()


@pytest.mark.django_db
@pytest.mark.parametrize("slug", list(layouts.FORMS))
def test_every_form_renders_as_an_a4_print_page_with_its_chinese_headers(client, world, slug):
    client.force_login(world.county_admin)
    response = client.get(print_url(slug, "county")(world))
    assert response.status_code == 200
    page = response.content.decode()
    assert "css/print.css" in page and ("<thead>" in page or slug == "declaration")  # a form, not a list
    title = {"hunan-summary": "基层党组织分类定级晋位升级情况汇总表", "hunan-ledger": "目标管理工作台账",
             "declaration": "分类定级申报表", "roster": "分类名单统计表", "tally": "分类情况汇总表",
             "site-roster": "远程教育站点分类名单统计表", "site-tally": "远程教育站点分类情况汇总表"}[slug]
    assert title in page
    if slug == "hunan-ledger":
        assert "党组织情况" in page and "整改情况" in page and 'colspan="5"' in page and 'rowspan="2"' in page
        assert "甲镇党委" in page and "甲一村党支部" in page and "组织代码" not in page  # the official columns only


@pytest.mark.django_db
def test_pdf_is_a4_with_the_chinese_text_embedded(client, world):
    client.force_login(world.county_admin)
    response = client.get(print_url("hunan-ledger", "county", "?format=pdf")(world))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = response.getvalue()
    assert content.startswith(b"%PDF") and response["Content-Disposition"].startswith("inline;")
    reader = PdfReader(io.BytesIO(content))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)  # A4 landscape
    text = re.sub(r"\s", "", "".join(page.extract_text() for page in reader.pages))  # cells wrap their text
    assert "测试县委基层党组织分类定级晋位升级目标管理工作台账" in text and "党组织情况" in text
    assert "甲一村党支部" in text and "先进" in text
    fonts = {str(font) for page in reader.pages for font in page["/Resources"]["/Font"].values()
             for font in [font.get_object()["/BaseFont"]]}
    assert any("CJK" in font for font in fonts), fonts


@pytest.mark.django_db
def test_declaration_pdf_is_a4_portrait_one_page_per_organization(client, world):
    client.force_login(world.admin_a)
    response = client.get(print_url("declaration", "town_a", "?format=pdf")(world))
    reader = PdfReader(io.BytesIO(response.getvalue()))
    assert [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages] == [(595, 842)] * 2
    assert "甲一村党支部" in reader.pages[0].extract_text() and "甲二村党支部" in reader.pages[1].extract_text()
    assert "书记(签名)" in reader.pages[0].extract_text()


@pytest.mark.django_db
def test_xlsx_and_print_page_honour_the_ledger_filters(client, world):
    client.force_login(world.county_admin)
    response = client.get(xlsx_url("hunan-ledger", "county", "?superior_grade=advanced")(world))
    assert response.status_code == 200 and response["X-Jinwei-Rows"] == "1"
    assert "attachment" in response["Content-Disposition"]
    cells = xlsx_cells(response)
    assert [row[0] for row in cells[4:]] == ["甲一村党支部"] and cells[4][16] == world.branch_a1.code
    page = client.get(print_url("hunan-ledger", "county", "?declared_grade=average")(world)).content.decode()
    assert "甲二村党支部" in page and "甲一村党支部" not in page and "乙一村党支部" not in page
    found = xlsx_cells(client.get(xlsx_url("roster", "county", "?q=乙一")(world)))
    assert [row[1] for row in found[5:] if isinstance(row[0], float)] == ["乙一村党支部"]
    official = xlsx_cells(client.get(xlsx_url("hunan-ledger", "county", "?code=0")(world)))
    assert len(official[2]) == 16


@pytest.mark.django_db
def test_roster_cuts_long_measures_and_says_so(client, world):
    client.force_login(world.admin_a)
    response = client.get(xlsx_url("roster")(world))
    assert response["X-Jinwei-Cut-Cells"] == "1"
    row = next(row for row in xlsx_cells(response) if row[1] == "甲二村党支部")
    assert row[2:5] == ["", "", "√"] and row[5] == "争创“一般”" and len(row[6]) == 150 and row[6].endswith("…")
    page = client.get(print_url("roster")(world)).content.decode()
    assert LEDGER_MEASURES[:149] + "…" in page and LEDGER_MEASURES not in page
    assert 'class="warning"' in page


@pytest.mark.django_db
def test_roster_has_a_sheet_per_sector_and_the_sector_filter_keeps_one(client, world):
    client.force_login(world.county_admin)
    data = b"".join(client.get(xlsx_url("roster", "county")(world)).streaming_content)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == ["农村", "社区"]
    assert [row[1] for row in book.get_sheet_by_index(1).to_python()[5:] if isinstance(row[0], float)] == ["乙社区党支部"]
    data = b"".join(client.get(xlsx_url("roster", "county", "?sector=community")(world)).streaming_content)
    assert CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names == ["社区"]
    page = client.get(print_url("roster", "county", "?sector=village")(world)).content.decode()
    assert "领域（行业）：农村" in page and "乙社区党支部" not in page and "甲一村党支部" in page


@pytest.mark.django_db
def test_a_list_longer_than_a_print_page_holds_points_to_the_xlsx(client, world, monkeypatch):
    monkeypatch.setattr(printing, "PRINT_ROW_LIMIT", 2)
    client.force_login(world.county_admin)
    for query in ("", "?format=pdf"):
        response = client.get(print_url("hunan-ledger", "county", query)(world))
        page = response.content.decode()
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
        assert 'class="warning"' in page and "甲一村党支部" not in page and ".xlsx" in page
    narrowed = client.get(print_url("hunan-ledger", "county", "?superior_grade=advanced")(world)).content.decode()
    assert "甲一村党支部" in narrowed and 'class="warning"' not in narrowed


@pytest.mark.django_db
def test_tally_counts_every_organization_of_the_sector_graded_or_not(client, world):
    # 乙镇 has two village branches, one graded, and a community branch not graded yet: its 党组织总数
    # is two on the village sheet and one on the community sheet, and the shares are of those. The
    # towns themselves are graded in the cycle too: they count on their own sector's sheet, among
    # the county's directly subordinate organizations.
    client.force_login(world.county_admin)
    data = b"".join(client.get(xlsx_url("tally", "county")(world)).streaming_content)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == ["农村", "社区", "地方（省、市、县、乡镇）"]
    towns = book.get_sheet_by_index(2).to_python()
    assert {row[1]: row[2:6] for row in towns[5:] if row[1] in {"直属党组织", "合计"}} == {
        "直属党组织": [2, 0, 0, 0], "合计": [2, 0, 0, 0]}
    village, community = (book.get_sheet_by_index(index).to_python() for index in (0, 1))
    body = {row[1]: row[2:9] for row in village[5:] if row[1] in {"甲镇党委", "乙镇党委", "合计"}}
    assert body == {"甲镇党委": [2, 1, 0, 1, 0.5, 0.0, 0.5], "乙镇党委": [2, 0, 1, 0, 0.0, 0.5, 0.0],
                    "合计": [4, 1, 1, 1, 0.25, 0.25, 0.25]}
    assert {row[1]: row[2:6] for row in community[5:] if row[1] in {"乙镇党委", "合计"}} == {
        "乙镇党委": [1, 0, 0, 0], "合计": [1, 0, 0, 0]}
    assert "直属党组织" not in [row[1] for row in village + community]  # it counts nothing there

    shares = openpyxl.load_workbook(io.BytesIO(data))["农村"]
    assert {shares.cell(row=row, column=7).number_format for row in range(6, 9)} == {"0.0%"}
    page = client.get(print_url("tally", "county")(world)).content.decode()
    assert "50.0%" in page and "25.0%" in page


@pytest.mark.django_db
def test_a_level_outside_the_cycle_or_an_unknown_form_is_404(client, world):
    cycle_a = services.cycle_open(actor=world.admin_a, owner=world.town_a, year=2027, name="甲镇2027", preset="hunan")
    client.force_login(world.county_admin)
    assert client.get(reverse("ledgers:print_form", args=[cycle_a.pk, world.town_b.pk, "roster"])).status_code == 404
    assert client.get(reverse("ledgers:print_form", args=[cycle_a.pk, world.town_a.pk, "roster"])).status_code == 200
    assert client.get(print_url("no-such-form", "county")(world)).status_code == 404
    assert client.get(xlsx_url("no-such-form", "county")(world)).status_code == 404


@pytest.mark.browser
def test_print_page_in_chromium_hides_its_toolbar_on_paper_and_downloads_the_workbook(browsing, transactional_db):
    world = graded(build_world())
    tab = browsing.tab(accept_downloads=True)
    tab.log_in_as(world.county_admin)
    page = tab.goto(print_url("hunan-ledger", "county")(world))
    expect(page.get_by_role("heading", name="测试县委基层党组织分类定级晋位升级目标管理工作台账")).to_be_visible()
    expect(page.locator("thead th", has_text="党组织情况")).to_have_attribute("colspan", "5")
    expect(page.locator(".toolbar")).to_be_visible()
    tab.shot("print-page")
    page.emulate_media(media="print")
    expect(page.locator(".toolbar")).to_be_hidden()
    assert page.locator("thead").evaluate("e => getComputedStyle(e).display") == "table-header-group"
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.locator(".toolbar a[href$='.xlsx']").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    cells = CalamineWorkbook.from_path(download.value.path()).get_sheet_by_index(0).to_python()
    assert cells[0][0] == "测试县委基层党组织分类定级晋位升级目标管理工作台账"


@pytest.mark.django_db
def test_a_pdf_that_fails_says_the_export_failed_not_an_import(client, world, monkeypatch):
    def broken(html, **kwargs):
        raise RuntimeError("the layout engine failed")

    monkeypatch.setattr(printing, "html_to_pdf", broken)
    client.force_login(world.county_admin)
    response = client.get(print_url("hunan-ledger", "county", "?format=pdf")(world))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "导出失败" in page and "返回台账" in page and "导入" not in page.split("<main>")[1]
