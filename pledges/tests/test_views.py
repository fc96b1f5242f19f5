"""Pledge pages: access generated per page; the public board without login, names and content only."""

import datetime

import pytest
from django.http import Http404
from django.urls import reverse

from core.keys import PUBLIC_KEY_PATTERN, public_key
from core.testing import Endpoint, access_tests
from core.versions import version_of
from members.tests.factories import make_member
from pledges import services
from pledges.choices import PledgeState
from pledges.models import Pledge, PublicBoard
from pledges.tests.factories import YEAR, make_pledge, open_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world):
    world.cycle = open_cycle(world)
    world.member = make_member(world.secretary_a1, world.branch_a1, name="毛小红", phone="13912345678")
    world.pledge_a = make_pledge(world.secretary_a1, world.cycle, world.branch_a1, world.member)
    world.pledge_b = make_pledge(world.admin_b, world.cycle, world.branch_b1)
    return world


ENDPOINTS = [
    Endpoint("organization", lambda w: reverse("pledges:organization", args=[w.cycle.pk, w.branch_a1.pk]),
             outside_url=lambda w: reverse("pledges:organization", args=[w.cycle.pk, w.branch_b1.pk])),
    Endpoint("pledge", lambda w: reverse("pledges:detail", args=[w.pledge_a.pk]),
             outside_url=lambda w: reverse("pledges:detail", args=[w.pledge_b.pk])),
    Endpoint("poster", lambda w: reverse("pledges:poster", args=[w.cycle.pk, w.branch_a1.pk]),
             outside_url=lambda w: reverse("pledges:poster", args=[w.cycle.pk, w.branch_b1.pk])),
]
test_anonymous, test_no_role, test_inside, test_outside, test_inside_without_the_role = access_tests(ENDPOINTS)


def _make_public(world):
    services.pledge_submit(actor=world.secretary_a1, pledge=world.pledge_a)
    services.pledge_approve(actor=world.secretary_a1, pledge=world.pledge_a)


def test_the_board_shows_public_pledges_to_anyone_by_name_and_content_only(client, world):
    url = board_url(world)
    assert "毛小红" not in client.get(url).content.decode()  # drafted: not public yet
    _make_public(world)
    services.progress_add(actor=world.secretary_a1, item=world.pledge_a.items.get(), happened_on=datetime.date.today(),
                          text="走访困难户三户")
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "毛小红" in page and "为群众办实事1件" in page and "走访困难户三户" in page
    assert "13912345678" not in page and "1970" not in page  # no phone, no birth date
    assert "<script" not in page and "<img" not in page and len(response.content) < 8000


def test_a_withdrawn_board_answers_404_until_restored(client, world):
    _make_public(world)
    url = board_url(world)
    client.force_login(world.secretary_a1)
    client.post(reverse("pledges:board_toggle", args=[world.cycle.pk, world.branch_a1.pk]), {"withdraw": "1"})
    client.logout()
    assert client.get(url).status_code == 404
    client.force_login(world.secretary_a1)
    client.post(reverse("pledges:board_toggle", args=[world.cycle.pk, world.branch_a1.pk]))
    client.logout()
    assert client.get(url).status_code == 200


def board_url(world) -> str:
    """The board's address as its organization's people get it (the page and the poster draw it)."""
    public = services.board_address(actor=world.secretary_a1, cycle=world.cycle, organization=world.branch_a1)
    return reverse("pledges:board", args=[public.public_key])


def test_the_board_is_reached_by_its_random_key_and_never_by_ids(client, world):
    _make_public(world)
    assert client.get(f"/pledges/board/{world.cycle.pk}/{world.branch_a1.pk}/").status_code == 404  # the old address
    for number in range(1, 30):  # counting finds no board
        assert client.get(f"/pledges/board/{number}/").status_code == 404
    url = board_url(world)
    assert url == board_url(world)  # drawn once, then kept: printed posters stay right
    key = url.rstrip("/").rsplit("/", 1)[1]
    assert PUBLIC_KEY_PATTERN.fullmatch(key)
    assert client.get(url).status_code == 200 and client.get(url.upper().replace("/PLEDGES/BOARD/", "/pledges/board/")).status_code == 200
    other = services.board_address(actor=world.admin_b, cycle=world.cycle, organization=world.branch_b1)
    assert other.public_key != key
    for near in (key[:-1], key + "a", public_key()):
        assert client.get(reverse("pledges:board", args=[near])).status_code == 404
    client.force_login(world.secretary_a1)
    assert url in client.get(reverse("pledges:organization", args=[world.cycle.pk, world.branch_a1.pk])).content.decode()


def test_only_who_sees_the_organization_draws_its_boards_key(world):
    with pytest.raises(Http404):
        services.board_address(actor=world.admin_b, cycle=world.cycle, organization=world.branch_a1)
    assert not PublicBoard.objects.exists()


def test_the_poster_carries_the_boards_address_as_a_qr_code(client, world):
    client.force_login(world.secretary_a1)
    page = client.get(reverse("pledges:poster", args=[world.cycle.pk, world.branch_a1.pk])).content.decode()
    assert "<svg" in page and board_url(world) in page


def test_the_secretary_walks_a_pledge_through_the_forms(client, world):
    client.force_login(world.secretary_a1)
    url = reverse("pledges:detail", args=[world.pledge_a.pk])
    response = client.post(url, {"action": "item", "category": "study", "content": "招待费比去年降低", "measurable": "on",
                                 "target": "降低20%", "deadline": f"{YEAR}-12-31"})
    assert response.status_code == 200 and "基数" in response.content.decode()
    assert world.pledge_a.items.count() == 1
    client.post(url, {"action": "submit"})
    client.post(url, {"action": "return", "reason": "量力而行"})
    assert Pledge.objects.get(pk=world.pledge_a.pk).state == PledgeState.DRAFT
    client.post(url, {"action": "submit"})
    client.post(url, {"action": "approve"})
    item = world.pledge_a.items.get()
    client.post(url, {"action": "progress", "item": item.pk, "happened_on": datetime.date.today().isoformat(),
                      "text": "完成第一件"})
    response = client.post(url, {"action": "evaluate", "result": "poor"})
    assert "公开说明" in response.content.decode()
    client.post(url, {"action": "evaluate", "result": "fairly_good", "self_evaluation": "基本完成",
                      "version": version_of(Pledge.objects.get(pk=world.pledge_a.pk))})
    pledge = Pledge.objects.get(pk=world.pledge_a.pk)
    assert (pledge.state, pledge.result) == (PledgeState.EVALUATED, "fairly_good")


def test_a_reviewer_cannot_draft_and_the_other_town_cannot_see(client, world):
    client.force_login(world.reviewer_a)
    url = reverse("pledges:detail", args=[world.pledge_a.pk])
    assert client.post(url, {"action": "submit"}).status_code == 403
    assert Pledge.objects.get(pk=world.pledge_a.pk).state == PledgeState.DRAFT
    client.force_login(world.admin_b)
    assert client.post(url, {"action": "submit"}).status_code == 404


def test_the_home_page_lists_pledges_to_review_and_to_redraft(client, world):
    services.pledge_submit(actor=world.secretary_a1, pledge=world.pledge_a)
    own = make_pledge(world.secretary_a1, world.cycle, world.branch_a1)
    services.pledge_submit(actor=world.secretary_a1, pledge=own)
    client.force_login(world.reviewer_a)  # vets the branch's own pledge, not its members'
    page = client.get("/").content.decode()
    assert "审核甲一村党支部的承诺" in page and "毛小红" not in page
    client.force_login(world.secretary_a1)
    assert "审核毛小红的承诺" in client.get("/").content.decode()
    services.pledge_return(actor=world.reviewer_a, pledge=own, reason="量力而行")
    assert "重新提出" in client.get("/").content.decode()
    client.force_login(world.county_admin)  # may vet anything below, yet the branches' work is not its to-do
    page = client.get("/").content.decode()
    assert "毛小红" not in page and "重新提出" not in page and "甲一村党支部的承诺" not in page
