"""Rectification in real Chromium on a 390-pixel phone: from a deduction of the score sheet to a problem, its
measure, a second problem, submission, the superior's approval, progress with an evidence photo, the mid-year
check of the whole level, and 销号 — each person in their own browser, led by their to-dos."""

import datetime

import pytest
from playwright.sync_api import expect

from core.browser_testing import fits, zh
from cycles import services as cycle_services
from orgs.testing import build_world
from rectification.models import Measure, MidyearCheck, Plan
from rectification.tests.factories import png_bytes
from standards import services as standard_services
from standards.tests.factories import make_standard

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def world(transactional_db):
    world = build_world()
    standard = make_standard(world.county_admin, world.county)
    world.cycle = cycle_services.cycle_open(actor=world.county_admin, owner=world.county, year=datetime.date.today().year,
                                            name="年度晋位升级", preset="hunan", standards={"village": standard})
    sheet = standard_services.score_sheet_open(actor=world.secretary_a1, organization=world.branch_a1,
                                               standard=standard, assessor_kind="self")
    item = standard.indicators.get(position=1).items.get(code="1.1")
    world.deduction = standard_services.deduction_add(actor=world.secretary_a1, sheet=sheet, item=item,
                                                      occurrences=2, reason="书记两次缺席县委组织的培训")
    return world


def test_from_a_deduction_to_verification_on_a_phone(browsing, world, tmp_path):
    plan_path = f"/rectification/cycles/{world.cycle.pk}/orgs/{world.branch_a1.pk}/"
    end = datetime.date(world.cycle.year, 12, 31).isoformat()

    # The secretary: the to-do, the deduction filed as a problem, its measure, a second problem, submission.
    secretary = browsing.tab(**PHONE)
    secretary.log_in_as(world.secretary_a1)
    page = secretary.goto("/")
    page.locator(f"a[href='{plan_path}']").first.click()
    expect(page.locator(f"li[data-deduction='{world.deduction.pk}']")).to_be_visible()
    fits(page)
    secretary.shot("start")
    page.locator(f"li[data-deduction='{world.deduction.pk}']").get_by_role("button").click()
    problem = page.locator("section.problem").first
    expect(problem).to_contain_text("书记参加培训")
    form = problem.locator("form[action$='/measures/']")
    form.locator("[name=text]").fill("每次培训前由副书记提醒并落实代班，全年参训不少于4次")
    form.locator("[name=responsible_person]").fill("廖仁旺")
    form.locator("[name=deadline]").fill(end)
    form.locator("[name=assisting_unit]").fill("县委组织部")
    form.get_by_role("button").click()
    expect(page.locator(".measure")).to_have_count(1)
    filing = page.locator("form.file-problem")
    filing.locator("[name=title]").fill("党员作用发挥不够好")
    filing.locator("[name=causes]").fill("教育管理不经常")
    filing.locator("[name=text]").fill("每月开展一次主题党日")
    filing.locator("[name=deadline]").fill(end)
    filing.get_by_role("button").click()
    # No responsible person: the browser says so before anything is sent, and what was typed stays.
    expect(page.locator("form.file-problem [name=responsible_person]:invalid")).to_have_count(1)
    expect(page.locator("form.file-problem [name=title]")).to_have_value("党员作用发挥不够好")
    secretary.shot("refused")
    page.locator("form.file-problem [name=responsible_person]").fill("廖仁旺")
    page.locator("form.file-problem").get_by_role("button").click()
    expect(page.locator("section.problem")).to_have_count(2)
    page.locator("form.targets select[name=target_grade]").select_option("advanced")
    page.locator("form.targets").get_by_role("button").click()
    page.locator("form.submit").get_by_role("button").click()
    expect(page.locator("[data-state=submitted]").first).to_be_visible()
    fits(page)
    secretary.shot("submitted")

    # The town's reviewer approves from the to-do.
    reviewer = browsing.tab(**PHONE)
    reviewer.log_in_as(world.reviewer_a)
    page = reviewer.goto("/")
    page.locator(f"a[href='{plan_path}#review-section']").first.click()
    fits(page)
    reviewer.shot("review")
    page.get_by_role("button", name=zh("Approve the plan")).click()
    expect(page.locator("[data-state=approved]").first).to_be_visible()

    # The secretary reports progress with a photo, then reports the measure done.
    photo = tmp_path / "培训签到.png"
    photo.write_bytes(png_bytes())
    page = secretary.goto(plan_path)
    measure = Measure.objects.filter(plan__organization=world.branch_a1, problem__deduction=world.deduction).get()
    card = page.locator(f"#measure-{measure.pk}")
    card.locator("summary", has_text=zh("Report progress")).click()
    card.locator("[name=text]").fill("参加县委组织部培训1次")
    card.locator("[name=files]").set_input_files(str(photo))
    card.locator("form.progress button").click()
    card = page.locator(f"#measure-{measure.pk}")
    expect(card.locator("a", has_text="培训签到.png")).to_be_visible()
    card.get_by_role("button", name=zh("Report it done")).click()
    expect(page.locator(f"#measure-{measure.pk} [data-state=done]")).to_be_visible()
    fits(page)
    secretary.shot("progress")

    # The reviewer: the mid-year check of the whole town on one page, then 销号.
    page = reviewer.goto(f"/rectification/cycles/{world.cycle.pk}/levels/{world.town_a.pk}/midyear/")
    page.locator(f"select[name=rating-{world.branch_a1.pk}]").select_option("praise")
    page.locator(f"select[name=rating-{world.branch_a2.pk}]").select_option("criticize")
    page.get_by_role("button", name=zh("Save the ratings")).click()
    expect(page.locator(".errorlist")).to_be_visible()  # a criticism needs its reason and a new deadline
    fits(page)
    reviewer.shot("midyear-refused")
    page.locator(f"input[name=reason-{world.branch_a2.pk}]").fill("尚未制定升级办法")
    page.locator(f"input[name=deadline-{world.branch_a2.pk}]").fill(end)
    page.get_by_role("button", name=zh("Save the ratings")).click()
    expect(page.locator("table.rows")).to_contain_text(zh("Praised"))
    fits(page)
    reviewer.shot("level")
    page = reviewer.goto("/")
    page.locator(f"a[href='{plan_path}#measure-{measure.pk}']").first.click()
    page.locator(f"#measure-{measure.pk}").get_by_role("button", name=zh("Verify and strike off (销号)")).click()
    expect(page.locator(f"#measure-{measure.pk} [data-state=verified]")).to_be_visible()
    reviewer.shot("verified")

    plan = Plan.objects.get(organization=world.branch_a1)
    assert plan.state == "approved" and plan.problems.count() == 2 and plan.evidence.count() == 1
    assert MidyearCheck.objects.get(organization=world.branch_a2).rating == "criticize"
