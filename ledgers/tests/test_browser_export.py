"""In real Chromium, with a real worker process: an export asked for while no worker runs says so on its
job page (后台任务未运行) rather than show a bar that never moves; once a worker starts, the page shows
the link to the file by itself, and the file is read again by openpyxl and python-calamine."""

import datetime

import openpyxl
import pytest
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from core.browser_testing import zh
from cycles import services as cycle_services
from orgs.testing import build_world

pytestmark = pytest.mark.browser

YEAR = datetime.date.today().year


@pytest.fixture
def world(transactional_db):
    world = build_world()
    world.cycle = cycle_services.cycle_open(actor=world.county_admin, owner=world.county, year=YEAR, name="年度分类定级",
                                            steps=["self_assessment", "superior_decision", "approval"])
    return world


def test_an_export_waits_for_a_worker_then_gives_the_file(browsing, world, task_worker, tmp_path):
    tab = browsing.tab()
    tab.log_in_as(world.admin_a)
    page = tab.goto(f"/ledgers/{world.cycle.pk}/{world.town_a.pk}/")
    page.get_by_role("link", name=zh("Download the ledger (.xlsx)")).click()  # no file within two seconds: the job page

    notice = page.locator("#job-progress .worker-missing")
    expect(notice).to_contain_text("后台任务未运行")
    expect(notice).to_contain_text("db_worker")
    expect(page.locator("#job-progress")).to_contain_text(zh("Exporting…"))
    tab.shot("no-worker")

    task_worker.start()  # the page polls every second and shows the result without a reload by hand
    result = page.locator(".export-result")
    expect(result).to_contain_text(zh("The export is ready."), timeout=30_000)
    tab.shot("ready")
    with page.expect_download() as download:
        result.get_by_role("link", name=zh("Download")).click()
    saved = tmp_path / "exported.xlsx"
    download.value.save_as(saved)
    cells = {str(value) for row in openpyxl.load_workbook(saved).active.iter_rows(values_only=True)
             for value in row if value is not None}
    assert {world.branch_a1.name, world.branch_a2.name} <= cells
    again = {str(value) for row in CalamineWorkbook.from_path(str(saved)).get_sheet_by_index(0).to_python()
             for value in row if value not in (None, "")}
    assert {world.branch_a1.name, world.branch_a2.name} <= again
