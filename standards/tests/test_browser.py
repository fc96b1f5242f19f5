"""A branch secretary fills the self-assessment score sheet in real Chromium and sees the grade change."""

import re

import pytest
from playwright.sync_api import expect

from core.browser_testing import zh
from orgs import services as org_services
from orgs.testing import build_world
from standards.tests.factories import make_standard

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db):
    world = build_world()
    world.standard = make_standard(world.county_admin, world.county)
    org_services.organization_update(actor=world.admin_a, organization=world.branch_a1, secretary="廖仁旺")
    return world


def test_filling_a_score_sheet_changes_total_grade_and_stars(browsing, world):
    tab = browsing.tab()
    tab.log_in_as(world.secretary_a1)
    page = tab.goto(f"/orgs/{world.branch_a1.pk}/")
    page.get_by_role("link", name=zh("Self-assessment"), exact=True).click()
    page.get_by_role("button", name=zh("Start this score sheet")).click()
    result = page.locator(".sheet-result")
    expect(result.locator(".total strong")).to_have_text("100.0")
    expect(result.locator(".grade strong")).to_have_text(zh("Advanced"))
    tab.shot("fresh-sheet")

    row = page.locator("tr[data-item='2.1']")
    row.locator("input[name=occurrences]").fill("3")
    row.locator("input[name=reason]").fill("年度任务三项未完成")
    row.get_by_role("button", name=zh("Deduct")).click()
    expect(result.locator(".total strong")).to_have_text("70.0")
    expect(result.locator(".grade strong")).to_have_text(zh("Average"))
    expect(result.locator(".stars strong")).to_have_text("★★")
    expect(page.locator(".explanation")).to_contain_text("年度任务三项未完成")
    tab.shot("after-deduction")

    # A deduction past the item's maximum is kept, and the item stops at 0 ("每个项目分值扣完为止").
    row = page.locator("tr[data-item='1.1']")  # 5 points a time, at most 30: 7 times is 35
    row.locator("input[name=occurrences]").fill("7")
    row.locator("input[name=reason]").fill("缺席培训")
    row.get_by_role("button", name=zh("Deduct")).click()
    expect(result.locator(".total strong")).to_have_text("40.0")
    expect(row.locator("td.score")).to_have_text(re.compile(r"^\s*0\.0"))
    expect(row.locator(".exhausted")).to_contain_text("每个项目分值扣完为止")
    expect(page.locator(".errorlist[role=alert]")).to_have_count(0)
    tab.shot("ran-out")
    row.get_by_role("button", name=zh("remove")).click()
    expect(result.locator(".total strong")).to_have_text("70.0")

    page.locator("tr[data-item='2.1']").get_by_role("button", name=zh("remove")).click()
    expect(result.locator(".total strong")).to_have_text("100.0")
    expect(result.locator(".grade strong")).to_have_text(zh("Advanced"))
    tab.shot("removed")
