"""The organization tree's main flows, end to end in real headless Chromium.

One browser serves the module; each test opens fresh contexts (no shared cookies). Every page
fails its test on a JavaScript error, a console error, a server error, or any request to a host
other than this machine (DESIGN.md: every asset is served locally). Each page visited is kept as
``artifacts/screenshots/<test>-<step>.png``.

Labels and messages are looked up through the zh-hans catalogue, so the tests read what a Chinese
user reads (the English source until the catalogue has the entry).
"""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from core.browser_testing import PASSWORD, PHONE, field, zh
from orgs import services
from orgs.choices import VenueStatus
from orgs.models import Organization
from orgs.testing import build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db):
    return build_world()


def test_log_in_through_the_form_lands_on_home(browsing, world):
    tab = browsing.tab()
    page = tab.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    tab.shot("login")

    page.get_by_label(zh("User name"), exact=True).fill("county_admin")
    page.get_by_label(zh("Password"), exact=True).fill("not-the-password")
    page.get_by_role("button", name=zh("Log in"), exact=True).click()
    expect(page.locator(".login .errorlist")).to_be_visible()
    tab.shot("wrong-password")

    page.get_by_label(zh("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=zh("Log in"), exact=True).click()
    page.wait_for_url(tab.url("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Welcome, %(name)s", name="county_admin"))
    expect(page.locator(".topbar .user")).to_contain_text("county_admin")
    expect(page.locator("main")).to_contain_text(world.county.name)
    tab.shot("home")


def test_tree_loads_children_on_demand_and_collapses(browsing, world):
    tab = browsing.tab()
    tab.log_in_as(world.county_admin)
    children_requests = []
    tab.page.on("request", lambda r: "/children/" in r.url and children_requests.append(urlsplit(r.url).path))
    page = tab.goto("/orgs/")

    def node(org):
        return page.locator(f"li[data-code='{org.code}']")

    def toggle(org):
        return page.locator(f"li[data-code='{org.code}'] > button.toggle")

    expect(node(world.county)).to_be_visible()
    expect(node(world.town_a)).to_have_count(0)
    assert children_requests == []
    tab.shot("tree")

    toggle(world.county).click()
    expect(node(world.town_a)).to_be_visible()
    expect(node(world.town_b)).to_be_visible()
    expect(toggle(world.county)).to_have_attribute("aria-expanded", "true")
    tab.shot("county-expanded")

    toggle(world.town_a).click()
    expect(node(world.branch_a1)).to_be_visible()
    expect(node(world.branch_a2)).to_be_visible()
    expect(node(world.branch_b1)).to_have_count(0)
    expect(page.locator(f"li[data-code='{world.branch_a1.code}'] > span.toggle")).to_be_visible()  # a leaf
    tab.shot("town-expanded")

    toggle(world.town_a).click()
    expect(node(world.branch_a1)).to_have_count(0)
    expect(toggle(world.town_a)).to_have_attribute("aria-expanded", "false")
    expect(node(world.town_b)).to_be_visible()
    tab.shot("town-collapsed")

    toggle(world.town_a).click()  # expanding again loads the current children again
    expect(node(world.branch_a2)).to_be_visible()
    toggle(world.county).click()
    expect(node(world.town_a)).to_have_count(0)
    tab.shot("all-collapsed")

    county_path, town_path = (f"/orgs/{org.pk}/children/" for org in (world.county, world.town_a))
    assert children_requests == [county_path, town_path, town_path]

    node(world.county).get_by_role("link", name=world.county.name).click()
    page.wait_for_url(tab.url(f"/orgs/{world.county.pk}/"))


def test_tree_shows_more_children_a_page_at_a_time(browsing, world, settings):
    settings.TREE_CHILDREN_PAGE = 1
    tab = browsing.tab()
    tab.log_in_as(world.county_admin)
    page = tab.goto("/orgs/")
    county = page.locator(f"li[data-code='{world.county.code}']")
    county.locator(":scope > button.toggle").click()
    expect(county.locator(f"li[data-code='{world.town_a.code}']")).to_be_visible()
    expect(county.locator(f"li[data-code='{world.town_b.code}']")).to_have_count(0)
    tab.shot("first-page")

    county.get_by_role("button", name=zh("Show more")).click()
    expect(county.locator(f"li[data-code='{world.town_b.code}']")).to_be_visible()
    expect(county.get_by_role("button", name=zh("Show more"))).to_have_count(0)
    expect(county.locator(":scope > ul > li")).to_have_count(2)
    tab.shot("second-page")


def test_tree_node_collapsed_while_loading_stays_collapsed(browsing, world):
    tab = browsing.tab()
    tab.log_in_as(world.county_admin)
    page = tab.goto("/orgs/")
    held = []
    page.route("**/children/**", lambda route: held.append(route))
    toggle = page.locator(f"li[data-code='{world.county.code}'] > button.toggle")
    toggle.click()
    for _ in range(200):  # the children are on their way, held back
        if held:
            break
        page.wait_for_timeout(10)
    assert held, "the tree asked for no children"
    toggle.click()  # collapse before the children arrive
    expect(toggle).to_have_attribute("aria-expanded", "false")

    page.evaluate("() => { window.answered = new Promise(done => document.body.addEventListener('htmx:afterRequest', done)); }")
    held[0].continue_()
    page.unroute("**/children/**")
    page.evaluate("window.answered.then(() => null)")  # htmx has handled the late answer
    expect(page.locator(f"li[data-code='{world.town_a.code}']")).to_have_count(0)
    expect(toggle).to_have_text("+")
    tab.shot("collapsed")

    toggle.click()  # and it still opens afterwards
    expect(page.locator(f"li[data-code='{world.town_a.code}']")).to_be_visible()


def test_search_from_the_tree_page_by_name_and_by_code(browsing, world):
    tab = browsing.tab()
    tab.log_in_as(world.county_admin)
    page = tab.goto("/orgs/")
    box = page.locator("main").get_by_role("searchbox", name=zh("Search by name or code"))
    results = page.locator("#search-results")

    box.fill("乙一")
    expect(results.get_by_role("link", name=world.branch_b1.name)).to_be_visible()
    expect(results.get_by_role("link", name=world.branch_a1.name)).to_have_count(0)
    expect(page).to_have_url(tab.url("/orgs/"))  # the results came in place, not by leaving the page
    tab.shot("by-name")

    box.fill(world.branch_a2.code)
    expect(results.get_by_role("link", name=world.branch_a2.name)).to_be_visible()
    expect(results.locator("tbody tr")).to_have_count(1)
    tab.shot("by-code")

    box.fill("不存在的组织")
    expect(results).to_contain_text("不存在的组织")
    expect(results.get_by_role("link")).to_have_count(0)

    box.fill(world.branch_a2.code)
    results.get_by_role("link", name=world.branch_a2.name).click()
    page.wait_for_url(tab.url(f"/orgs/{world.branch_a2.pk}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(world.branch_a2.name)
    tab.shot("result-opened")

    # The search box in the top bar opens the full search page.
    top = page.locator(".topbar").get_by_role("searchbox")
    top.fill("甲")
    top.press("Enter")
    page.wait_for_url(re.compile(r"/orgs/search/\?q="))
    expect(page.locator("main table.results").get_by_role("link", name=world.town_a.name)).to_be_visible()
    tab.shot("search-page")


def test_organization_page_shows_breadcrumbs_facts_by_year_and_audit(browsing, world):
    admin = world.county_admin
    services.facts_save(actor=admin, organization=world.branch_a1, year=2024, members_total=21, female_members=7,
                        venue_status=VenueStatus.UNDER_CONSTRUCTION, venue_expected_completion="2024-09-30",
                        main_features="乡村振兴示范点")
    services.facts_save(actor=admin, organization=world.branch_a1, year=2025, members_total=23, female_members=8,
                        venue_status=VenueStatus.BUILT, problems="党员老龄化")
    tab = browsing.tab()
    tab.log_in_as(world.county_admin)
    page = tab.goto(f"/orgs/{world.branch_a1.pk}/")

    crumbs = page.locator(".breadcrumbs")
    expect(crumbs.get_by_role("link")).to_have_text([zh("Organization tree"), world.county.name, world.town_a.name])
    expect(crumbs.locator("span")).to_have_text(world.branch_a1.name)
    expect(page.get_by_role("heading", level=1)).to_have_text(world.branch_a1.name)
    expect(page.locator("dl.facts")).to_contain_text(world.branch_a1.code)

    facts = page.locator("table.facts-table tbody tr")
    expect(facts).to_have_count(2)
    expect(facts.nth(0).locator("td").nth(0)).to_have_text("2025")
    expect(facts.nth(0).locator("td").nth(1)).to_have_text("23")
    expect(facts.nth(0)).to_contain_text("党员老龄化")
    expect(facts.nth(1).locator("td").nth(0)).to_have_text("2024")
    expect(facts.nth(1)).to_contain_text("2024-09-30")
    expect(facts.nth(1)).to_contain_text("乡村振兴示范点")

    recent = page.get_by_role("heading", name=zh("Recent changes")).locator("xpath=following-sibling::table[1]")
    expect(recent.locator("tbody tr", has_text=zh("Basic facts recorded"))).to_have_count(2)
    expect(recent.locator("tbody tr", has_text=zh("Organization created"))).to_have_count(1)
    tab.shot("detail")

    page.locator(".actions").get_by_role("link", name=zh("Audit"), exact=True).click()
    page.wait_for_url(tab.url(f"/orgs/{world.branch_a1.pk}/audit/"))
    expect(page.locator("table.audit tbody tr", has_text=zh("Basic facts recorded"))).to_have_count(2)
    tab.shot("audit")

    page.go_back()
    crumbs.get_by_role("link", name=world.town_a.name).click()
    page.wait_for_url(tab.url(f"/orgs/{world.town_a.pk}/"))
    expect(page.locator(".breadcrumbs span")).to_have_text(world.town_a.name)
    tab.shot("parent")


def test_a_secretary_reads_the_branch_page_on_a_phone(browsing, world):
    services.facts_save(actor=world.county_admin, organization=world.branch_a1, year=2025, members_total=23,
                        female_members=8, venue_status=VenueStatus.BUILT,
                        problems="1、流动人口多，流动党员管理难度大；2、活动经费保障不足。")
    tab = browsing.tab(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    tab.log_in_as(world.secretary_a1)
    page = tab.goto(f"/orgs/{world.branch_a1.pk}/")
    expect(page.locator("table.facts-table tbody tr")).to_have_count(1)
    # The wide table of facts scrolls within its box; the page itself stays a phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("document.querySelector('.table-scroll').scrollWidth") > 390
    tab.shot("phone")


def test_edit_shows_the_field_named_error_then_saves_and_audits(browsing, world):
    branch, other = world.branch_a1, world.branch_a2
    old_code = branch.code
    tab = browsing.tab()
    tab.log_in_as(world.admin_a)
    page = tab.goto(f"/orgs/{branch.pk}/")
    page.locator(".actions").get_by_role("link", name=zh("Edit"), exact=True).click()
    page.wait_for_url(tab.url(f"/orgs/{branch.pk}/edit/"))
    code = field(page, "Official code")
    expect(code).to_have_value(old_code)
    tab.shot("form")

    code.fill(other.code)
    field(page, "Secretary").fill("王芳")
    page.get_by_role("button", name=zh("Save"), exact=True).click()
    error = page.locator("form .errorlist")
    expect(error).to_have_count(1)
    expect(error).to_contain_text(zh("Official code"))
    expect(error).to_contain_text(other.name)
    assert error.inner_text().count(zh("Official code")) == 1, error.inner_text()  # the field is named once
    expect(field(page, "Secretary")).to_have_value("王芳")  # what was typed is kept
    tab.shot("duplicate-code")
    branch.refresh_from_db()
    assert (branch.code, branch.secretary) == (old_code, "")

    code.fill("JW-EDITED-001")
    page.get_by_role("button", name=zh("Save"), exact=True).click()
    page.wait_for_url(tab.url(f"/orgs/{branch.pk}/"))
    expect(page.locator(".messages")).to_contain_text(zh("Your changes were saved."))
    expect(page.locator("dl.facts")).to_contain_text("JW-EDITED-001")
    expect(page.locator("dl.facts")).to_contain_text("王芳")
    tab.shot("saved")
    branch.refresh_from_db()
    assert (branch.code, branch.secretary) == ("JW-EDITED-001", "王芳")

    page.locator(".actions").get_by_role("link", name=zh("Audit"), exact=True).click()
    page.wait_for_url(tab.url(f"/orgs/{branch.pk}/audit/"))
    update = page.locator("table.audit tbody tr", has_text=zh("Organization edited"))
    expect(update).to_have_count(1)
    expect(update).to_contain_text("admin_a")
    expect(update.locator("td").nth(4)).to_contain_text(old_code)
    expect(update.locator("td").nth(5)).to_contain_text("JW-EDITED-001")
    expect(update.locator("td").nth(5)).to_contain_text("王芳")
    tab.shot("audit")
    assert not Organization.objects.filter(code=old_code).exists()


def test_tree_page_at_phone_width(browsing, world):
    tab = browsing.tab(**PHONE)
    tab.log_in("county_admin", shot="login")
    page = tab.goto("/orgs/")
    width = PHONE["viewport"]["width"]

    def assert_fits():
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"

    topbar, heading = page.locator(".topbar").bounding_box(), page.get_by_role("heading", level=1).bounding_box()
    assert heading["y"] >= topbar["y"] + topbar["height"], "the header covers the title"
    assert_fits()
    tab.shot("tree")

    page.locator(f"li[data-code='{world.county.code}'] > button.toggle").tap()
    page.locator(f"li[data-code='{world.town_a.code}'] > button.toggle").tap()
    branch = page.get_by_role("link", name=world.branch_a1.name)
    expect(branch).to_be_visible()
    box = branch.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert_fits()
    tab.shot("expanded")

    page.locator("main").get_by_role("searchbox").fill("甲二")
    expect(page.locator("#search-results").get_by_role("link", name=world.branch_a2.name)).to_be_visible()
    assert_fits()
    tab.shot("search")


def test_guard_catches_page_errors_and_requests_off_the_machine(browsing):
    """The guard behind every test above: it must notice what it is there to notice."""
    tab = browsing.tab()
    page = tab.goto("/login/")
    with page.expect_event("pageerror"):
        page.evaluate("setTimeout(() => { throw new Error('boom in the page') })")
    with page.expect_console_message(lambda message: message.type == "error"):
        page.evaluate("console.error('logged error')")
    fetched = page.evaluate("fetch('http://203.0.113.9/tracker.js').then(() => 'loaded', () => 'blocked')")
    assert fetched == "blocked"

    problems = "\n".join(browsing.guard.problems)
    assert "boom in the page" in problems
    assert "logged error" in problems
    # The Content-Security-Policy now refuses the request before it leaves; the guard reports that too.
    assert "http://203.0.113.9/tracker.js" in problems
    assert "Content Security Policy" in problems
    browsing.guard.problems.clear()
