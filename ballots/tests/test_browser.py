"""A ballot in real Chromium: the secretary issues codes and prints slips, a voter on a phone opens
the QR code's address (the code in its fragment), chooses, and gets a receipt; the secretary closes
the ballot, and the voter finds the receipt in the published list."""

import re

import pytest
from playwright.sync_api import expect

from ballots import services
from ballots.tests.factories import make_session
from core.browser_testing import zh
from orgs.testing import build_world

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def world(transactional_db):
    world = build_world()
    world.session = make_session(world.secretary_a1, world.branch_a1)
    return world


def test_a_phone_votes_from_the_qr_address_and_finds_its_receipt(browsing, world):
    session = world.session
    secretary = browsing.tab()
    secretary.log_in_as(world.secretary_a1)
    page = secretary.goto(f"/ballots/{session.pk}/")
    expect(page.locator(".sealed")).to_be_visible()
    page.locator("input[name=count]").fill("3")
    page.locator(f"form[action='/ballots/{session.pk}/codes/'] button").click()
    expect(page.locator(".slip")).to_have_count(3)
    secretary.shot("slips")
    code = page.locator(".slip .code").first.inner_text()
    assert re.fullmatch(r"[A-Z0-9]{5}-[A-Z0-9]{5}", code)
    assert page.locator(".slip svg").count() == 3
    services.session_open(actor=world.reviewer_a, session=session)  # the superior opens it

    voter = browsing.tab(**PHONE)
    phone = voter.goto(f"/v/{session.public_key}/#{code}")  # what the QR code holds
    expect(phone.locator("#code")).to_have_value(code)
    assert "#" not in phone.url  # the fragment is wiped from the address bar once read
    box = phone.locator("label.answer").first.bounding_box()
    assert box["height"] >= 48 and box["width"] >= 300  # a target for a thumb
    voter.shot("vote")
    phone.locator("label.answer").nth(1).tap()
    phone.locator("button[type=submit]").tap()
    receipt = phone.locator("#receipt")
    expect(receipt).to_be_visible()
    shown = receipt.inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", shown)
    voter.shot("receipt")

    secretary.log_in_as(world.reviewer_a)  # and closes it
    page = secretary.goto(f"/ballots/{session.pk}/")
    page.get_by_role("link", name=zh("Close and count…")).click()
    page.get_by_role("button", name=zh("Yes, close and count")).click()
    expect(page.locator("td.count").nth(1)).to_have_text("1")
    secretary.shot("results")

    phone = voter.goto(f"/v/{session.public_key}/receipts/")
    expect(phone.locator(f"li[data-receipt='{shown}']")).to_be_visible()
    phone.locator("#find").fill(shown.lower().replace("-", ""))
    expect(phone.locator("li.found")).to_have_text(shown)
    voter.shot("receipts")
