"""Access to the staff pages and endpoints: 404 outside the subtree, 403 inside it for those who may
not run the ballot; the voters' pages need no login."""

import pytest
from django.urls import reverse

from ballots import services
from ballots.tests.factories import make_session
from core.testing import Endpoint, access_tests
from orgs.choices import Role
from orgs.testing import make_user

pytestmark = pytest.mark.django_db


# Access: 404 outside the subtree, 403 inside it for those who may not run the ballot --------------


@pytest.fixture
def world(world):
    world.session_a = make_session(world.secretary_a1, world.branch_a1)
    world.session_b = make_session(world.admin_b, world.branch_b1)
    world.tally_a = services.paper_tally_enter(actor=world.secretary_a1, session=world.session_a, counts={"satisfied": 1})
    world.tally_b = services.paper_tally_enter(actor=world.admin_b, session=world.session_b, counts={"satisfied": 1})
    return world


def url(name: str, attribute: str):
    return lambda world: reverse(name, args=[getattr(world, attribute).pk])


POSTED = (200, 302, 400)

ENDPOINTS = [
    Endpoint("ballots:list", url("ballots:list", "branch_a1"), outside_url=url("ballots:list", "branch_b1")),
    Endpoint("ballots:list[secretary]", url("ballots:list", "branch_a1"), insider="secretary_a1",
             outside_url=url("ballots:list", "branch_b1")),
    Endpoint("ballots:detail", url("ballots:detail", "session_a"), outside_url=url("ballots:detail", "session_b")),
    Endpoint("ballots:codes", url("ballots:codes", "session_a"), method="post", data={"count": "2"},
             outside_url=url("ballots:codes", "session_b"), ok=POSTED),
    Endpoint("ballots:open", url("ballots:open", "session_a"), method="post",
             outside_url=url("ballots:open", "session_b"), ok=POSTED),
    Endpoint("ballots:below", url("ballots:below", "town_a"), outside_url=url("ballots:below", "town_b")),
    Endpoint("ballots:close[confirm]", url("ballots:close", "session_a"), outside_url=url("ballots:close", "session_b")),
    Endpoint("ballots:close", url("ballots:close", "session_a"), method="post",
             outside_url=url("ballots:close", "session_b"), ok=POSTED),
    Endpoint("ballots:paper", url("ballots:paper", "session_a"), method="post", insider="reviewer_a",
             data={"satisfied": "1", "basically_satisfied": "0", "dissatisfied": "0"},
             outside_url=url("ballots:paper", "session_b"), ok=POSTED),
    Endpoint("ballots:paper_confirm", url("ballots:paper_confirm", "tally_a"), method="post",
             outside_url=url("ballots:paper_confirm", "tally_b"), ok=POSTED),
    Endpoint("ballots:paper_discard", url("ballots:paper_discard", "tally_a"), method="post",
             outside_url=url("ballots:paper_discard", "tally_b"), ok=POSTED),
]

test_anonymous, test_no_role, test_inside, test_outside = access_tests(ENDPOINTS)




def api(method: str, path: str, attribute: str, data=None, insider="admin_a", ok=(200, 201)):
    return Endpoint(f"{method.upper()} {path}", lambda world: path.format(getattr(world, f"{attribute}_a").pk),
                    outside_url=lambda world: path.format(getattr(world, f"{attribute}_b").pk), method=method,
                    data=data or {}, api=True, insider=insider, ok=ok)


API_ENDPOINTS = [
    Endpoint("GET /api/ballots/sessions", lambda world: f"/api/ballots/sessions?organization={world.branch_a1.pk}",
             outside_url=lambda world: f"/api/ballots/sessions?organization={world.branch_b1.pk}", api=True),
    api("get", "/api/ballots/sessions/{}", "session"),
    api("get", "/api/ballots/sessions/{}/results", "session", ok=(409,)),
    Endpoint("GET /api/ballots/below", lambda world: f"/api/ballots/below?organization={world.town_a.pk}",
             outside_url=lambda world: f"/api/ballots/below?organization={world.town_b.pk}", api=True),
    api("post", "/api/ballots/sessions/{}/open", "session"),
    api("post", "/api/ballots/sessions/{}/close", "session"),
    api("post", "/api/ballots/sessions/{}/codes", "session", data={"count": 2}),
    api("get", "/api/ballots/sessions/{}/tallies", "session"),
    api("post", "/api/ballots/sessions/{}/tallies", "session", data={"counts": {"satisfied": 2}}),
    api("post", "/api/ballots/tallies/{}/confirm", "tally"),
]

(test_api_anonymous, test_api_no_role, test_api_inside, test_api_outside) = access_tests(API_ENDPOINTS)


@pytest.mark.parametrize("name", ["ballots:codes", "ballots:open", "ballots:close", "ballots:paper"])
def test_seeing_without_running_is_403(client, world, name):
    """An observer of the town sees the branch's ballots but neither records its steps nor decides on it."""
    client.force_login(make_user("observer_a", roles=[(world.town_a, Role.OBSERVER)]))
    assert client.get(reverse("ballots:detail", args=[world.session_a.pk])).status_code == 200
    assert client.post(reverse(name, args=[world.session_a.pk]), {"count": "1"}).status_code == 403
    assert client.post(f"/api/ballots/sessions/{world.session_a.pk}/close", content_type="application/json").status_code == 403


def test_the_voters_pages_need_no_login(client, world):
    for name in ("ballots:vote", "ballots:receipts"):
        assert client.get(reverse(name, args=[world.session_a.public_key])).status_code == 200
    assert client.get(f"/api/ballots/sessions/{world.session_a.pk}/receipts").json() == {"published": False, "receipts": []}
