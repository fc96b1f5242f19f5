"""The secretary's ballot pages and the voter's, on a 390-pixel phone: each session says where it stands, a joint
meeting's ballot names the grade voted on, closing asks first, and a session closed with no ballot is void."""


import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ballots import services
from ballots.tests.factories import issue_and_open, make_session
from core.browser_testing import fits, zh
from cycles import services as cycle_services
from cycles.models import Grading
from orgs.testing import build_world
from standards.tests.factories import make_standard

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def world(transactional_db):
    world = build_world()
    standard = make_standard(world.county_admin, world.county)
    cycle = cycle_services.cycle_open(actor=world.county_admin, owner=world.county, year=2026, name="2026年分类定级",
                                      standards={"village": standard}, steps=["self_assessment", "meeting_review",
                                                                              "superior_decision"])
    world.grading = Grading.objects.get(cycle=cycle, organization=world.branch_a1)
    cycle_services.step_record(actor=world.secretary_a1, grading=world.grading, step="self_assessment",
                               held_on=timezone.localdate(), grade="average")
    world.meeting = make_session(world.secretary_a1, world.branch_a1, purpose="meeting_review", grading=world.grading)
    world.later = make_session(world.secretary_a1, world.branch_a1, opens_in=24 * 60)
    return world


def test_the_secretarys_ballot_pages_on_a_phone(browsing, world):
    tab = browsing.tab(**PHONE)
    tab.log_in_as(world.secretary_a1)
    page = tab.goto(f"/ballots/orgs/{world.branch_a1.pk}/")
    rows = page.locator("table.ballots tbody tr")
    expect(rows.filter(has_text=zh("Not yet open"))).to_have_count(2)
    expect(rows.filter(has_text="一般")).to_have_count(1)  # the meeting's ballot, on the declared grade
    fits(page)
    tab.shot("list")

    page.get_by_role("link", name=world.meeting.title).click()
    expect(page.locator("dd.state .badge")).to_have_text(zh("Not yet open"))
    expect(page.locator("dd.grade-voted-on")).to_contain_text("申报等次“一般”")
    expect(page.locator("dd.voters")).to_have_text("100")
    page.locator("input[name=count]").fill("2")
    page.get_by_role("button", name=zh("Issue codes")).click()
    expect(page.locator(".slip")).to_have_count(2)
    codes = [code.replace("-", "") for code in page.locator(".slip .code").all_inner_texts()]
    page = tab.goto(f"/ballots/{world.meeting.pk}/")
    expect(page.locator("p.open-second")).to_be_visible()  # its scheduler does not open it
    expect(page.locator("p.close-second")).to_be_visible()
    fits(page)
    tab.shot("meeting")

    # The town, its superior, sees the ballot under it and opens it, on a phone too.
    superior = browsing.tab(**PHONE)
    superior.log_in_as(world.reviewer_a)
    below = superior.goto(f"/ballots/orgs/{world.town_a.pk}/below/")
    row = below.locator(f"tr[data-session='{world.meeting.pk}']")
    expect(row.locator("td.voters")).to_contain_text("100")
    expect(row.locator("td.issued")).to_contain_text("2")
    expect(row.locator("td.cast")).to_contain_text("0")
    fits(below)
    superior.shot("below")
    opened = superior.goto(f"/ballots/{world.meeting.pk}/")
    fits(opened)
    superior.shot("to-open")
    opened.get_by_role("button", name=zh("Open for voting")).click()
    expect(opened.locator("dd.state .badge")).to_have_text(zh("Open"))
    fits(opened)
    superior.shot("opened")

    voter = browsing.tab(**PHONE)
    phone = voter.goto(f"/v/{world.meeting.public_key}/#{codes[0]}")
    expect(phone.locator("legend")).to_have_text(zh("Do you agree with the declared grade %(grade)s?", grade="一般"))
    fits(phone)
    voter.shot("vote")
    phone.locator("label.answer input[value=agree]").tap()
    phone.locator("button[type=submit]").tap()
    expect(phone.locator("#receipt")).to_be_visible()
    below = superior.goto(f"/ballots/orgs/{world.town_a.pk}/below/")
    expect(below.locator(f"tr[data-session='{world.meeting.pk}'] td.cast")).to_contain_text("1")

    page = superior.goto(f"/ballots/{world.meeting.pk}/")
    page.get_by_role("link", name=zh("Close and count…")).click()
    expect(page.locator(".confirm")).to_contain_text(zh("This cannot be undone."))
    fits(page)
    superior.shot("close-asks")
    page.get_by_role("link", name=zh("No, go back")).click()
    expect(page.locator("dd.state .badge")).to_have_text(zh("Open"))  # going back changed nothing
    page.get_by_role("link", name=zh("Close and count…")).click()
    page.get_by_role("button", name=zh("Yes, close and count")).click()
    expect(page.locator("dd.state .badge")).to_have_text(zh("Closed and counted"))
    expect(page.locator("td.count").first).to_have_text("1")
    fits(page)
    superior.shot("counted")


def test_a_ballot_closed_with_no_ballot_is_void_on_a_phone(browsing, world):
    session = make_session(world.secretary_a1, world.branch_a1, opens_in=-120, minutes=60)
    tab = browsing.tab(**PHONE)
    tab.log_in_as(world.reviewer_a)
    page = tab.goto(f"/ballots/{session.pk}/")
    expect(page.locator("dd.state .badge")).to_have_text(zh("Ended, not yet counted"))
    page.get_by_role("link", name=zh("Close and count…")).click()
    page.get_by_role("button", name=zh("Yes, close and count")).click()
    expect(page.locator(".messages li.warning")).to_have_text(
        zh("The ballot is closed with no ballot cast: it is void and passes nothing on."))
    expect(page.locator("dd.state .badge")).to_have_text(zh("Void: closed with no ballot"))
    fits(page)
    tab.shot("void")
    page = tab.goto(f"/ballots/orgs/{world.branch_a1.pk}/")
    expect(page.locator("table.ballots .badge.state-void")).to_have_count(1)
    fits(page)


def test_the_audit_reads_in_words_on_a_phone(browsing, world):
    world.reviewer_a.first_name = "廖仁旺"
    world.reviewer_a.save()
    (code,) = issue_and_open(actor=world.secretary_a1, session=world.meeting, count=1)
    services.ballot_cast(session_id=world.meeting.pk, code=code, answer="agree")
    services.session_close(actor=world.reviewer_a, session=world.meeting)
    tab = browsing.tab(**PHONE)
    tab.log_in_as(world.secretary_a1)
    page = tab.goto(f"/orgs/{world.branch_a1.pk}/audit/")
    closed = page.locator("table.audit tbody tr", has_text=zh("Ballot closed and counted"))
    expect(closed).to_contain_text("廖仁旺")
    expect(closed).to_contain_text(zh("Agree") + " 1")
    expect(closed).not_to_contain_text("reviewer_a")
    fits(page)
    tab.shot("audit")
