import pytest
from django.conf import settings

from core.testing import build_world


def pytest_configure():
    # Hashing passwords at full strength would make the test users most of the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module."""
    from playwright.sync_api import sync_playwright

    from core.browser_testing import CHROMIUM, CHROMIUM_ARGS, SHOTS

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
    from core.browser_testing import SHOTS, Browsing

    browsing = Browsing(browser, live_server.url, request.node.name)
    failures_before = request.session.testsfailed
    yield browsing
    if request.session.testsfailed > failures_before:  # this test failed: keep where each tab stopped
        for number, context in enumerate(browsing.contexts):
            for page in context.pages:
                page.screenshot(path=SHOTS / f"{request.node.name}-failed-{number}.png", full_page=True)
    browsing.close()
    assert not browsing.guard.problems, "\n".join(browsing.guard.problems)


@pytest.fixture(autouse=True)
def ledger_jobs_inline(settings):
    """Ledger jobs (imports, exports) run in the calling thread: a test's data lives in a transaction that a
    job's own thread could not see. ledgers/tests/test_jobs.py turns this off to test the threads."""
    settings.LEDGER_JOBS_INLINE = True
