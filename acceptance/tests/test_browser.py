"""A whole acceptance round in real Chromium: the county opens it and sets the plan's targets (desktop); the
branch secretary, on a 390-pixel phone led by the to-do, writes the self-check report, fills the score sheet,
schedules the satisfaction survey and submits; the town's reviewer, on a phone, determines it with the plan's
measures beside it and submits the town's results; the county reads the matrix and drills into a cell."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from acceptance.models import Acceptance, LevelAcceptance
from acceptance.tests.factories import graded_cycle
from ballots import services as ballot_services
from ballots.models import BallotSession
from core.browser_testing import fits, zh
from orgs.testing import build_world

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def world(transactional_db):
    world = build_world()
    world.cycle = graded_cycle(world)
    return world


def test_a_whole_acceptance_round(browsing, world):
    today = timezone.localdate()
    level_path = f"/acceptance/cycles/{world.cycle.pk}/levels/{world.county.pk}/"

    # The county opens the round and sets the implementation plan's targets.
    county = browsing.tab(**DESKTOP)
    county.log_in_as(world.county_admin)
    county.page.goto(county.url("/"), timeout=30_000)  # a cold server's first request loads every app's URLs
    page = county.goto(level_path)
    form = page.locator("form.round-form")
    form.locator("[name=self_check_due]").fill((today + datetime.timedelta(days=7)).isoformat())
    form.locator("[name=decision_due]").fill((today + datetime.timedelta(days=14)).isoformat())
    form.get_by_role("button").click()
    expect(page.locator("[data-round=open]")).to_be_visible()
    page.get_by_role("button", name=zh("Set the implementation plan's default targets")).click()
    # seeds/002's community targets, and the other sectors held at least at them
    expect(page.locator("tr[data-target='community|grade:average|title:district']")).to_contain_text("15%")
    expect(page.locator("tr[data-target='village|grade:average|title:district']")).to_contain_text("15%")
    county.shot("round")

    # The secretary, from the to-do: the report, the score sheet, the survey, the submission.
    secretary = browsing.tab(**PHONE)
    secretary.log_in_as(world.secretary_a1)
    page = secretary.goto("/")
    page.locator("[data-kind=acceptance-self_check] a").first.click()
    fits(page)
    secretary.shot("start")
    page.locator("form.report-form [name=report]").fill("对照升级办法逐项自查：组织生活按月开展，阵地已建成。")
    page.locator("form.report-form").get_by_role("button").click()
    expect(page.locator(".messages")).to_contain_text(zh("The self-check report is saved."))
    page.get_by_role("button", name=zh("Submit the self-check to the superior")).click()
    expect(page.locator(".messages")).to_contain_text(zh("Self-check score sheet: enter it on the cycle's standard before submitting."))
    fits(page)
    secretary.shot("refused")
    acceptance_url = page.url
    page.get_by_role("button", name=zh("Fill in the score sheet")).click()
    page.wait_for_url("**/standards/sheet/**")
    secretary.shot("sheet")
    page.goto(acceptance_url)
    page.locator("form.survey-form [name=voters]").fill("3")
    page.locator("form.survey-form").get_by_role("button").click()
    page.wait_for_url("**/ballots/**")
    secretary.shot("survey")

    # The ballot engine's own tests drive the voting; here its codes are issued, the superior opens it, three
    # members vote and it is counted.
    session = BallotSession.objects.get(organization=world.branch_a1, purpose="satisfaction")
    codes = ballot_services.codes_generate(actor=world.secretary_a1, session=session, count=3)
    ballot_services.session_open(actor=world.reviewer_a, session=session)
    for code, answer in zip(codes, ["satisfied", "satisfied", "dissatisfied"], strict=True):
        ballot_services.ballot_cast(session_id=session.pk, code=code, answer=answer)
    ballot_services.session_close(actor=world.reviewer_a, session=session)
    page.goto(acceptance_url)
    expect(page.locator("[data-survey=counted]")).to_be_visible()
    page.get_by_role("button", name=zh("Submit the self-check to the superior")).click()
    expect(page.locator("[data-state=submitted]")).to_be_visible()
    fits(page)
    secretary.shot("submitted")

    # The reviewer determines from the to-do, the plan's measures beside the form.
    reviewer = browsing.tab(**PHONE)
    reviewer.log_in_as(world.reviewer_a)
    page = reviewer.goto("/")
    page.locator("[data-kind=acceptance-decide] a").first.click()
    form = page.locator("form.decide-form")
    form.locator("[name=grade]").select_option("advanced")
    form.locator("[name=title]").select_option("district")
    fits(page)
    reviewer.shot("decide")
    form.get_by_role("button").click()
    expect(page.locator("[data-state=passed]")).to_be_visible()
    expect(page.locator("[data-accepted=advanced]")).to_be_visible()
    fits(page)
    reviewer.shot("passed")

    # The town submits its results only once every subordinate is re-graded: refused, with the one missing named.
    page = reviewer.goto(f"/acceptance/cycles/{world.cycle.pk}/levels/{world.town_a.pk}/")
    page.get_by_role("button", name=zh("Submit the acceptance results upward")).click()
    expect(page.locator(".messages")).to_contain_text(world.branch_a2.name)
    fits(page)
    reviewer.shot("level-refused")
    assert not LevelAcceptance.objects.filter(state="submitted").exists()

    # The county reads the matrix and drills into the cell 一般 → 先进.
    page = county.goto(level_path)
    page.locator("td[data-cell='average|advanced'] a").click()
    expect(page.locator("table.cell-list")).to_contain_text(world.branch_a1.name)
    county.shot("cell")
    page = county.goto(f"/acceptance/cycles/{world.cycle.pk}/levels/{world.county.pk}/?kind=title")
    expect(page.locator("td[data-cell='average|district']")).to_have_text("1")
    county.shot("titles")
    accepted = Acceptance.objects.get(organization=world.branch_a1)
    assert (accepted.state, accepted.accepted_grade, accepted.accepted_title) == ("passed", "advanced", "district")
