"""A branch secretary's score sheet on a 390-pixel phone: a satisfaction ballot closed before the sheet was started
still grades it lowest; the satisfaction clause is marked by hand from a survey on paper; a deduction past its item
is kept beside a note; the button that removes a deduction can be seen."""

import re

import pytest
from playwright.sync_api import expect

from ballots import services as ballot_services
from ballots.tests.factories import issue_and_open, make_session
from core.browser_testing import fits, zh
from cycles import services as cycle_services
from cycles.models import Grading
from orgs import services as org_services
from orgs.testing import build_world
from standards.tests.factories import make_standard

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def world(transactional_db):
    world = build_world()
    world.standard = make_standard(world.county_admin, world.county)
    cycle = cycle_services.cycle_open(actor=world.county_admin, owner=world.county, year=2026, name="2026年分类定级",
                                      standards={"village": world.standard}, preset="chenghua")
    world.grading = Grading.objects.get(cycle=cycle, organization=world.branch_a1)
    org_services.organization_update(actor=world.admin_a, organization=world.branch_a1, secretary="廖仁旺")
    return world


def shot(tab, step: str) -> None:
    """A screenshot from the top, where the sticky result sits above the sheet rather than across it."""
    tab.page.evaluate("window.scrollTo(0, 0)")
    tab.shot(step)


def contrast(page, selector: str) -> float:
    """The contrast ratio of an element's text against the background it sits on (WCAG's formula)."""
    return page.evaluate("""selector => {
        const element = document.querySelector(selector);
        const rgb = text => text.match(/[\\d.]+/g).slice(0, 4).map(Number);
        let node = element, background;
        while (node) {
            const color = rgb(getComputedStyle(node).backgroundColor);
            if (color.length < 4 || color[3] > 0) { background = color; break; }
            node = node.parentElement;
        }
        background = background || [255, 255, 255];
        const luminance = ([r, g, b]) => [r, g, b].map(v => v / 255).map(
            v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4)).reduce(
            (sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
        const [a, b] = [luminance(rgb(getComputedStyle(element).color)), luminance(background)];
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    }""", selector)


def test_a_sheet_started_after_a_low_satisfaction_ballot_on_a_phone(browsing, world):
    session = make_session(world.secretary_a1, world.branch_a1, grading=world.grading)
    answers = ["satisfied", "dissatisfied", "dissatisfied", "dissatisfied", "dissatisfied"]
    for code, answer in zip(issue_and_open(actor=world.secretary_a1, session=session, count=5), answers,
                            strict=True):
        ballot_services.ballot_cast(session_id=session.pk, code=code, answer=answer)
    ballot_services.session_close(actor=world.reviewer_a, session=session)

    tab = browsing.tab(**PHONE)
    tab.log_in_as(world.secretary_a1)
    page = tab.goto(f"/standards/sheet/{world.branch_a1.pk}/{world.standard.pk}/self/")
    page.get_by_role("button", name=zh("Start this score sheet")).click()
    result = page.locator(".sheet-result")
    expect(result.locator(".total strong")).to_have_text("100.0")
    expect(result.locator(".grade strong")).to_have_text(zh("Lagging"))
    expect(result.locator(".stars strong")).to_have_text("—")
    clause = page.locator("ul.vetoes li", has_text="满意度低于60%")
    expect(clause).to_contain_text("满意度20%低于60%")
    expect(page.locator(".explanation")).not_to_contain_text("E+")
    fits(page)
    shot(tab, "vetoed-by-ballot")

    row = page.locator("tr[data-item='2.1']")  # 10 points a time, at most 50: 6 times is 60
    row.locator("input[name=occurrences]").fill("6")
    row.locator("input[name=reason]").fill("年度任务均未完成")
    row.get_by_role("button", name=zh("Deduct")).click()
    expect(result.locator(".total strong")).to_have_text("50.0")
    expect(row.locator("td.score")).to_have_text(re.compile(r"^\s*得分：?\s*0\.0|^\s*0\.0"))
    expect(row.locator(".exhausted")).to_contain_text("60.0")
    remove = row.get_by_role("button", name=zh("remove"))
    expect(remove).to_be_visible()
    assert contrast(page, "tr[data-item='2.1'] .deduction button.link") >= 4.5
    fits(page)
    shot(tab, "ran-out")
    remove.click()
    expect(result.locator(".total strong")).to_have_text("100.0")
    expect(result.locator(".grade strong")).to_have_text(zh("Lagging"))


def test_the_satisfaction_clause_is_marked_by_hand_on_a_phone(browsing, world):
    tab = browsing.tab(**PHONE)
    tab.log_in_as(world.secretary_a1)
    page = tab.goto(f"/standards/sheet/{world.branch_a1.pk}/{world.standard.pk}/self/")
    page.get_by_role("button", name=zh("Start this score sheet")).click()
    result = page.locator(".sheet-result")
    expect(result.locator(".grade strong")).to_have_text(zh("Advanced"))
    clause = page.locator("ul.vetoes li", has_text="满意度低于60%")
    clause.locator("input[name=evidence]").fill("2026年3月纸质测评：满意度45%")
    fits(page)
    shot(tab, "marking")
    clause.get_by_role("button", name=zh("Applies")).click()
    expect(result.locator(".grade strong")).to_have_text(zh("Lagging"))
    expect(page.locator("ul.vetoes li", has_text="满意度低于60%")).to_contain_text("纸质测评：满意度45%")
    fits(page)
    shot(tab, "marked")


def test_a_secretary_reads_the_standard_on_a_phone_and_every_link_opens(browsing, world):
    """The standard's table scrolls in its box; the pages a secretary reads link nothing above the branch's
    scope (the county that issued the standard, the town's rectification level), which would answer 404."""
    tab = browsing.tab(**PHONE)
    tab.log_in_as(world.secretary_a1)
    for path in (f"/standards/{world.standard.pk}/", f"/cycles/{world.grading.cycle_id}/",
                 f"/rectification/cycles/{world.grading.cycle_id}/orgs/{world.branch_a1.pk}/"):
        page = tab.goto(path)
        fits(page)
        links = page.eval_on_selector_all("main a[href^='/'], .breadcrumbs a[href^='/']",
                                          "links => links.map(link => link.getAttribute('href'))")
        for href in dict.fromkeys(links):
            if href.endswith((".xlsx", ".pdf")) or "/export" in href:
                continue
            response = page.request.get(tab.url(href))
            assert response.status == 200, (path, href, response.status)
    tab.goto(f"/standards/{world.standard.pk}/")
    tab.shot("standard")
