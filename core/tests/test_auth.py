"""Login, lock-out after repeated failures, session expiry."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def make_user(username: str, *, password: str):
    return get_user_model().objects.create_user(username=username, password=password)


def test_login_lands_on_home(client):
    make_user("zhang", password="right-pass-123")
    response = client.post(reverse("login"), {"username": "zhang", "password": "right-pass-123"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_says_so(client):
    make_user("zhang", password="right-pass-123")
    response = client.post(reverse("login"), {"username": "zhang", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_repeated_failures_lock_the_login(client):
    make_user("zhang", password="right-pass-123")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "zhang", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "zhang", "password": "right-pass-123"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    other = make_user("li", password="right-pass-123")
    assert client.post(reverse("login"), {"username": other.username, "password": "right-pass-123"}).status_code == 302


def test_expired_session_sends_back_to_login(client):
    user = make_user("zhang", password="right-pass-123")
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_session_expires_after_inactivity_setting(client):
    user = make_user("zhang", password="right-pass-123")
    client.force_login(user)
    client.get(reverse("home"))
    session = Session.objects.get()
    lifetime = session.expire_date - timezone.now()
    assert timedelta(seconds=settings.SESSION_COOKIE_AGE - 60) < lifetime <= timedelta(seconds=settings.SESSION_COOKIE_AGE)


# The lock-out: per account for slowing, per address for flooding (core.auth) --------------------


def log_in(client, username: str, password: str, address: str = "10.0.0.1", **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def test_guesses_spread_over_twenty_addresses_lock_the_account(client):
    make_user("zhang", password="right-pass-123")
    for guess in range(80):
        log_in(client, "zhang", f"guess-{guess}", address=f"10.1.0.{guess % 20 + 1}")
    locked = log_in(client, "zhang", "right-pass-123", address="10.9.9.9")
    assert locked.status_code == 429 and "_auth_user_id" not in client.session


def test_colleagues_behind_one_address_are_not_locked_out_by_one_another(client):
    for number in range(20):
        make_user(f"staff{number}", password="right-pass-123")
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            log_in(client, f"staff{number}", "mistyped")
    make_user("colleague", password="right-pass-123")
    assert log_in(client, "colleague", "right-pass-123").status_code == 302


def test_a_flood_from_one_address_locks_that_address(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 30
    make_user("colleague", password="right-pass-123")
    for number in range(30):
        log_in(client, f"nobody{number}", "guess")
    assert log_in(client, "colleague", "right-pass-123").status_code == 429
    assert log_in(client, "colleague", "right-pass-123", address="10.0.0.2").status_code == 302


def test_behind_a_proxy_the_client_address_header_decides(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT, settings.CLIENT_ADDRESS_HEADER = 30, "X-Real-IP"
    make_user("colleague", password="right-pass-123")
    for number in range(30):  # every request reaches Jinwei from the proxy, 10.0.0.1
        log_in(client, f"nobody{number}", "guess", HTTP_X_REAL_IP="192.168.7.7")
    assert log_in(client, "colleague", "right-pass-123", HTTP_X_REAL_IP="192.168.7.8").status_code == 302
    client.logout()
    assert log_in(client, "colleague", "right-pass-123", HTTP_X_REAL_IP="192.168.7.7").status_code == 429


def test_a_right_password_elsewhere_does_not_wash_away_the_guesses(client):
    make_user("zhang", password="right-pass-123")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "zhang", "guess", address="10.6.6.6")
    assert log_in(client, "zhang", "right-pass-123", address="10.0.0.1").status_code == 302
    client.logout()
    assert log_in(client, "zhang", "guess", address="10.6.6.6").status_code == 429


def test_the_locked_page_says_when_to_try_again(client):
    make_user("zhang", password="right-pass-123")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "zhang", "wrong")
    until = timezone.localtime(AccessAttempt.objects.get().attempt_time + settings.AXES_COOLOFF_TIME)
    page = log_in(client, "zhang", "right-pass-123")
    assert page.status_code == 429
    assert f"请在 {until:%Y-%m-%d %H:%M} 之后再试（约 15 分钟后）" in page.content.decode()
    for _ in range(3):  # a try while locked does not push the time further away
        log_in(client, "zhang", "wrong")
    assert f"请在 {until:%Y-%m-%d %H:%M} 之后再试" in log_in(client, "zhang", "right-pass-123").content.decode()
