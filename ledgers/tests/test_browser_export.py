"""In real Chromium: an export that takes more than two seconds shows a progress bar that moves by
itself, then the link to the file; the file is opened again by openpyxl."""

import datetime
import threading

import openpyxl
import pytest
from playwright.sync_api import expect

from core.browser_testing import zh
from core.testing import build_world
from cycles import services as cycle_services
from ledgers import printing

pytestmark = pytest.mark.browser

YEAR = datetime.date.today().year


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.LEDGER_JOBS_INLINE = False  # the export runs in a thread of its own, as on the server
    world = build_world()
    world.cycle = cycle_services.cycle_open(actor=world.county_admin, owner=world.county, year=YEAR, name="年度分类定级",
                                            steps=["self_assessment", "superior_decision", "approval"])
    return world


@pytest.fixture
def slow_export(monkeypatch):
    """The export stops after its first row until the test lets it go on."""
    paused, release = threading.Event(), threading.Event()
    real = printing.form_tables

    def form_tables(*args, counted, **kwargs):
        def count_then_pause():
            counted()
            if not paused.is_set():
                paused.set()
                release.wait(30)

        return real(*args, counted=count_then_pause, **kwargs)

    monkeypatch.setattr(printing, "form_tables", form_tables)
    yield paused, release
    release.set()


def test_a_long_export_shows_its_progress_then_the_file(browsing, world, slow_export, tmp_path):
    paused, release = slow_export
    tab = browsing.tab()
    tab.log_in_as(world.admin_a)
    page = tab.goto(f"/ledgers/{world.cycle.pk}/{world.town_a.pk}/")
    page.get_by_role("link", name=zh("Download the ledger (.xlsx)")).click()  # no file within two seconds: the job page

    bar = page.locator("#job-progress progress")
    expect(bar).to_have_attribute("value", "1")
    total = int(bar.get_attribute("max"))
    assert total >= 2 and paused.is_set()
    expect(page.locator("#job-progress")).to_contain_text(zh("Exporting…"))
    tab.shot("progress")

    release.set()  # the page polls every second and shows the result without a reload by hand
    result = page.locator(".export-result")
    expect(result).to_contain_text(zh("The export is ready."), timeout=15_000)
    tab.shot("ready")
    with page.expect_download() as download:
        result.get_by_role("link", name=zh("Download")).click()
    saved = tmp_path / "exported.xlsx"
    download.value.save_as(saved)
    cells = {str(value) for row in openpyxl.load_workbook(saved).active.iter_rows(values_only=True)
             for value in row if value is not None}
    assert {world.branch_a1.name, world.branch_a2.name} <= cells
