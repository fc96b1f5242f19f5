"""The health endpoint a load balancer polls: 200 with every check passed, 503 naming the one that failed;
no login, and nothing in it an outsider could use."""

import datetime

import pytest
from django.db import connections
from django.utils import timezone

from core import health
from core.models import Worker


def beat(queues: str, *, seconds_ago: float = 0) -> Worker:
    return Worker.objects.create(id=f"w-{queues}-{seconds_ago}", queues=queues, host="app-1", pid=4242,
                                 beat_at=timezone.now() - datetime.timedelta(seconds=seconds_ago))


@pytest.mark.django_db
def test_healthy_with_a_worker_for_every_queue_and_no_login(client):
    beat("default")
    beat("pdf")
    response = client.get("/health/")
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    assert response.json() == {"status": "ok", "database": True, "migrations": True,
                               "workers": {"default": 1, "pdf": 1}, "stuck_jobs": 0}
    assert b"app-1" not in response.content and b"4242" not in response.content  # no host or process shown


@pytest.mark.django_db
def test_a_queue_without_a_fresh_heartbeat_answers_503(client, settings):
    beat("default")
    beat("pdf", seconds_ago=settings.JOB_WORKER_MISSING_SECONDS + 5)  # silent: as good as gone
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable" and response.json()["workers"] == {"default": 1, "pdf": 0}


@pytest.mark.django_db
def test_migrations_not_applied_answer_503(client, monkeypatch):
    beat("default,pdf")
    health._migrated.clear()
    monkeypatch.setattr(health.MigrationExecutor, "migration_plan", lambda self, targets: [("core", "0004_new")])
    response = client.get("/health/")
    assert response.status_code == 503 and response.json()["migrations"] is False


@pytest.mark.django_db
def test_a_database_that_cannot_be_reached_answers_503(client, monkeypatch):
    beat("default,pdf")
    monkeypatch.setitem(connections["default"].settings_dict, "NAME", "/nonexistent/folder/jinwei.sqlite3"
                        if connections["default"].vendor == "sqlite" else "jinwei_no_such_database")
    connections["default"].close()
    try:
        response = client.get("/health/")
    finally:
        monkeypatch.undo()
        connections["default"].close()
    assert response.status_code == 503 and response.json()["database"] is False
