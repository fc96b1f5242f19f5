"""The access matrix covers every URL pattern: each pattern of the URL configuration is reached by an endpoint
given to core.testing.access_tests (anonymous, no role, inside, outside, inside without the role), or is
listed below as public with its reason. A new page cannot be left out: this test names it."""

import importlib
import re
from pathlib import Path
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from core.testing import DECLARED, Endpoint, access_tests

# Pages anyone may open, each with why; everything else needs a login and a place in the tree.
PUBLIC = {
    "login/": "the login page itself",
    "logout/": "ends whatever session there is; no data",
    "health/": "for load balancers: whether the database, its migrations and the workers answer; no data",
    "i18n/setlang/": "chooses the page language (Django's set_language); no data",
    "v/<str:key>/": "a voter's page: anonymous by design, reached by the session's random key and a one-time code",
    "v/<str:key>/receipts/": "the receipts a closed ballot publishes for its voters to check, by its random key",
    "api/": "the API's root, which answers 404 to everyone",
    "api/docs": "the API's description (Swagger UI, served locally); no data",
    "api/openapi.json": "the API's description; no data",
}
# Patterns older than this test whose access is tested by hand in their apps' tests, or not at all: each is to
# be declared through access_tests and taken off this list, which only shrinks (an entry now covered fails).
NOT_YET_DECLARED = {
    "acceptance/<int:pk>/report/",
    "acceptance/<int:pk>/sheet/<str:kind>/",
    "acceptance/<int:pk>/submit/",
    "acceptance/<int:pk>/survey/",
    "acceptance/cycles/<int:cycle_pk>/levels/<int:level_pk>/submit/",
    "acceptance/cycles/<int:cycle_pk>/open/",
    "acceptance/cycles/<int:cycle_pk>/targets/seed/",
    "api/acceptance/<acceptance_id>/report",
    "api/acceptance/<acceptance_id>/return",
    "api/acceptance/<acceptance_id>/submit",
    "api/acceptance/cycles/<cycle_id>/levels/<level_id>/cell",
    "api/acceptance/cycles/<cycle_id>/levels/<level_id>/submit",
    "api/acceptance/cycles/<cycle_id>/round",
    "api/ballots/sessions/<session_id>/receipts",
    "api/ledgers/<cycle_id>/<organization_id>/exports/<form>",
    "api/ledgers/imports",
    "api/ledgers/jobs/<job_id>/file",
    "api/members/<int:member_id>/transfer",
    "api/members/orgs/<int:branch_id>/counts",
    "api/pledges/<int:pledge_id>/approve",
    "api/pledges/<int:pledge_id>/close",
    "api/pledges/<int:pledge_id>/evaluate",
    "api/pledges/<int:pledge_id>/items",
    "api/pledges/<int:pledge_id>/return",
    "api/pledges/<int:pledge_id>/submit",
    "api/pledges/items/<int:item_id>/progress",
    "api/rectification/cycles/<cycle_id>/levels/<level_id>/approve",
    "api/rectification/cycles/<cycle_id>/levels/<level_id>/midyear",
    "api/rectification/cycles/<cycle_id>/levels/<level_id>/overdue",
    "api/rectification/measures/<measure_id>/answer",
    "api/rectification/measures/<measure_id>/done",
    "api/rectification/measures/<measure_id>/progress",
    "api/rectification/measures/<measure_id>/reopen",
    "api/rectification/measures/<measure_id>/verify",
    "api/rectification/plans/<plan_id>/approve",
    "api/rectification/plans/<plan_id>/return",
    "api/rectification/plans/<plan_id>/submit",
    "api/rectification/todos",
    "api/sheets/",
    "api/sheets/<sheet_id>/deductions/<deduction_id>",
    "api/sheets/<sheet_id>/vetoes/<mark_id>",
    "api/standards/<standard_id>/correct",
    "api/standards/<standard_id>/derive",
    "api/standards/<standard_id>/structure",
    "health/",
    "ledgers/jobs/<int:pk>/download/",
    "ledgers/jobs/<int:pk>/problems.xlsx",
    "members/exports/<int:pk>/",
    "members/exports/<int:pk>/download/",
    "members/exports/<int:pk>/progress/",
    "members/imports/<int:pk>/",
    "members/imports/<int:pk>/confirm/",
    "members/imports/<int:pk>/progress/",
    "members/orgs/<int:org_pk>/export/",
    "members/orgs/<int:org_pk>/facts/",
    "members/orgs/<int:org_pk>/import/",
    "orgs/<int:pk>/export/",
    "orgs/<int:pk>/facts/<int:year>/",
    "orgs/<int:pk>/import/",
    "orgs/jobs/<int:pk>/",
    "orgs/jobs/<int:pk>/confirm/",
    "orgs/jobs/<int:pk>/download/",
    "orgs/jobs/<int:pk>/progress/",
    "orgs/roles/<int:pk>/revoke/",
    "orgs/users/new/",
    "pledges/<int:cycle_pk>/<int:org_pk>/board/toggle/",
    "pledges/<int:cycle_pk>/<int:org_pk>/letters.pdf",
    "pledges/<int:pk>/print/",
    "pledges/board/<str:key>/",
    "pledges/jobs/<int:pk>/",
    "pledges/jobs/<int:pk>/download/",
    "pledges/jobs/<int:pk>/progress/",
    "rectification/cycles/<int:cycle_pk>/deductions/<int:deduction_pk>/problem/",
    "rectification/cycles/<int:cycle_pk>/levels/<int:level_pk>/approve/",
    "rectification/cycles/<int:cycle_pk>/levels/<int:level_pk>/export/<str:kind>/",
    "rectification/cycles/<int:cycle_pk>/orgs/<int:org_pk>/problems/",
    "rectification/cycles/<int:cycle_pk>/settings/",
    "rectification/cycles/<int:cycle_pk>/vetoes/<int:veto_pk>/problem/",
    "rectification/evidence/<int:pk>/",
    "rectification/jobs/<int:pk>/",
    "rectification/jobs/<int:pk>/download/",
    "rectification/measures/<int:pk>/delete/",
    "rectification/measures/<int:pk>/edit/",
    "rectification/measures/<int:pk>/progress/",
    "rectification/plans/<int:pk>/letter/pdf/",
    "rectification/plans/<int:pk>/letter/sign/",
    "rectification/plans/<int:pk>/review/",
    "rectification/plans/<int:pk>/revise/",
    "rectification/plans/<int:pk>/submit/",
    "rectification/plans/<int:pk>/targets/",
    "rectification/problems/<int:pk>/delete/",
    "rectification/problems/<int:pk>/measures/",
    "standards/<int:pk>/import/",
    "standards/<int:pk>/items/<str:code>/edit/",
    "standards/deductions/<int:pk>/evidence/",
    "standards/deductions/<int:pk>/remove/",
    "standards/imports/<int:pk>/",
    "standards/imports/<int:pk>/progress/",
    "standards/sheets/<int:sheet_pk>/items/<int:item_pk>/deduct/",
    "standards/sheets/<int:sheet_pk>/vetoes/<int:clause_pk>/mark/",
    "standards/veto-marks/<int:pk>/evidence/",
    "standards/veto-marks/<int:pk>/remove/",
}
# Patterns with an object in them whose access tests may go without an outside case, each with why.
NO_OUTSIDE = {
    "api/ballots/sessions": "lists by an organization given as a query parameter; its outside case does",
}


# The project's own page: the home page, whose content follows the user's roles.
ENDPOINTS = [Endpoint("home", lambda world: "/")]
test_anonymous, test_no_role, test_inside, test_outside, test_inside_without_the_role = access_tests(ENDPOINTS)


def url_patterns(resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""):
    """(route, "namespace:name") of every pattern the URL configuration serves, its includes walked."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            yield route, f"{namespace}{pattern.name}" if pattern.name else ""


class Probe:
    """Stands in for what a test module's own fixtures add to the world (a ballot session, a plan) and anything
    read off it, so an endpoint's address can be built here: every attribute is another probe, read as id 1."""

    pk = id = 1

    def __getattr__(self, name):
        return Probe()

    def __call__(self, *args, **kwargs):
        return Probe()

    def __str__(self):
        return "1"

    __format__ = lambda self, spec: "1"  # noqa: E731 - f-strings of ids
    __int__ = __index__ = lambda self: 1  # noqa: E731


class ProbedWorld:
    """The world fixture's organizations and people, and a probe for anything else."""

    def __init__(self, world):
        self._world = world

    def __getattr__(self, name):
        return getattr(self._world, name, Probe())


def declared_endpoints() -> list[Endpoint]:
    """Every endpoint of every app's access tests (importing the test modules declares them)."""
    for config in apps.get_app_configs():
        folder = Path(config.path) / "tests"
        if Path(config.path).is_relative_to(settings.BASE_DIR) and folder.is_dir():
            for module in sorted(folder.glob("test_*.py")):
                importlib.import_module(f"{config.name}.tests.{module.stem}")
    return DECLARED


def route_of(address: str) -> str:
    return resolve(urlsplit(address).path).route


def routes_reached(endpoint: Endpoint, world, named: dict[str, str]) -> str:
    """The route of the endpoint's address, built as its tests build it, with a probe for what their own fixtures
    add; else read off its name: a URL name ("cycles:grading[secretary]") or a method and an API path with
    {placeholders} ("POST /api/gradings/{id}/steps", or its tail)."""
    try:
        with transaction.atomic():  # what a builder sets up stays apart from the next one's
            return route_of(endpoint.url(ProbedWorld(world)))
    except Exception as error:  # noqa: BLE001 - the name is tried next, and the test fails if it fails too
        failure = error
    name = endpoint.name.split("[")[0].strip()
    if name in named:
        return named[name]
    tail = re.sub(r"\{[^}]*\}", "{}", name.split(" ")[1] if " " in name else name).strip("/")
    matches = {route for route in named.values() if f"/{shape(route)}".endswith(f"/{tail}")}
    if len(matches) == 1:
        return matches.pop()
    raise LookupError(f"neither its address ({failure!r}) nor its name tells its pattern")


def shape(route: str) -> str:
    return re.sub(r"<[^>]+>", "{}", route).strip("/")


def test_every_url_pattern_is_in_the_access_matrix(world):
    patterns = list(url_patterns())
    named = {name: route for route, name in patterns if name}
    reached, reached_outside, unresolved = set(), set(), []
    for endpoint in declared_endpoints():
        try:
            route = routes_reached(endpoint, world, named)
        except LookupError as error:
            unresolved.append(f"{endpoint.name}: {error}")
            continue
        reached.add(route)
        if endpoint.outside_url is not None:
            reached_outside.add(route)
    assert not unresolved, f"endpoints whose address this test cannot tell: {unresolved}"
    routes = {route for route, _name in patterns}
    missing = sorted(route for route in routes - reached - set(PUBLIC) - NOT_YET_DECLARED)
    assert not missing, ("URL patterns without access tests (declare an Endpoint for core.testing.access_tests, "
                         f"or list the pattern in PUBLIC with its reason): {missing}")
    no_outside = sorted(route for route in reached - reached_outside - set(NO_OUTSIDE) if "<" in route)
    assert not no_outside, f"patterns of one object whose access tests try no object outside the subtree: {no_outside}"
    assert not set(PUBLIC) - routes, f"PUBLIC names patterns that are gone: {sorted(set(PUBLIC) - routes)}"
    stale = sorted(NOT_YET_DECLARED & reached | NOT_YET_DECLARED - routes)
    assert not stale, f"take these off NOT_YET_DECLARED, they are declared now or gone: {stale}"


def test_the_public_patterns_answer_without_a_login(client, db):
    """What PUBLIC lists holds: its pages answer the anonymous without sending them to the login page."""
    for route in ("login/", "i18n/setlang/", "health/"):
        response = client.get("/" + route)
        assert response.status_code != 302 or "/login/" not in response.get("Location", ""), route
