from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import sync_playwright

from core.browser_testing import CHROMIUM, CHROMIUM_ARGS, SHOTS, Browsing
from core.testing import TaskWorker
from orgs.testing import build_world


def pytest_configure():
    # Hashing passwords at full strength would make the test users most of the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    # Playwright's sync API keeps an event loop running in this thread, so Django would refuse
    # the tests' own database calls as "async unsafe"; they are plain synchronous calls.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture
def browsing(browser, live_server, transactional_db, request):
    """Tabs for one test on the live server; fails the test on any page error or off-machine request."""
    browsing = Browsing(browser, live_server.url, request.node.name)
    failures_before = request.session.testsfailed
    yield browsing
    if request.session.testsfailed > failures_before:  # this test failed: keep where each tab stopped
        for number, context in enumerate(browsing.contexts):
            for page in context.pages:
                page.screenshot(path=SHOTS / f"{request.node.name}-failed-{number}.png", full_page=True)
    browsing.close()
    assert not browsing.guard.problems, "\n".join(browsing.guard.problems)


TASKS_CONFIGURED = settings.TASKS  # the database queue, as the site runs it
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                               "QUEUES": settings.TASKS["default"]["QUEUES"]}}
DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}


def pytest_collection_modifyitems(items):
    """Every test that uses the database may use the task queue's database too (settings.TASKS_DATABASE):
    a job's page reads its progress there."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None and not DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
            continue
        kwargs = dict(marker.kwargs) if marker is not None else {}
        kwargs["databases"] = "__all__"
        item.add_marker(pytest.mark.django_db(*(marker.args if marker is not None else ()), **kwargs), append=False)


@pytest.fixture(autouse=True)
def tasks_run_inline(settings):
    """Tasks run in the calling thread (django-tasks' immediate backend): a test's data lives in a
    transaction that no worker process could see. ``task_worker`` runs them in a real worker."""
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def task_worker(transactional_db, settings, tmp_path):
    """A real ``manage.py db_worker`` process on the test databases, started by the test (``start``),
    beating every half second; media files under ``tmp_path``. Stopped at the end."""
    settings.TASKS = TASKS_CONFIGURED
    settings.MEDIA_ROOT = tmp_path / "media"
    worker = TaskWorker(data_dir=tmp_path)
    yield worker
    worker.stop()



@pytest.fixture(scope="session")
def django_db_modify_db_settings_xdist_suffix(request):
    """Under pytest-xdist each worker has test databases of its own, named after it. A SQLite file keeps
    its ".sqlite3" ending and its queue file stays "<name>-tasks.sqlite3", which is how a task worker's
    settings find it (settings.TASKS_DATABASE); PostgreSQL's queue mirrors the default database."""
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    if not worker:
        return
    default = settings.DATABASES["default"]
    if default["ENGINE"].endswith("sqlite3"):
        name = Path(default["TEST"]["NAME"])
        default["TEST"]["NAME"] = str(name.with_name(f"{name.stem}-{worker}{name.suffix}"))
        queue = Path(default["TEST"]["NAME"])
        settings.DATABASES[settings.TASKS_DATABASE]["TEST"]["NAME"] = str(
            queue.with_name(f"{queue.stem}-tasks.sqlite3"))
    else:
        default.setdefault("TEST", {})["NAME"] = f"{default['TEST'].get('NAME') or 'test_' + default['NAME']}_{worker}"
