"""In real Chromium, on a 390-pixel phone: the county creates a check, freezes it (the hash shown), types the
public value and draws; an inspector opens the organization from the home page, records a problem item by item,
and the branch's secretary finds the rectification order on the plan; the draw sheet shows what was drawn."""

import pytest
from django.urls import resolve
from playwright.sync_api import expect

from core.browser_testing import fits, zh
from orgs.testing import build_world
from rectification.tests.factories import make_cycle
from spotchecks.models import ChecklistItem, SampledOrganization, SpotCheck
from spotchecks.tests.factories import DEADLINE, make_pool

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    world.cycle = make_cycle(world)
    world.pool = make_pool(world)
    for title in ("台账齐全", "整改措施落实"):  # the default checklist, gone after an earlier test's flush
        ChecklistItem.objects.get_or_create(title=title)
    resolve("/")  # the URLconf imports every app's views and API: seconds on a busy machine, paid before the first page
    return world


def test_a_spot_check_from_its_filters_to_a_rectification_order(browsing, world):
    tab = browsing.tab(**PHONE)
    tab.log_in_as(world.county_admin)
    page = tab.goto(f"/spotchecks/levels/{world.county.pk}/new/")
    page.locator("input[name=title]").fill("2026年台账抽查")
    page.locator("input[name=sample_share]").fill("100")
    page.locator("textarea[name=pool]").fill("inspector1 nobody_here")
    page.get_by_role("button", name=zh("Create the spot check")).click()
    expect(page.locator(".spotcheck-form .errorlist")).to_contain_text("检查人员库：以下用户名不存在或已停用：nobody_here")  # refused, naming the field
    fits(page)
    tab.shot("create-refused")
    page.locator("textarea[name=pool]").fill("inspector1 inspector2 inspector3 admin_a")
    page.get_by_role("button", name=zh("Create the spot check")).click()
    expect(page.locator("h1")).to_contain_text("2026年台账抽查")
    page.get_by_role("button", name=zh("Freeze the population")).click()
    spot_check = SpotCheck.objects.get()
    expect(page.locator("code[data-hash]")).to_have_text(spot_check.population_hash)
    fits(page)
    tab.shot("frozen")
    page.locator("input[name=entropy]").fill("福彩3D 2026318期 417")
    page.get_by_role("button", name=zh("Record the value")).click()
    expect(page.locator("code[data-entropy]")).to_have_text("福彩3D 2026318期 417")
    page.get_by_role("button", name=zh("Draw the sample and the inspectors")).click()
    expect(page.locator("table.sample tbody tr")).to_have_count(6)
    fits(page)
    tab.shot("drawn")
    sheet = tab.goto(f"/spotchecks/{spot_check.pk}/draw-sheet/")
    expect(sheet.locator("table.facts")).to_contain_text(spot_check.population_hash[:20])
    tab.shot("draw-sheet")

    sampled = SampledOrganization.objects.get(spot_check=spot_check, organization=world.branch_a1)
    inspector = sampled.inspectors.order_by("rank").first().inspector
    phone = browsing.tab(**PHONE)
    phone.log_in_as(inspector)
    home = phone.goto("/")
    home.locator("li[data-kind=spotcheck-inspect] a", has_text=world.branch_a1.name).click()
    expect(home.locator("h1")).to_have_text(world.branch_a1.name)
    fits(home)
    phone.shot("inspector-page")
    item = home.locator("section.check-item", has_text="整改措施落实")
    item.get_by_label(zh("Problem found")).check()
    item.locator("textarea[name$=note]").fill("整改台账未按月更新")
    item.get_by_role("button", name=zh("Save")).click()
    item = home.locator("section.check-item", has_text="整改措施落实")
    expect(item.locator(".errorlist")).to_contain_text("限期整改至")  # no deadline: refused, by field
    item.locator("input[name$=deadline]").fill(DEADLINE.isoformat())
    item.get_by_role("button", name=zh("Save")).click()
    item = home.locator("section.check-item", has_text="整改措施落实")
    expect(item.locator(".badge.result-problem")).to_be_visible()
    expect(item.locator("dd.order")).to_contain_text(DEADLINE.isoformat())
    fits(home)
    phone.shot("finding-recorded")

    secretary = browsing.tab(**PHONE)
    secretary.log_in_as(world.secretary_a1)
    plan = secretary.goto(f"/rectification/cycles/{world.cycle.pk}/orgs/{world.branch_a1.pk}/")
    expect(plan.locator("section.problem")).to_contain_text("整改台账未按月更新")
    fits(plan)
    secretary.shot("order-on-the-plan")
