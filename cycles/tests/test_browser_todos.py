"""In real Chromium, on a 390-pixel phone: each role's home page is its to-do list; a closed step says so
before anything is typed and whom to ask; the cycle's owner extends the deadline and the branch records."""

import datetime

import pytest
from playwright.sync_api import expect

from core.browser_testing import fits, zh
from cycles import services
from cycles.models import Cycle, DeadlineExtension, Grading, StepRecord
from orgs.testing import build_world
from standards.tests.factories import make_standard

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
TODAY = datetime.date.today()


def day(n: int) -> str:
    return (TODAY + datetime.timedelta(days=n)).isoformat()


@pytest.fixture
def world(transactional_db):
    """The county's cycle with the public rating closed three days ago: 甲二村 was given more time and has
    submitted; 甲一村 (secretary_a1's) has not recorded it."""
    world = build_world()
    standard = make_standard(world.county_admin, world.county)
    deadlines = {step: day(10 + n) for n, step in enumerate(["public_rating", "member_review", "self_assessment",
                                                             "meeting_review", "superior_decision", "approval"])}
    world.cycle = services.cycle_open(actor=world.county_admin, owner=world.county, year=TODAY.year, name="年度分类定级",
                                      standards={"village": standard}, preset="chenghua", deadlines=deadlines)
    services.cycle_update(actor=world.county_admin, cycle=world.cycle, deadlines=deadlines | {"public_rating": day(-3)},
                          reason="群众初评按通知结束")
    world.a1 = Grading.objects.get(cycle=world.cycle, organization=world.branch_a1)
    a2 = Grading.objects.get(cycle=world.cycle, organization=world.branch_a2)
    services.deadline_extend(actor=world.county_admin, cycle=world.cycle, organization=world.branch_a2,
                             step="public_rating", until=TODAY, reason="村委换届")
    for step, values in (("public_rating", {"participants": 30, "votes": {"advanced": 20, "average": 10}}),
                         ("member_review", {"participants": 20, "grade": "advanced"}),
                         ("self_assessment", {"grade": "advanced"}),
                         ("meeting_review", {"participants": 40, "votes": {"agree": 38, "disagree": 1, "abstain": 1}})):
        services.step_record(actor=world.admin_a, grading=a2, step=step, held_on=TODAY, **values)
    services.grading_submit(actor=world.admin_a, grading=a2)
    return world


def test_each_role_at_390_pixels_and_the_way_out_of_a_closed_step(browsing, world):
    # The branch secretary: the step due, already closed, and whom to ask — on the home page and the grading page.
    secretary = browsing.tab(**PHONE)
    secretary.log_in_as(world.secretary_a1)
    page = secretary.goto("/")
    todo = page.locator("li.todo-record")
    expect(todo).to_contain_text(zh("Next: %(what)s", what=zh("Public preliminary rating")))
    expect(todo.locator(".badge.overdue")).to_be_visible()
    expect(todo.locator(".closed-step")).to_contain_text(world.county.name)
    fits(page)
    secretary.shot("secretary-home")
    todo.get_by_role("link").first.click()
    closed = page.locator("section.closed-step")
    expect(closed).to_contain_text(day(-3))
    expect(closed).to_contain_text(world.county.name)
    expect(page.get_by_role("button", name=zh("Record this step"))).to_have_count(0)  # nothing to type in vain
    fits(page)
    secretary.shot("secretary-closed-step")

    # The town's reviewer: a submission to determine, and its late branch.
    reviewer = browsing.tab(**PHONE)
    reviewer.log_in_as(world.reviewer_a)
    page = reviewer.goto("/")
    expect(page.locator("li.todo-decide")).to_contain_text(world.branch_a2.name)
    expect(page.locator("li.todo-overdue")).to_contain_text(world.branch_a1.name)
    expect(page.locator("section.overview table.progress tr[data-step=public_rating]")).to_have_class("overdue")
    fits(page)
    reviewer.shot("reviewer-home")

    # The county: progress by step with the late count, the late organizations, then the extension.
    county = browsing.tab(**PHONE)
    county.log_in_as(world.county_admin)
    page = county.goto("/")
    row = page.locator("section.overview table.progress tr[data-step=public_rating]")
    expect(row.locator("td").nth(2)).to_have_text("1")  # done: 甲二村
    expect(row.locator(".badge.overdue")).to_have_text("5")  # the towns and three branches, 甲二村 excepted
    expect(page.locator("section.overview ul.overdue-list")).to_contain_text(world.branch_a1.name)
    fits(page)
    county.shot("county-home")
    page.locator("section.overview ul.overdue-list").get_by_role("link", name=world.branch_a1.name).click()
    form = page.locator("form.extend-form")
    expect(form.locator("select[name=step]")).to_have_value("public_rating")
    form.locator("input[name=until]").fill(day(4))
    form.get_by_role("button", name=zh("Extend the deadline")).click()
    expect(page.locator("form.extend-form .errorlist")).to_contain_text(zh("Reason for the extension"))
    assert not DeadlineExtension.objects.filter(organization=world.branch_a1).exists()  # refused: nothing saved
    county.shot("county-extension-refused")
    page.locator("form.extend-form textarea[name=reason]").fill("书记住院，延期四天")
    page.locator("form.extend-form").get_by_role("button", name=zh("Extend the deadline")).click()
    expect(page.locator(".messages")).to_contain_text(day(4))
    expect(page.locator("table.extensions")).to_contain_text("书记住院，延期四天")
    fits(page)
    county.shot("county-extended")

    # The branch again: the step is open until the new day, and it records it.
    page = secretary.goto(f"/cycles/gradings/{world.a1.pk}/")
    expect(page.locator("section.closed-step")).to_have_count(0)
    expect(page.locator("dl.facts")).to_contain_text(day(4))
    page.locator("input[name=participants]").fill("35")
    page.locator("input[name=votes_advanced]").fill("25")
    page.locator("input[name=votes_average]").fill("10")
    page.get_by_role("button", name=zh("Record this step")).click()
    expect(page.locator(".messages")).to_contain_text(zh("Public preliminary rating"))
    fits(page)
    secretary.shot("secretary-recorded")
    assert StepRecord.objects.get(grading=world.a1, step="public_rating").grade == "advanced"


def test_the_open_form_offers_the_seeds_calendar_for_the_chain_and_year(browsing, world):
    county = browsing.tab()
    county.log_in_as(world.county_admin)
    page = county.goto("/cycles/open/")
    next_year = TODAY.year + 1  # the county has this year's cycle
    expect(page.locator("#id_year")).to_have_value(str(next_year))
    expect(page.locator("#id_deadline_public_rating")).to_have_value(f"{next_year}-04-12")
    page.locator("#id_deadline_self_assessment").fill(f"{next_year}-05-06")
    page.get_by_label(zh("Hunan: declaration and superior's determination")).check()
    expect(page.locator("#id_deadline_public_rating")).to_have_count(0)  # not a step of Hunan's chain
    expect(page.locator("#id_deadline_self_assessment")).to_have_value(f"{next_year}-05-06")  # what was typed stays
    page.locator("#id_year").fill(str(next_year + 1))
    page.locator("#id_year").dispatch_event("change")
    expect(page.locator("#id_deadline_self_assessment")).to_have_value(f"{next_year + 1}-05-06")  # moved with the year
    expect(page.locator("#id_deadline_superior_decision")).to_have_value(f"{next_year + 1}-04-18")
    county.shot("open-form")
    page.get_by_role("button", name=zh("Open the cycle")).click()
    expect(page.locator(".messages")).to_be_visible()
    cycle = Cycle.objects.get(owner=world.county, year=next_year + 1)
    assert cycle.deadlines == {"self_assessment": f"{next_year + 1}-05-06", "superior_decision": f"{next_year + 1}-04-18"}
