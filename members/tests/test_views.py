"""Roster pages: access generated per page, and a member added and transferred through the forms."""

import pytest
from django.urls import reverse

from core.testing import Endpoint, access_tests
from members.models import Member
from members.tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world):
    world.member_a = make_member(world.secretary_a1, world.branch_a1)
    world.member_b = make_member(world.admin_b, world.branch_b1)
    return world


ENDPOINTS = [
    Endpoint("roster", lambda w: reverse("members:roster", args=[w.branch_a1.pk]),
             outside_url=lambda w: reverse("members:roster", args=[w.branch_b1.pk])),
    Endpoint("member", lambda w: reverse("members:detail", args=[w.member_a.pk]),
             outside_url=lambda w: reverse("members:detail", args=[w.member_b.pk])),
]
test_anonymous, test_no_role, test_inside, test_outside, test_inside_without_the_role = access_tests(ENDPOINTS)


def test_the_secretary_adds_a_member_and_sees_the_field_named_on_a_bad_date(client, world):
    client.force_login(world.secretary_a1)
    url = reverse("members:roster", args=[world.branch_a1.pk])
    data = {"name": "赵六", "gender": "female", "birth_date": "1990-01-01", "education": "bachelor",
            "joined_on": "1989-01-01", "status": "active"}
    response = client.post(url, data)
    assert response.status_code == 200 and "入党" in response.content.decode()
    assert not Member.objects.filter(name="赵六").exists()
    response = client.post(url, {**data, "joined_on": "2015-07-01"})
    assert response.status_code == 302
    assert "赵六" in client.get(url).content.decode()


def test_a_reviewer_reads_the_roster_without_the_form(client, world):
    client.force_login(world.reviewer_a)
    page = client.get(reverse("members:roster", args=[world.branch_a1.pk])).content.decode()
    assert world.member_a.name in page and "member-form" not in page
    assert client.post(reverse("members:roster", args=[world.branch_a1.pk]), {"name": "x"}).status_code == 403


def test_a_transfer_through_the_form(client, world):
    client.force_login(world.admin_a)
    response = client.post(reverse("members:detail", args=[world.member_a.pk]),
                           {"transfer": "1", "to_organization": world.branch_a2.pk})
    assert response.status_code == 302
    world.member_a.refresh_from_db()
    assert world.member_a.organization_id == world.branch_a2.pk
    response = client.post(reverse("members:detail", args=[world.member_a.pk]),
                           {"transfer": "1", "to_organization": world.branch_b1.pk})
    assert "未找到" in response.content.decode() or "not found" in response.content.decode()
