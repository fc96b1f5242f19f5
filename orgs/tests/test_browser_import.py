"""In real Chromium on a 390-px phone: a town's administrator uploads an organization list with mistakes,
sees each by row and column, corrects it, imports it and finds the new branches in the tree; then imports
the branches' secretaries, prints their initial password slips, and a secretary logs in with one on a
phone and is asked for a password of their own before anything else."""

import re

import pytest
from playwright.sync_api import expect

from core.browser_testing import fits, zh
from orgs.testing import build_world
from orgs.tests.test_importing import HEADER, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PHONE = {"viewport": {"width": 390, "height": 800}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_world()


def upload(page, name, content, mime="text/csv"):
    page.locator("input[name=file]").set_input_files(files=[{"name": name, "mimeType": mime, "buffer": content}])
    page.get_by_role("button", name=zh("Upload and check")).click()


def test_a_tree_with_mistakes_corrected_imported_and_found_in_the_tree(browsing, world):
    tab = browsing.tab(**PHONE)
    tab.log_in_as(world.admin_a)
    page = tab.goto("/")
    page.get_by_role("link", name=zh("Import organizations into %(name)s", name=world.town_a.display_name)).click()
    fits(page)
    tab.shot("form")
    town = world.town_a.code
    wrong = xlsx_bytes([HEADER, ["A-N1", "甲三村党支部", "党支部", "菜园", town, ""],
                        ["A-N2", "甲四村党支部", "党支部", "村", "NOPE", ""]], title="甲镇基层党组织名册")
    upload(page, "名册.xlsx", wrong, XLSX)
    problems = page.locator("table.import-problems tbody tr")
    expect(problems).to_have_count(2)
    expect(problems.filter(has_text="菜园")).to_contain_text("D（所属领域）")
    expect(problems.filter(has_text="NOPE")).to_contain_text("E（上级组织代码）")
    expect(page.get_by_role("button", name=zh("Confirm the import"))).to_be_disabled()
    fits(page)
    tab.shot("problems")

    page.get_by_role("link", name=zh("Upload a corrected file")).click()
    right = xlsx_bytes([HEADER, ["A-N1", "甲三村党支部", "党支部", "村", town, "赵六"],
                        ["A-N2", "甲四村党支部", "党支部", "村", "A-N1", ""]], title="甲镇基层党组织名册")
    upload(page, "名册.xlsx", right, XLSX)
    expect(page.locator("table.import-creates tbody tr")).to_have_count(2)
    fits(page)
    tab.shot("checked")
    page.get_by_role("button", name=zh("Confirm the import")).click()
    expect(page.locator(".import-result")).to_be_visible()
    page.get_by_role("link", name=zh("See the tree")).click()
    page.get_by_role("link", name="甲三村党支部").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("甲三村党支部")
    expect(page.locator("main")).to_contain_text("甲四村党支部")
    fits(page)
    tab.shot("found")


def test_secretaries_imported_slips_printed_and_the_first_login_sets_a_password(browsing, world):
    tab = browsing.tab(**PHONE)
    tab.log_in_as(world.admin_a)
    page = tab.goto(f"/orgs/{world.town_a.pk}/")
    page.get_by_role("link", name=zh("Import people"), exact=True).click()
    fits(page)
    tab.shot("form")
    header = ["姓名", "登录名", "角色", "组织代码"]
    upload(page, "人员.csv", csv_bytes([header, ["廖仁旺", "liaorenwang", "支书", world.branch_a1.code]], "gb18030"))
    expect(page.locator("table.import-problems")).to_contain_text("C（角色）")
    expect(page.locator("table.import-problems")).to_contain_text("支书")
    fits(page)
    tab.shot("problems")

    page.get_by_role("link", name=zh("Upload a corrected file")).click()
    upload(page, "人员.csv", csv_bytes([header, ["廖仁旺", "liaorenwang", "党支部书记", world.branch_a1.code]], "gb18030"))
    expect(page.locator("table.people-creates")).to_contain_text("liaorenwang")
    fits(page)
    tab.shot("checked")
    page.get_by_role("button", name=zh("Confirm the import")).click()
    page.get_by_role("button", name=zh("Print the initial password slips (A4)")).click()
    expect(page.locator(".slip")).to_have_count(1)
    password = page.locator(".slip .password").inner_text().replace(" ", "")
    assert re.fullmatch(r"[a-z0-9]{12}", password)
    fits(page)
    tab.shot("slips")
    page.goto(tab.url(f"/orgs/{world.town_a.pk}/people/"))
    expect(page.locator("table.people-never")).to_contain_text("liaorenwang")
    fits(page)
    tab.shot("never-logged-in")

    phone = browsing.tab(**PHONE)
    page = phone.page
    phone.goto("/login/")
    page.get_by_label(zh("User name"), exact=True).fill("liaorenwang")
    page.get_by_label(zh("Password"), exact=True).fill(password)
    page.get_by_role("button", name=zh("Log in"), exact=True).click()
    page.wait_for_url(phone.url("/password/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Change your password"))
    fits(page)
    phone.shot("password")
    page.locator("#id_old_password").fill(password)
    page.locator("#id_new_password1").fill("Sicun-2026-branch")
    page.locator("#id_new_password2").fill("Sicun-2026-branch")
    page.get_by_role("button", name=zh("Save the new password")).click()
    page.wait_for_url(phone.url("/"))
    expect(page.locator(".messages")).to_contain_text(zh("Your new password was saved."))
    fits(page)
    phone.shot("home")
