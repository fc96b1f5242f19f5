"""In real Chromium, on a 390-pixel phone: the secretary drafts a member's pledge and its item, vets it, records
progress; the public board shows it without a login; the evaluation follows. The roster reads as cards."""

import datetime

import pytest
from playwright.sync_api import expect

from core.browser_testing import fits, zh
from members.tests.factories import make_member
from orgs.testing import build_world
from pledges.models import Pledge
from pledges.tests.factories import YEAR, open_cycle

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    world.cycle = open_cycle(world)
    world.member = make_member(world.secretary_a1, world.branch_a1, name="毛小红", phone="13912345678")
    return world


def test_a_pledge_from_its_draft_to_the_public_board_and_its_evaluation(browsing, world):
    tab = browsing.tab(**PHONE)
    tab.log_in_as(world.secretary_a1)
    page = tab.goto(f"/members/orgs/{world.branch_a1.pk}/")
    expect(page.locator("table.roster")).to_contain_text("毛小红")
    fits(page)
    tab.shot("roster")

    page = tab.goto(f"/pledges/{world.cycle.pk}/{world.branch_a1.pk}/")
    page.locator("select[name=member]").select_option(label="毛小红")
    page.get_by_role("button", name=zh("Draft")).click()
    expect(page.locator("h1")).to_contain_text("毛小红")
    fits(page)
    form = page.locator("form.item-form")
    form.locator("select[name=category]").select_option("serve")
    form.locator("textarea[name=content]").fill("每月走访困难群众")
    form.locator("input[name=measurable]").check()
    form.locator("input[name=target]").fill("全年走访36户次")
    form.locator("input[name=deadline]").fill(f"{YEAR}-12-31")
    form.get_by_role("button", name=zh("Add")).click()
    expect(page.locator("form.item-form .errorlist")).to_contain_text("基数")  # no baseline: refused, by field
    tab.shot("item-refused")
    page.locator("form.item-form input[name=baseline]").fill("去年走访24户次")
    page.locator("form.item-form").get_by_role("button", name=zh("Add")).click()
    expect(page.locator("section.pledge-item")).to_contain_text("每月走访困难群众")
    page.get_by_role("button", name=zh("Submit for review")).click()
    page.get_by_role("button", name=zh("Approve and make public")).click()
    expect(page.locator("p.state")).to_contain_text(zh("Made public"))
    progress = page.locator("form.progress-form")
    progress.locator("input[name=happened_on]").fill(datetime.date.today().isoformat())
    progress.locator("textarea[name=text]").fill("走访困难户三户")
    progress.get_by_role("button", name=zh("Record progress")).click()
    expect(page.locator("ul.progress-list")).to_contain_text("走访困难户三户")
    fits(page)
    tab.shot("pledge-fulfilling")

    # The board's address is its random key, as the organization's page (and the poster's QR code) gives it.
    listing = tab.goto(f"/pledges/{world.cycle.pk}/{world.branch_a1.pk}/")
    board_path = listing.get_by_role("link", name=zh("Public board"), exact=True).get_attribute("href")
    assert board_path.startswith("/pledges/board/") and f"/{world.branch_a1.pk}/" not in board_path
    public = browsing.tab(**PHONE)  # no login
    board = public.goto(board_path)
    expect(board.locator("section.board-pledge")).to_contain_text("毛小红")
    expect(board.locator("section.board-pledge")).to_contain_text("走访困难户三户")
    assert "13912345678" not in board.content()
    fits(board)
    public.shot("public-board")

    page = tab.goto(f"/pledges/{Pledge.objects.get().pk}/")
    evaluate = page.locator("form.evaluate-form")
    evaluate.locator("textarea[name=self_evaluation]").fill("按月走访，兑现承诺")
    evaluate.locator("select[name=result]").select_option("good")
    evaluate.get_by_role("button", name=zh("Save the evaluation")).click()
    expect(page.locator("dd.result")).to_contain_text(zh("Good"))
    fits(page)
    tab.shot("pledge-evaluated")
    board = public.goto(board_path)
    expect(board.locator("b.result")).to_contain_text(zh("Good"))
    public.shot("public-board-evaluated")
