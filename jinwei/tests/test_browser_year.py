"""The grading year as its people live it, in real Chromium on the Chenghua-shaped demo (issue 15, item 12).

The district department (chenghua_admin) opens the cycle with its deadlines; two branches of 猛追湾
street record their steps — 望平's secretary on a 390-pixel phone, 红星 late for the public rating;
the street's reviewer decides, returns one with a reason and submits its list with a quota
exception; the district approves. At each turn the test asserts what that person sees, and keeps a
screenshot of every page under artifacts/screenshots/.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from ballots import services as ballot_services
from ballots.models import BallotSession
from core.browser_testing import fits, zh
from cycles import services as cycle_services
from cycles.choices import Step
from cycles.models import Cycle, Grading, StepRecord
from orgs.demo import CHENGHUA_DISTRICT, DEMO_USERS, HONGXING, MENGZHUIWAN, WANGPING, demo_load
from orgs.models import Organization

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
TODAY = datetime.date.today()
PASSWORDS = {user.username: user.password for user in DEMO_USERS}
STEPS = ["public_rating", "member_review", "self_assessment", "meeting_review", "superior_decision", "approval"]


def day(n: int) -> str:
    return (TODAY + datetime.timedelta(days=n)).isoformat()


@pytest.fixture
def demo(transactional_db):
    demo_load(year=TODAY.year)
    return {code: Organization.objects.get(code=code) for code in (CHENGHUA_DISTRICT, MENGZHUIWAN, WANGPING, HONGXING)}


def record(tab, grading, step: str, **values) -> None:
    """The branch records ``step`` on its grading page, with today as the day it was held."""
    page = tab.goto(f"/cycles/gradings/{grading.pk}/")
    page.locator("input[name=held_on]").fill(TODAY.isoformat())
    for name, value in values.items():
        field = page.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    page.get_by_role("button", name=zh("Record this step")).click()
    expect(page.locator(".messages")).to_contain_text(zh(Step(step).label))
    tab.shot(f"{grading.organization.code}-{step}")


def the_rest_of_the_street_submits(cycle, street, *, exclude) -> list:
    """猛追湾's other subordinates record their own steps and submit, all as 先进 (through the services:
    the walk follows two branches; the street's list needs every subordinate)."""
    actor = get_user_model().objects.get(username="chenghua_admin")
    others = list(Grading.objects.filter(cycle=cycle, organization__parent=street).exclude(
        pk__in=[g.pk for g in exclude]).select_related("organization"))
    for grading in others:
        for step, values in (("public_rating", {"participants": 30, "votes": {"advanced": 20, "average": 10}}),
                             ("member_review", {"participants": 20, "grade": "advanced"}),
                             ("self_assessment", {"grade": "advanced"}),
                             ("meeting_review", {"participants": 40, "votes": {"agree": 38, "disagree": 1,
                                                                                "abstain": 1}})):
            if step in cycle.steps:
                cycle_services.step_record(actor=actor, grading=grading, step=step, held_on=TODAY, **values)
        cycle_services.grading_submit(actor=actor, grading=grading)
    return others


def log_in(browsing, username: str, **options):
    tab = browsing.tab(**options)
    tab.log_in(username, PASSWORDS[username])  # the demo's published password, as README's table gives it
    return tab


def test_the_year_on_the_chenghua_demo(browsing, demo):
    district, street, wangping, hongxing = (demo[c] for c in (CHENGHUA_DISTRICT, MENGZHUIWAN, WANGPING, HONGXING))

    # 1. The district department opens the cycle, a deadline for every step.
    department = log_in(browsing, "chenghua_admin")
    page = department.goto("/")
    department.shot("department-home-before")
    expect(page.locator("header nav")).not_to_contain_text(zh("API"))  # for system administrators only
    page = department.goto("/cycles/open/")
    page.locator("#id_owner").fill(CHENGHUA_DISTRICT)
    page.locator("#id_year").fill(str(TODAY.year))
    page.locator("#id_year").dispatch_event("change")
    page.wait_for_load_state("networkidle")  # the owner's standards and the year's deadlines are swapped in
    expect(page.locator("#id_deadline_public_rating")).to_have_value(f"{TODAY.year}-04-12")  # the seeds' calendar
    page.locator("#id_name").fill(f"成华区{TODAY.year}年“三分类三升级”活动")
    for number, step in enumerate(STEPS):
        page.locator(f"#id_deadline_{step}").fill(day(10 + 7 * number))
    department.shot("department-open-form")
    page.get_by_role("button", name=zh("Open the cycle")).click()
    expect(page.locator(".messages")).to_contain_text(f"成华区{TODAY.year}年")
    department.shot("department-cycle-opened")
    cycle = Cycle.objects.get(owner=district, year=TODAY.year)
    assert cycle.deadlines == {step: day(10 + 7 * number) for number, step in enumerate(STEPS)}
    a = Grading.objects.get(cycle=cycle, organization=wangping)
    b = Grading.objects.get(cycle=cycle, organization=hongxing)
    assert b.state == "preparing"
    others = the_rest_of_the_street_submits(cycle, street, exclude=[a, b])

    # 2. 望平's secretary, on a phone: the home page says what is next; the public rating is recorded.
    secretary = log_in(browsing, "wangping_secretary", **PHONE)
    page = secretary.goto("/")
    todo = page.locator("li.todo-record")
    expect(todo).to_contain_text(zh("Next: %(what)s", what=zh("Public preliminary rating")))
    expect(todo.locator(".badge.overdue")).to_have_count(0)
    expect(page.locator("header nav")).not_to_contain_text(zh("API"))
    expect(page.get_by_role("link", name=zh("New user"))).to_have_count(0)  # it would be refused: not offered
    fits(page)
    secretary.shot("secretary-home")
    todo.get_by_role("link").first.click()
    page.locator("input[name=held_on]").fill(TODAY.isoformat())
    page.locator("input[name=participants]").fill("36")
    page.locator("input[name=votes_advanced]").fill("28")
    page.locator("input[name=votes_average]").fill("8")
    page.get_by_role("button", name=zh("Record this step")).click()
    expect(page.locator(".messages")).to_contain_text(zh("Public preliminary rating"))
    fits(page)
    secretary.shot("secretary-public-rating")

    # 3. The public rating closes by the notice: 红星 has not recorded it and is overdue.
    page = department.goto(f"/cycles/{cycle.pk}/edit/")
    page.locator("#id_deadline_public_rating").fill(day(-1))
    page.locator("#id_reason").fill("群众初评按区委通知截止")
    page.get_by_role("button", name=zh("Save")).click()
    expect(page.locator(".messages")).to_be_visible()
    department.shot("department-deadline-moved")

    late = log_in(browsing, "hongxing_secretary", **PHONE)
    page = late.goto("/")
    todo = page.locator("li.todo-record")
    expect(todo.locator(".badge.overdue")).to_be_visible()
    expect(todo.locator(".closed-step")).to_contain_text(district.name)
    fits(page)
    late.shot("late-secretary-home")

    reviewer = log_in(browsing, "mzw_reviewer")
    page = reviewer.goto("/")
    expect(page.locator("li.todo-overdue")).to_contain_text(hongxing.name)
    expect(page.locator("li.todo-overdue")).not_to_contain_text(wangping.name)
    reviewer.shot("reviewer-home-overdue")

    page = department.goto("/")
    row = page.locator("section.overview table.progress tr[data-step=public_rating]")
    expect(row).to_have_class("overdue")
    expect(page.locator("section.overview ul.overdue-list")).to_contain_text(hongxing.name)
    department.shot("department-home-overdue")

    # 4. 望平 goes on, on the phone: member review, self-assessment, then the meeting's anonymous ballot.
    record(secretary, a, "member_review", participants="24", grade="advanced")
    record(secretary, a, "self_assessment", grade="advanced")
    page = secretary.goto(f"/cycles/gradings/{a.pk}/")
    page.get_by_role("link", name=zh("Anonymous ballots")).click()
    page.locator("select[name=purpose]").select_option("meeting_review")
    page.locator("select[name=grading]").select_option(str(a.pk))
    now = timezone.localtime()
    page.locator("input[name=opens_at]").fill((now - datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("input[name=closes_at]").fill((now + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("input[name=voters]").fill("3")
    page.get_by_role("button", name=zh("Schedule")).click()
    fits(page)
    secretary.shot("secretary-ballot-scheduled")
    session = BallotSession.objects.get(grading=a)
    codes = ballot_services.codes_generate(actor=session.created_by, session=session, count=3)
    # The branch does not open its own ballot box: the street, its superior, does.
    page = secretary.goto(f"/ballots/{session.pk}/")
    expect(page.locator("p.open-second")).to_be_visible()
    page = reviewer.goto(f"/ballots/{session.pk}/")
    page.get_by_role("button", name=zh("Open for voting")).click()
    expect(page.locator("dd.state .badge")).to_have_text(zh("Open"))
    reviewer.shot("reviewer-ballot-opened")
    for number, (code, answer) in enumerate(zip(codes, ["agree", "agree", "abstain"], strict=True)):
        voter = browsing.tab(**PHONE)
        phone = voter.goto(f"/v/{session.public_key}/#{code}")
        expect(phone.locator("legend")).to_contain_text(zh("Advanced"))  # the grade voted on is named
        phone.locator(f"label.answer input[value={answer}]").tap()
        phone.locator("button[type=submit]").tap()
        expect(phone.locator("#receipt")).to_be_visible()
        fits(phone)
        if number == 0:
            voter.shot("voter-phone")
    page = reviewer.goto(f"/ballots/{session.pk}/")
    page.get_by_role("link", name=zh("Close and count…")).click()
    expect(page.locator(".confirm")).to_contain_text(zh("This cannot be undone."))
    page.get_by_role("button", name=zh("Yes, close and count")).click()
    expect(page.locator("dd.state .badge")).to_have_text(zh("Closed and counted"))
    page = secretary.goto(f"/ballots/{session.pk}/")
    expect(page.locator("dd.state .badge")).to_have_text(zh("Closed and counted"))
    fits(page)
    secretary.shot("secretary-ballot-counted")
    page = secretary.goto(f"/cycles/gradings/{a.pk}/")
    page.get_by_role("button", name=zh("Submit to the superior")).click()
    expect(page.locator("main")).to_contain_text(zh("Submitted to the superior"))
    fits(page)
    secretary.shot("secretary-submitted")
    a.refresh_from_db()
    assert (a.state, a.declared_grade) == ("submitted", "advanced")
    assert StepRecord.objects.get(grading=a, step="meeting_review").votes == {"agree": 2, "disagree": 0, "abstain": 1}

    # 5. The district gives 红星 four more days, with a reason; 红星 records its steps and submits.
    page = department.goto("/")
    page.locator("section.overview ul.overdue-list").get_by_role("link", name=hongxing.name).click()
    form = page.locator("form.extend-form")
    expect(form.locator("select[name=step]")).to_have_value("public_rating")
    form.locator("input[name=until]").fill(day(4))
    form.locator("textarea[name=reason]").fill("支部书记住院，延期四天")
    form.get_by_role("button", name=zh("Extend the deadline")).click()
    expect(page.locator("table.extensions")).to_contain_text("支部书记住院，延期四天")
    department.shot("department-extended")
    late = log_in(browsing, "hongxing_secretary")
    page = late.goto("/")
    expect(page.locator("li.todo-record .badge.overdue")).to_have_count(0)  # open again until the new day
    late.shot("late-secretary-home-extended")
    record(late, b, "public_rating", participants="30", votes_advanced="12", votes_average="18")
    record(late, b, "member_review", participants="18", grade="average")
    record(late, b, "self_assessment", grade="average")
    record(late, b, "meeting_review", participants="25", votes_agree="20", votes_disagree="3", votes_abstain="2")
    page = late.goto(f"/cycles/gradings/{b.pk}/")
    page.get_by_role("button", name=zh("Submit to the superior")).click()
    expect(page.locator("main")).to_contain_text(zh("Submitted to the superior"))
    late.shot("late-submitted")

    # 6. The street: both submissions to decide; 红星 goes back with a reason, 望平 is determined.
    page = reviewer.goto("/")
    decide = page.locator("li.todo-decide")
    expect(decide).to_have_count(len(others) + 2)  # one to-do for each submission
    expect(decide.filter(has_text=wangping.name)).to_have_count(1)
    expect(decide.filter(has_text=hongxing.name)).to_have_count(1)
    reviewer.shot("reviewer-home-decide")
    page = reviewer.goto(f"/cycles/gradings/{b.pk}/")
    page.locator("textarea[name=reason_self_assessment]").fill("自评未附会议记录，请补充后重新提交")
    page.get_by_role("button", name=zh("Return"), exact=True).click()
    expect(page.locator(".messages")).to_be_visible()
    reviewer.shot("reviewer-returned")
    page = late.goto("/")
    expect(page.locator("li.todo-resubmit .return-reason")).to_contain_text("自评未附会议记录，请补充后重新提交")
    late.shot("late-secretary-home-returned")
    record(late, b, "self_assessment", grade="average", notes="已补充会议记录")
    page = late.goto(f"/cycles/gradings/{b.pk}/")
    page.get_by_role("button", name=zh("Submit to the superior")).click()
    expect(page.locator("main")).to_contain_text(zh("Submitted to the superior"))
    late.shot("late-resubmitted")

    for grading, grade in ((a, "advanced"), (b, "average")):
        page = reviewer.goto(f"/cycles/gradings/{grading.pk}/")
        page.locator("select[name=grade]").select_option(grade)
        page.get_by_role("button", name=zh("Determine"), exact=True).click()
        expect(page.locator("main")).to_contain_text(zh("Determined by the superior"))
        expect(page.locator("main dl")).to_contain_text("陈志强")
        reviewer.shot(f"reviewer-determined-{grading.organization.code}")
    reviewer_user = get_user_model().objects.get(username="mzw_reviewer")
    for grading in others:
        cycle_services.grading_decide(actor=reviewer_user, grading=grading, grade="advanced")

    # 7. The street's list: too many 先进 for the quota, so it goes up with a written exception.
    page = reviewer.goto(f"/cycles/{cycle.pk}/")
    page.get_by_role("button", name=zh("Submit our list upward")).click()
    expect(page.locator("textarea[name=exception]")).to_be_visible()
    reviewer.shot("reviewer-quota-breached")
    page.locator("textarea[name=exception]").fill("本街道社区党组织整体较强，先进比例超出部分经党工委会议研究")
    page.get_by_role("button", name=zh("Submit our list upward")).click()
    expect(page.locator("main")).to_contain_text(zh("submitted, awaiting approval"))
    reviewer.shot("reviewer-list-submitted")

    # 8. The district approves the street's list: every determination in it is final.
    page = department.goto("/")
    page.locator(f"a[href='/cycles/{cycle.pk}/lists/{street.pk}/']").first.click()
    expect(page.locator("main")).to_contain_text("先进比例超出部分")
    expect(page.locator("main dl")).to_contain_text("陈志强")  # who submitted it, by name, never the login
    expect(page.locator("main dl")).not_to_contain_text("mzw_reviewer")
    department.shot("department-list-to-approve")
    page.get_by_role("button", name=zh("Approve the list")).click()
    expect(page.locator("main")).to_contain_text(zh("Approved"))
    department.shot("department-approved")
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.state, a.final_grade, b.state, b.final_grade) == ("approved", "advanced", "approved", "average")
