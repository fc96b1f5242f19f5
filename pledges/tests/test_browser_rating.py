"""In real Chromium, on 390-pixel phones: the secretary schedules a pledge's public rating (评诺); a citizen goes from
the public board to the ballot with a one-time code and rates the pledge; once counted, the rating stands on the
pledge's page, where the evaluation starts from it, and on the board beside the result."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ballots import services as ballot_services
from ballots.models import BallotSession
from ballots.tests.factories import superior_of
from core.browser_testing import fits, zh
from members.tests.factories import make_member
from orgs.testing import build_world
from pledges import services
from pledges.tests.factories import make_pledge, open_cycle

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    world.cycle = open_cycle(world)
    member = make_member(world.secretary_a1, world.branch_a1, name="毛小红")
    world.pledge = make_pledge(world.secretary_a1, world.cycle, world.branch_a1, member)
    services.pledge_submit(actor=world.secretary_a1, pledge=world.pledge)
    services.pledge_approve(actor=world.secretary_a1, pledge=world.pledge)
    return world


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_citizen_rates_a_pledge_from_the_public_board_and_the_evaluation_follows(browsing, world):
    tab = browsing.tab(**PHONE)
    tab.log_in_as(world.secretary_a1)
    tab.page.goto(tab.url("/"), timeout=60_000)  # the server's first page imports every app's views: a slow start
    page = tab.goto(f"/pledges/{world.pledge.pk}/")
    form = page.locator("form.rating-form")
    now = timezone.now()
    form.locator("input[name=opens_at]").fill(_local(now - datetime.timedelta(minutes=5)))
    form.locator("input[name=closes_at]").fill(_local(now + datetime.timedelta(hours=2)))
    form.locator("input[name=voters]").fill("1")
    form.locator("input[name=quorum]").fill("2")
    form.get_by_role("button", name=zh("Schedule the public rating")).click()
    expect(page.locator("form.rating-form .errorlist")).to_contain_text("不得超过应参加人数1")  # quorum > voters
    tab.shot("rating-refused")
    page.locator("form.rating-form input[name=voters]").fill("30")
    page.locator("form.rating-form").get_by_role("button", name=zh("Schedule the public rating")).click()
    expect(page.locator("ul.ratings")).to_contain_text(zh("Not yet open"))
    fits(page)
    tab.shot("rating-scheduled")

    session = BallotSession.objects.get()
    page.locator("ul.ratings a").click()
    page.locator("input[name=count]").fill("3")
    page.get_by_role("button", name=zh("Issue codes")).click()
    codes = [code.replace("-", "") for code in page.locator(".slip .code").all_inner_texts()]
    assert len(codes) == 3
    ballot_services.session_open(actor=superior_of(world.branch_a1), session=session)  # the second person

    board_path = tab.goto(f"/pledges/{world.cycle.pk}/{world.branch_a1.pk}/").get_by_role(
        "link", name=zh("Public board"), exact=True).get_attribute("href")
    citizen = browsing.tab(**PHONE)  # no login
    board = citizen.goto(board_path)
    pledge_card = board.locator("section.board-pledge", has_text="毛小红")
    fits(board)
    citizen.shot("board-rating-open")
    pledge_card.get_by_role("link", name=zh("Rate this pledge with your voting code")).tap()
    vote = citizen.page
    expect(vote.locator("legend")).to_have_text(zh("How well has this pledge been kept?"))
    expect(vote.locator("label.answer")).to_have_text(["好", "较好", "一般", "差"])
    vote.locator("#code").fill(codes[0])
    vote.locator("label.answer input[value=good]").tap()
    fits(vote)
    citizen.shot("rating-vote")
    vote.get_by_role("button", name=zh("Cast my ballot")).tap()
    expect(vote.locator("#receipt")).to_be_visible()
    citizen.shot("rating-receipt")
    for code, answer in zip(codes[1:], ["good", "average"], strict=True):
        ballot_services.ballot_cast(public_key=session.public_key, code=code, answer=answer)
    ballot_services.session_close(actor=superior_of(world.branch_a1), session=session)

    page = tab.goto(f"/pledges/{world.pledge.pk}/")
    expect(page.locator("p.public-rating")).to_contain_text(f"{zh('Good')} 2")
    expect(page.locator("form.evaluate-form select[name=result]")).to_have_value("fairly_good")  # the mean rank
    page.locator("form.evaluate-form textarea[name=leader_comment]").fill("群众较为满意")
    page.locator("form.evaluate-form").get_by_role("button", name=zh("Save the evaluation")).click()
    expect(page.locator("dd.result")).to_have_text(zh("Fairly good"))
    fits(page)
    tab.shot("pledge-evaluated")
    board = citizen.goto(board_path)
    card = board.locator("section.board-pledge", has_text="毛小红")
    expect(card.locator("p.rating")).to_contain_text(f"{zh('Good')} 2")
    expect(card.locator("b.result")).to_have_text(zh("Fairly good"))
    expect(card.get_by_role("link", name=zh("Rate this pledge with your voting code"))).to_have_count(0)
    fits(board)
    citizen.shot("board-rated")
