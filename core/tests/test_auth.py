"""Login, lock-out after repeated failures, session expiry."""

from datetime import timedelta

import pytest
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
