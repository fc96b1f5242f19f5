"""The whole chain in real Chromium: a branch's self-assessment, its superior's determination, the
town's list, and the county's approval — each person in their own browser, led by their to-dos."""

import datetime

import pytest
from playwright.sync_api import expect

from core.browser_testing import zh
from cycles import services
from cycles.models import Grading
from orgs import services as org_services
from orgs.testing import build_world
from standards.tests.factories import make_standard

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db):
    world = build_world()
    world.standard = make_standard(world.county_admin, world.county)
    org_services.organization_update(actor=world.admin_a, organization=world.branch_a1, secretary="廖仁旺")
    world.cycle = services.cycle_open(actor=world.county_admin, owner=world.county, year=datetime.date.today().year,
                                      name="年度分类定级", steps=["self_assessment", "superior_decision", "approval"],
                                      standards={"village": world.standard})
    world.grading = Grading.objects.get(cycle=world.cycle, organization=world.branch_a1)
    other = Grading.objects.get(cycle=world.cycle, organization=world.branch_a2)  # the town's other branch, determined
    services.step_record(actor=world.admin_a, grading=other, step="self_assessment", held_on=datetime.date.today(),
                         grade="average")
    services.grading_submit(actor=world.admin_a, grading=other)
    services.grading_decide(actor=world.reviewer_a, grading=other, grade="average")
    return world


def test_from_self_assessment_to_county_approval(browsing, world):
    # The branch secretary: the score sheet, the self-assessment step, the submission.
    secretary = browsing.tab()
    secretary.log_in_as(world.secretary_a1)
    page = secretary.goto("/")
    page.locator(f"a[href='/cycles/gradings/{world.grading.pk}/']").first.click()
    secretary.shot("grading-start")
    page.get_by_role("link", name=zh("Self-assessment score sheet"), exact=True).first.click()
    page.get_by_role("button", name=zh("Start this score sheet")).click()
    row = page.locator("tr[data-item='2.1']")
    row.locator("input[name=occurrences]").fill("3")
    row.locator("input[name=reason]").fill("年度任务三项未完成")
    row.get_by_role("button", name=zh("Deduct")).click()
    expect(page.locator(".sheet-result .grade strong")).to_have_text(zh("Average"))
    secretary.goto(f"/cycles/gradings/{world.grading.pk}/")
    page.locator("input[name=held_on]").fill(datetime.date.today().isoformat())
    page.locator("input[name=participants]").fill("23")
    page.get_by_role("button", name=zh("Record this step")).click()
    expect(page.locator("main")).to_contain_text(zh("Average"))
    page.get_by_role("button", name=zh("Submit to the superior")).click()
    expect(page.locator("main")).to_contain_text(zh("Submitted to the superior"))
    secretary.shot("submitted")

    # The town's reviewer: a to-do on the home page, a determination, the town's list upward.
    reviewer = browsing.tab()
    reviewer.log_in_as(world.reviewer_a)
    page = reviewer.goto("/")
    page.locator(f"a[href='/cycles/gradings/{world.grading.pk}/']").first.click()
    page.locator("select[name=grade]").select_option("lagging")
    page.get_by_role("button", name=zh("Determine"), exact=True).click()
    expect(page.locator(".errorlist")).to_be_visible()  # a grade other than the declared one needs a reason
    reviewer.shot("reason-needed")
    page.locator("select[name=grade]").select_option("average")
    page.get_by_role("button", name=zh("Determine"), exact=True).click()
    expect(page.locator("main")).to_contain_text(zh("Determined by the superior"))
    reviewer.goto(f"/cycles/{world.cycle.pk}/")
    reviewer.shot("cycle-page")
    page.get_by_role("button", name=zh("Submit our list upward")).click()
    page.locator("textarea[name=exception]").fill("两个支部均为一般，本镇无后进支部")
    page.get_by_role("button", name=zh("Submit our list upward")).click()
    expect(page.locator("main")).to_contain_text(zh("submitted, awaiting approval"))
    reviewer.shot("list-submitted")

    # The county: the list awaits its approval; approving locks the determination.
    county = browsing.tab()
    county.log_in_as(world.county_admin)
    page = county.goto("/")
    page.locator(f"a[href='/cycles/{world.cycle.pk}/lists/{world.town_a.pk}/']").first.click()
    county.shot("list-to-approve")
    page.get_by_role("button", name=zh("Approve the list")).click()
    expect(page.locator("main")).to_contain_text(zh("Approved"))
    county.shot("approved")
    world.grading.refresh_from_db()
    assert (world.grading.state, world.grading.declared_grade, world.grading.final_grade) == ("approved", "average", "average")
