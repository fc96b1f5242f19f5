"""In real Chromium: the county reads its dashboard at 1280 px, every chart drawn by ECharts under the
self-only policy; a town's reviewer, on a 390-pixel phone, reads its dashboard, drafts the year summary from the
figures, is refused an empty one by field, writes it, attaches the secretary's report and submits it; the
county sees it submitted, and draws up its commendation shortlist."""

import datetime

import pytest
from playwright.sync_api import expect

from acceptance import services as acceptance_services
from core.browser_testing import fits, zh
from orgs.testing import build_world
from yearend.models import YearSummary
from yearend.tests.factories import year_end

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = year_end(build_world())
    # The acceptance round opened and a target set: the targets chart and the heat map have figures to draw.
    acceptance_services.acceptance_round_open(actor=world.county_admin, cycle=world.cycle,
                                              self_check_due=datetime.date.today() + datetime.timedelta(days=10),
                                              decision_due=datetime.date.today() + datetime.timedelta(days=20))
    acceptance_services.target_set(actor=world.county_admin, cycle=world.cycle, level=world.county, sector="",
                                   origin="grade:average", goal="grade:advanced", share="0.5")
    return world


def test_the_dashboards_and_the_year_summary(browsing, world):
    desk = browsing.tab(viewport={"width": 1280, "height": 900})
    desk.page.set_default_timeout(20_000)  # the first page loads ECharts (1 MB) from a busy test server
    desk.log_in_as(world.county_admin)
    page = desk.goto(f"/yearend/{world.cycle.pk}/{world.county.pk}/")
    charts = page.locator("[data-chart-url]")
    expect(charts).to_have_count(7)
    for n in range(7):
        expect(charts.nth(n)).to_have_attribute("data-drawn", "yes")
        expect(charts.nth(n).locator("canvas")).to_have_count(1)
    desk.shot("county-dashboard")

    phone = browsing.tab(**PHONE)
    phone.page.set_default_timeout(20_000)
    phone.log_in_as(world.reviewer_a)
    page = phone.goto(f"/yearend/{world.cycle.pk}/{world.town_a.pk}/")
    for chart in ("grades", "targets", "transitions"):
        expect(page.locator(f"#chart-{chart} [data-chart-url]")).to_have_attribute("data-drawn", "yes")
    fits(page)
    phone.shot("town-dashboard")
    page.get_by_role("link", name=zh("Year summary")).first.click()
    page.get_by_role("button", name=zh("Draft it from the figures")).click()
    text = page.locator("textarea[name=text]")
    assert "甲镇党委" in text.input_value() and "2" in text.input_value()
    fits(page)
    phone.shot("summary-draft")
    text.fill("")
    page.locator("form.summary-form").get_by_role("button", name=zh("Save")).click()
    page.locator("form.submit-form").get_by_role("button", name=zh("Submit to the level above")).click()
    expect(page.locator("form.summary-form .errorlist")).to_contain_text("年度工作总结为空")
    phone.shot("summary-refused")
    page.locator("textarea[name=text]").fill("一、今年全镇两个支部均评为先进。\n二、整改措施按期推进。")
    page.locator("form.summary-form").get_by_role("button", name=zh("Save")).click()
    page.get_by_role("link", name=zh("Attach a secretary's report")).click()
    page.locator("input[name=secretary]").fill("李明")
    page.locator("input[name=post]").fill("党委书记")
    page.locator("textarea[name=text]").fill("一年来，我认真履行抓基层党建第一责任人职责。")
    page.get_by_role("button", name=zh("Save")).click()
    fits(page)
    page.get_by_role("link", name=zh("Back to the year summary")).click()
    expect(page.locator("ul.reports")).to_contain_text("李明")
    page.locator("form.submit-form").get_by_role("button", name=zh("Submit to the level above")).click()
    expect(page.locator(".summary-state")).to_contain_text(zh("Submitted upward"))
    fits(page)
    phone.shot("summary-submitted")
    assert YearSummary.objects.get(organization=world.town_a).state == "submitted"

    page = desk.goto(f"/yearend/{world.cycle.pk}/{world.county.pk}/summary/")
    expect(page.locator("table.below")).to_contain_text(zh("Submitted upward"))
    page = desk.goto(f"/yearend/{world.cycle.pk}/{world.town_a.pk}/summary/print/")
    expect(page.locator("h1").first).to_contain_text("工作总结")
    desk.shot("summary-print")

    page = desk.goto(f"/yearend/{world.cycle.pk}/{world.county.pk}/shortlist/")
    page.get_by_role("button", name=zh("Propose by the rules")).click()
    expect(page.locator("table.candidates")).to_contain_text("甲一村党支部")
    expect(page.locator("table.candidates")).to_contain_text("连续2年评为先进")
    desk.shot("shortlist")
