"""The accounts page of an organization department: a locked login unlocked, an account deactivated (its
sessions end, it cannot log in) and reactivated, each audited; only for the accounts it administers."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import AuditEvent
from core.testing import Endpoint, access_tests
from orgs import accounts, services
from orgs.choices import Role
from orgs.demo import demo_load
from orgs.testing import make_user, system_user

pytestmark = pytest.mark.django_db
PASSWORD = "pass-word-123"


def change_url(organization: str, person: str, change: str):
    return lambda world: reverse("orgs:account_change",
                                 args=[getattr(world, organization).pk, getattr(world, person).pk, change])


ENDPOINTS = [
    Endpoint("orgs:accounts", lambda world: reverse("orgs:accounts", args=[world.town_a.pk]),
             outside_url=lambda world: reverse("orgs:accounts", args=[world.town_b.pk]), without_role="observer_a"),
    Endpoint("orgs:account_change[unlock]", change_url("town_a", "secretary_a1", "unlock"), method="post",
             outside_url=change_url("town_b", "admin_b", "unlock"), ok=(302,), without_role="observer_a"),
    Endpoint("orgs:account_change[deactivate]", change_url("town_a", "secretary_a1", "deactivate"), method="post",
             outside_url=change_url("town_b", "admin_b", "deactivate"), ok=(302,), without_role="observer_a"),
]
test_anonymous, test_no_role, test_inside, test_outside, test_inside_without_the_role = access_tests(ENDPOINTS)


def log_in(client, username: str, password: str = PASSWORD, address: str = "10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def lock(client, username: str):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, username, "wrong-password")


def test_the_department_unlocks_a_locked_login(client, world):
    lock(client, "secretary_a1")
    assert log_in(client, "secretary_a1").status_code == 429
    client.force_login(world.admin_a)
    page = client.get(reverse("orgs:accounts", args=[world.town_a.pk]))
    row = page.content.decode().split('data-user="secretary_a1"')[1].split("</tr>")[0]
    assert "锁定至" in row and "解锁" in row
    response = client.post(reverse("orgs:account_change", args=[world.town_a.pk, world.secretary_a1.pk, "unlock"]))
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="secretary_a1").exists()
    event = AuditEvent.objects.get(action="user.unlock")
    assert event.actor == world.admin_a and event.organization == world.town_a
    client.logout()
    assert log_in(client, "secretary_a1").status_code == 302


def test_a_deactivated_account_cannot_log_in_and_its_session_ends(client, world):
    assert log_in(client, "secretary_a1").status_code == 302
    assert client.get(reverse("home")).status_code == 200
    accounts.user_deactivate(actor=world.admin_a, organization=world.town_a, user=world.secretary_a1, reason="调离")
    home = client.get(reverse("home"))
    assert home.status_code == 302 and "/login/" in home["Location"]
    assert log_in(client, "secretary_a1").status_code == 200  # the login form again, no session
    assert client.get(reverse("home")).status_code == 302
    event = AuditEvent.objects.get(action="user.deactivate")
    assert (event.before, event.after, event.reason) == ({"is_active": True}, {"is_active": False}, "调离")
    accounts.user_reactivate(actor=world.admin_a, organization=world.town_a, user=world.secretary_a1)
    assert log_in(client, "secretary_a1").status_code == 302
    assert AuditEvent.objects.filter(action="user.reactivate").count() == 1


def test_an_account_with_a_role_elsewhere_is_refused_with_its_reason(client, world):
    both = make_user("both_towns", roles=[(world.branch_a1, Role.SECRETARY), (world.branch_b1, Role.MEMBER)])
    client.force_login(world.admin_a)
    response = client.post(reverse("orgs:account_change", args=[world.town_a.pk, both.pk, "deactivate"]))
    assert response.status_code == 403
    assert get_user_model().objects.get(pk=both.pk).is_active
    assert not AuditEvent.objects.filter(action="user.deactivate").exists()


def test_an_administrator_cannot_deactivate_themselves(client, world):
    client.force_login(world.admin_a)
    response = client.post(reverse("orgs:account_change", args=[world.town_a.pk, world.admin_a.pk, "deactivate"]),
                           follow=True)
    assert "不能停用您自己的账号" in response.content.decode()
    assert get_user_model().objects.get(pk=world.admin_a.pk).is_active


def test_a_person_outside_the_subtree_is_not_found(client, world):
    client.force_login(world.admin_a)
    response = client.post(reverse("orgs:account_change", args=[world.town_a.pk, world.admin_b.pk, "deactivate"]))
    assert response.status_code == 404
    assert get_user_model().objects.get(pk=world.admin_b.pk).is_active


@pytest.mark.parametrize("password, refusal", [
    ("short-pw1", "密码太短"),
    ("password123", "这个密码太常见了"),
    ("wangping_secretary1", "太相似"),
    ("1234567890123", "密码只包含数字"),
])
def test_a_new_account_needs_a_good_password(password, refusal):
    with pytest.raises(ValidationError) as raised:
        services.user_create(actor=system_user(), username="wangping_secretary", password=password)
    assert any(refusal in message for message in raised.value.message_dict["password"]), raised.value.message_dict
    assert not get_user_model().objects.filter(username="wangping_secretary").exists()


def test_the_demo_and_the_tests_log_in_with_their_passwords(client, world):
    """The demo's published passwords are set without the validators; the tests' pass them."""
    demo_load()
    assert log_in(client, "lanshan_admin", "lanshan-admin-2012").status_code == 302
    validate_password(PASSWORD, user=world.secretary_a1)
