"""Shared test helpers: generated access tests, races, and a real task worker.

Every page and endpoint declares how to reach it (``Endpoint``); ``access_tests`` turns the
declarations into the access tests STYLE.md asks for: anonymous, no role, inside the subtree,
outside it (404, the same as a missing object), and inside it without the role (403). They run
against the ``world`` fixture (orgs.testing).
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections

from core.models import Worker


@dataclass
class Endpoint:
    """How to reach one page or API endpoint for the generated access tests.

    ``url(world)`` builds the address for an object inside town_a; ``insider`` names the World
    user who may use it; ``outside_url(world)`` builds the same address for an object in town_b
    (None when the page has no object, e.g. the tree's top); ``api`` endpoints answer 401 to the
    anonymous, pages redirect to the login page. ``without_role`` names a World user who sees the object
    but may not do this (403), such as ``observer_a``; None for a page everyone who sees it may use.
    """

    name: str
    url: Callable
    insider: str = "admin_a"
    outside_url: Callable | None = None
    method: str = "get"
    data: dict | Callable = field(default_factory=dict)  # or a function of the World
    api: bool = False
    ok: tuple = (200,)
    without_role: str | None = None


def _request(client, endpoint: Endpoint, url: str, world=None):
    data = endpoint.data(world) if callable(endpoint.data) else endpoint.data
    if endpoint.method == "get":
        return client.get(url, data)
    if endpoint.api:
        return getattr(client, endpoint.method)(url, data, content_type="application/json")
    return getattr(client, endpoint.method)(url, data)


# Every endpoint given to access_tests, for the test that no URL pattern is left without them
# (jinwei/tests/test_access_matrix.py).
DECLARED: list[Endpoint] = []


def access_tests(endpoints: list[Endpoint]):
    """The five access tests for each endpoint; assign the result to five test_ names in a module."""
    DECLARED.extend(endpoints)
    ids = [endpoint.name for endpoint in endpoints]
    parametrize = pytest.mark.parametrize("endpoint", endpoints, ids=ids)

    @parametrize
    def test_anonymous(client, world, endpoint):
        response = _request(client, endpoint, endpoint.url(world), world)
        if endpoint.api:
            assert response.status_code == 401
        else:
            assert response.status_code == 302 and "/login/" in response["Location"]

    @parametrize
    def test_no_role(client, world, endpoint):
        client.force_login(world.norole)
        response = _request(client, endpoint, endpoint.url(world), world)
        expected = (404,) if endpoint.outside_url else endpoint.ok
        assert response.status_code in expected, response.content[:300]

    @parametrize
    def test_inside(client, world, endpoint):
        client.force_login(getattr(world, endpoint.insider))
        response = _request(client, endpoint, endpoint.url(world), world)
        assert response.status_code in endpoint.ok, response.content[:500]

    @parametrize
    def test_outside(client, world, endpoint):
        if endpoint.outside_url is None:
            pytest.skip("this endpoint shows no single object")
        client.force_login(getattr(world, endpoint.insider))
        response = _request(client, endpoint, endpoint.outside_url(world), world)
        assert response.status_code == 404, response.content[:300]

    refused = [endpoint for endpoint in endpoints if endpoint.without_role]

    @pytest.mark.parametrize("endpoint", refused, ids=[endpoint.name for endpoint in refused])
    def test_inside_without_the_role(client, world, endpoint):
        client.force_login(getattr(world, endpoint.without_role))
        response = _request(client, endpoint, endpoint.url(world), world)
        assert response.status_code == 403, response.content[:300]

    return test_anonymous, test_no_role, test_inside, test_outside, test_inside_without_the_role


def race(*calls):
    """Run the calls at the same moment in threads, each on its own database connection; return what
    each returned or raised, in order (for tests of two people acting at once)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test looks at
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def site_environment(data_dir) -> dict:
    """The environment of a Jinwei process (a worker, a web server) on the test databases, as production
    runs it (no DEBUG), with its data folder ``data_dir``."""
    database = connections["default"].settings_dict
    if database["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{database['NAME']}"  # the queue's file is named after it, as in settings
    else:
        url = (f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or '127.0.0.1'}:"
               f"{database['PORT'] or 5432}/{database['NAME']}")
    return {**os.environ, "DATABASE_URL": url, "JINWEI_DATA_DIR": str(data_dir), "JINWEI_DEBUG": "false",
            "JINWEI_JOB_HEARTBEAT_SECONDS": "0.5", "PYTHONUNBUFFERED": "1",
            "JINWEI_SECRET_KEY": settings.SECRET_KEY}  # the site's own: codes' hashes must match


def peak_memory(pid: int) -> int:
    """The most memory (resident, in bytes) the process has held so far (Linux's VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmHWM for process {pid}")


class WebServer:
    """The site under gunicorn (one sync worker, as production runs it) on the test databases, for tests that
    look at the web process itself: its ``url`` and the ``peak_memory`` of the process answering requests."""

    def __init__(self, *, data_dir, env: dict | None = None):
        self.env, self.log = env or site_environment(data_dir), Path(data_dir) / "web.log"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "WebServer":
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [str(Path(sys.executable).with_name("gunicorn")), "jinwei.wsgi", "--bind", f"127.0.0.1:{self.port}",
                 "--workers", "1", "--timeout", "120"], cwd=settings.BASE_DIR, env=self.env, stdout=log,
                stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"the web server did not start:\n{self.log.read_text()}") from None
                time.sleep(0.1)

    def peak_memory(self) -> int:
        """The peak memory of gunicorn's worker process, the one that answers requests."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return max(peak_memory(int(child)) for child in children)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


class TaskWorker:
    """A real ``manage.py db_worker`` process on the test databases (conftest's ``task_worker``), for
    tests that run jobs as the site does: ``start`` it, ``kill`` it as a crash would, ``stop`` it."""

    def __init__(self, *, data_dir, queues: str = "default,pdf"):
        self.env = site_environment(data_dir)
        self.queues, self.base_dir, self.log = queues, settings.BASE_DIR, Path(data_dir) / "worker.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "TaskWorker":
        """Start the worker and return once its first heartbeat is written."""
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--queue-name", self.queues, "--no-reload",
                 "--no-startup-delay", "--interval", "0.1"], cwd=self.base_dir, env=self.env, stdout=log,
                stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while not Worker.objects.filter(pid=self.process.pid).exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the worker did not start:\n{self.log.read_text()}")
            time.sleep(0.1)
        return self

    def kill(self) -> None:
        """End the worker at once, as a crash or the OOM killer would: no clean-up runs."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_for_job(job, timeout: float = 60, until=None):
    """The job, refreshed, once ``until(job)`` holds (by default: it has ended), or an AssertionError."""
    deadline = time.monotonic() + timeout
    until = until or (lambda job: job.is_finished)
    while True:
        job.refresh_from_db()
        if until(job):
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job.pk} did not get there in {timeout} s: {job.state} {job.problems}")
        time.sleep(0.05)
