"""In real Chromium: a town's administrator uploads a ledger with mistakes, sees each one by row and
column with 确认导入 disabled, corrects the file, uploads it again, imports it and sees the result."""

import datetime

import pytest
from playwright.sync_api import expect

from core.browser_testing import zh
from cycles import services as cycle_services
from ledgers.tests.files.lanshan import flat_header, workbook_bytes
from orgs.models import OrganizationFacts
from orgs.testing import build_world
from rectification.models import Measure, Plan

pytestmark = pytest.mark.browser

YEAR = datetime.date.today().year
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    world.cycle = cycle_services.cycle_open(actor=world.county_admin, owner=world.county, year=YEAR, name="年度分类定级",
                                            steps=["self_assessment", "superior_decision", "approval"])
    return world


def ledger(rows) -> bytes:
    return workbook_bytes(rows, title=False, header=(flat_header(),), note=False)


def row(name, members, mobile, target="一般"):
    return [name, "张三", "", f"支部共有党员{members}人，其中女党员3人。", mobile, "已建", "1、团结；\n2、肯干。",
            "1、学习不够；\n2、阵地小。", "", "", target, "1、加强学习；\n2、建好阵地。", f"{YEAR}年底", "县委组织部", "李四", "张三"]


def test_upload_a_ledger_with_mistakes_correct_it_and_import(browsing, world):
    tab = browsing.tab()
    tab.log_in_as(world.admin_a)
    page = tab.goto(f"/ledgers/{world.cycle.pk}/{world.town_a.pk}/import/")
    tab.shot("form")
    wrong = ledger([row("甲一村  党支部", 20, "两个"), row("甲三村党支部", 12, 1), row("甲二村党支部", 9, 0, "先进先进")])
    page.locator("input[name=file]").set_input_files(files=[{"name": "甲镇台账.xlsx", "mimeType": XLSX, "buffer": wrong}])
    page.get_by_role("button", name=zh("Upload and check")).click()
    problems = page.locator("table.import-problems tbody tr")
    expect(problems).to_have_count(3)
    expect(problems.nth(0)).to_contain_text("E（流动党员数）")
    expect(problems.nth(1)).to_contain_text("甲三村党支部")
    expect(problems.nth(2)).to_contain_text("K（晋位升级目标）")
    expect(page.get_by_role("button", name="确认导入")).to_be_disabled()
    tab.shot("problems")

    page.get_by_role("link", name=zh("Upload a corrected file")).click()
    right = ledger([row("甲一村  党支部", 20, 2), row("甲二村党支部", 9, 0)])
    page.locator("input[name=file]").set_input_files(files=[{"name": "甲镇台账.xlsx", "mimeType": XLSX, "buffer": right}])
    page.get_by_role("button", name=zh("Upload and check")).click()
    expect(page.locator("table.import-problems")).to_have_count(0)
    expect(page.locator(".import-summary")).to_contain_text("2")
    tab.shot("checked")
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".import-result")).to_be_visible()
    tab.shot("imported")
    assert OrganizationFacts.objects.get(organization=world.branch_a1, year=YEAR).mobile_members == 2
    assert OrganizationFacts.objects.get(organization=world.branch_a2, year=YEAR).members_total == 9
    # The rectification columns became the branches' plans, through rectification's services.
    assert list(Measure.objects.filter(plan__organization=world.branch_a1).order_by("position", "pk").values_list(
        "text", flat=True)) == ["加强学习", "建好阵地"]
    assert Plan.objects.get(organization=world.branch_a2).target_grade == "average"
