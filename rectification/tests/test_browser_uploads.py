"""A branch secretary's evidence on a 390-pixel phone: a web page named .pdf is refused in words naming the
file, and past the hourly allowance the upload is refused on a page that says when to try again."""

import pytest
from playwright.sync_api import expect

from core.browser_testing import fits
from orgs.testing import build_world
from rectification.tests.factories import approved_plan, make_cycle, png_bytes

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    world.plan = approved_plan(world, make_cycle(world))
    return world


def report(page, measure_pk: int, path) -> None:
    card = page.locator(f"#measure-{measure_pk}")
    card.locator("summary").filter(has_text="报告进展").click()
    card.locator("[name=text]").fill("召开主题党日一次")
    card.locator("[name=files]").set_input_files(str(path))
    card.locator("form.progress button").click()


def test_evidence_refused_by_its_content_and_by_the_hourly_allowance_on_a_phone(browsing, world, settings, tmp_path):
    settings.UPLOADS_PER_HOUR = 2
    measure = world.plan.measures.order_by("pk").first()
    plan_path = f"/rectification/cycles/{world.plan.cycle_id}/orgs/{world.plan.organization_id}/"
    page_file = tmp_path / "会议记录.pdf"
    page_file.write_bytes(b"<!doctype html><html><body><script>alert(1)</script></body></html>")
    photo = tmp_path / "主题党日.png"
    photo.write_bytes(png_bytes())
    secretary = browsing.tab(**PHONE)
    secretary.page.context.set_default_timeout(20_000)  # the plan's page is long: a loaded CI machine takes its time
    secretary.log_in_as(world.secretary_a1)

    page = secretary.goto(plan_path)
    report(page, measure.pk, page_file)
    expect(page.locator(".errorlist, .error").filter(has_text="会议记录.pdf").first).to_contain_text("只接受 PDF 文件")
    fits(page)
    secretary.shot("web-page-refused")
    assert not world.plan.evidence.exists()

    page = secretary.goto(plan_path)
    report(page, measure.pk, photo)  # the second upload of the hour: kept
    expect(page.locator(f"#measure-{measure.pk} a", has_text="主题党日.png")).to_be_visible()
    report(page, measure.pk, photo)  # the third: refused
    expect(page.locator("h1")).to_have_text("上传次数过多")
    expect(page.locator("[role=alert]")).to_contain_text("2 个文件")
    fits(page)
    secretary.shot("allowance-refused")
    assert world.plan.evidence.count() == 1
    # The browser reports the 429 as a failed load: the one expected here, not a page error.
    refused = [problem for problem in browsing.guard.problems if "status of 429" in problem]
    assert len(refused) == 1
    browsing.guard.problems.remove(refused[0])
