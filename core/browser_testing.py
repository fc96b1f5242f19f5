"""Browser-test helpers shared by every app: real headless Chromium (Debian's), watched for errors.

Every page fails its test on a JavaScript error, a console error, a server error, or any request
to a host other than this machine (DESIGN.md: every asset is served locally). Pages are kept as
``artifacts/screenshots/<test>-<step>.png``. The fixtures ``browser`` and ``browsing`` live in
the root conftest.py.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client
from django.utils import translation
from playwright.sync_api import Browser, BrowserContext, Page, Route, WebSocketRoute

CHROMIUM = os.environ.get("JINWEI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
SHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
PASSWORD = "pass-word-123"  # orgs.testing.make_user's default
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


def field(page: Page, label: str):
    """A form field by its zh-hans label (Django writes the label with a colon)."""
    return page.get_by_label(re.compile(rf"^{re.escape(zh(label))}\s*[:：]?$"))


def fits(page: Page, width: int = 390) -> None:
    """Nothing wider than the phone: the page never scrolls sideways."""
    page.wait_for_load_state("load")  # a stylesheet still on its way leaves the page unstyled, and wider
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"


def zh(text: str, **values) -> str:
    """``text`` as the zh-hans catalogue renders it."""
    with translation.override("zh-hans"):
        message = str(translation.gettext(text))
    return message % values if values else message


class Guard:
    """Collects what must never happen on a page: errors in the page, requests leaving the machine."""

    def __init__(self):
        self.problems: list[str] = []

    def watch(self, context: BrowserContext) -> None:
        context.route(re.compile(".*"), self._route)
        context.route_web_socket(re.compile(".*"), self._route_web_socket)
        context.on("page", self._watch_page)

    def _watch_page(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.problems.append(f"JavaScript error on {page.url}: {error}"))
        page.on("console", lambda message: message.type == "error" and self.problems.append(
            f"console error on {page.url}: {message.text}"))
        page.on("response", lambda response: response.status >= 500 and self.problems.append(
            f"server error {response.status} for {response.url}"))

    def _is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme not in ("http", "https", "ws", "wss") or parts.hostname in LOCAL_HOSTS

    def _route(self, route: Route) -> None:
        if self._is_local(route.request.url):
            route.continue_()
        else:
            self.problems.append(f"request off the machine: {route.request.method} {route.request.url}")
            route.abort("blockedbyclient")

    def _route_web_socket(self, ws: WebSocketRoute) -> None:
        if self._is_local(ws.url):
            ws.connect_to_server()
        else:
            self.problems.append(f"web socket off the machine: {ws.url}")
            ws.close()


class Tab:
    """One page on the live server, with the screenshots of the test it serves."""

    def __init__(self, page: Page, base_url: str, test_name: str):
        self.page = page
        self.base_url = base_url
        self.test_name = test_name

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str) -> Page:
        response = self.page.goto(self.url(path))
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        return self.page

    def shot(self, step: str) -> None:
        self.page.screenshot(path=SHOTS / f"{self.test_name}-{step}.png", full_page=True)

    def log_in_as(self, user) -> None:
        """Start logged in (the login form itself is walked by the first test)."""
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        self.page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": self.base_url}])

    def log_in(self, username: str, password: str = PASSWORD, *, shot: str | None = None) -> None:
        """Log in through the login form."""
        page = self.page
        self.goto("/login/")
        page.get_by_label(zh("User name"), exact=True).fill(username)
        page.get_by_label(zh("Password"), exact=True).fill(password)
        if shot:
            self.shot(shot)
        page.get_by_role("button", name=zh("Log in"), exact=True).click()
        page.wait_for_url(self.url("/"))


class Browsing:
    """Opens tabs for one test, each in its own context, all watched by one guard."""

    def __init__(self, browser: Browser, base_url: str, test_name: str):
        self.browser = browser
        self.base_url = base_url
        self.test_name = test_name
        self.guard = Guard()
        self.contexts: list[BrowserContext] = []

    def tab(self, **context_options) -> Tab:
        context = self.browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **context_options)
        context.set_default_timeout(5_000)
        self.guard.watch(context)
        self.contexts.append(context)
        return Tab(context.new_page(), self.base_url, self.test_name)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


