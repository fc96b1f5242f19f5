"""SQLite runs one write at a time: a change that waits too long for another is asked to try again
(503, in Chinese), and nothing of it is written."""

import contextlib
import sqlite3

import pytest
from django.db import connection
from django.urls import reverse

from cycles import services as cycle_services
from orgs.testing import build_world
from rectification.models import Measure, Plan

pytestmark = pytest.mark.django_db(transaction=True)


@contextlib.contextmanager
def database_held():
    """Another connection holds SQLite's write lock, as a long import does; this one waits 0.3 s for it."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's busy timeout; PostgreSQL waits in orgs.services.organization_lock")
    holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        busy_timeout = cursor.fetchone()[0]  # the settings' own, put back afterwards
        cursor.execute("PRAGMA busy_timeout = 300")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout)}")


@pytest.fixture
def ledger(client):
    world = build_world()
    cycle = cycle_services.cycle_open(actor=world.county_admin, owner=world.county, year=2026, name="2026年分类定级")
    client.force_login(world.secretary_a1)
    return world, cycle


PROBLEM = {"title": "阵地小", "source": "other", "text": "建好阵地", "kind": "planned", "responsible_person": "廖仁旺",
           "deadline": "2026-12-31"}


def test_a_change_while_another_holds_the_database_is_asked_to_try_again(client, ledger):
    world, cycle = ledger
    url = reverse("rectification:problem_file", args=[cycle.pk, world.branch_a1.pk])
    assert client.get(reverse("rectification:plan", args=[cycle.pk, world.branch_a1.pk])).status_code == 200
    with database_held():
        response = client.post(url, PROBLEM)
    page = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "请稍后再试" in page and "没有保存" in page
    assert not Plan.objects.filter(organization=world.branch_a1).exists()
    # Once the other write is done, the same change goes through.
    response = client.post(url, PROBLEM)
    assert response.status_code == 302
    assert Measure.objects.get(plan__organization=world.branch_a1).text == "建好阵地"


def test_the_api_answers_the_same_in_its_json(client, ledger):
    world, cycle = ledger
    url = f"/api/rectification/cycles/{cycle.pk}/orgs/{world.branch_a1.pk}/plan"
    body = {"problems": [{"title": "阵地小", "measures": [{"text": "建好阵地", "responsible_person": "廖仁旺",
                                                         "deadline": "2026-12-31"}]}]}
    with database_held():
        response = client.post(url, body, content_type="application/json")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    detail = response.json()["detail"]
    assert "没有保存" in detail and "请稍后再试" in detail
    assert not Plan.objects.filter(organization=world.branch_a1).exists()
    assert client.post(url, body, content_type="application/json").status_code == 201
