"""The spot check pages: generated access tests, the draw walked through the pages with its refusals named in
Chinese, the inspector's audited read and findings, the 公示 sheets, and the workbook read back by two readers."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from core.models import AuditEvent
from core.testing import Endpoint, access_tests
from rectification.models import Measure
from rectification.tests.factories import make_cycle
from spotchecks import rules, services
from spotchecks.choices import SpotCheckState
from spotchecks.models import ChecklistItem, Finding, SampledOrganization, SpotCheck, SpotCheckJob
from spotchecks.tests.factories import DEADLINE

pytestmark = pytest.mark.django_db


def town_check(world, level, actor, pool, *, drawn=True):
    cycle = make_cycle(world) if not hasattr(world, "cycle") else world.cycle
    world.cycle = cycle
    spot_check = services.spotcheck_create(actor=actor, cycle=cycle, level=level, title=f"{level.name}抽查",
                                           sample_share=Decimal("1"), pool=pool)
    if drawn:
        spot_check = services.spotcheck_freeze(actor=actor, spot_check=spot_check)
        spot_check = services.spotcheck_enter_entropy(actor=actor, spot_check=spot_check, entropy="2026-08-01 3D 417")
        spot_check = services.spotcheck_draw(actor=actor, spot_check=spot_check)
    return spot_check


def built(world):
    """A drawn check by each town (town_a's inspected by reviewer_a and observer_a), and a draft one by town_a."""
    if not hasattr(world, "check_a"):
        world.check_a = town_check(world, world.town_a, world.admin_a, [world.reviewer_a, world.observer_a])
        world.check_b = town_check(world, world.town_b, world.admin_b, [world.admin_b, world.county_admin])
        world.draft_a = town_check(world, world.town_a, world.admin_a, [world.reviewer_a], drawn=False)
        world.draft_b = town_check(world, world.town_b, world.admin_b, [world.admin_b], drawn=False)
        world.sampled_a = SampledOrganization.objects.get(spot_check=world.check_a, organization=world.branch_a1)
        world.sampled_b = SampledOrganization.objects.get(spot_check=world.check_b, organization=world.branch_b1)
        world.item = ChecklistItem.objects.get_or_create(title="台账齐全")[0]
    return world


def url(name, *args):
    return reverse(f"spotchecks:{name}", args=args)


def finding_data(world):
    return {f"item-{world.item.pk}-result": "met", f"item-{world.item.pk}-evidence": "查阅台账"}


ENDPOINTS = [
    Endpoint("detail", lambda w: url("detail", built(w).check_a.pk), outside_url=lambda w: url("detail", built(w).check_b.pk)),
    Endpoint("freeze", lambda w: url("freeze", built(w).draft_a.pk), method="post", ok=(302,),
             without_role="observer_a", outside_url=lambda w: url("freeze", built(w).draft_b.pk)),
    Endpoint("draw_sheet", lambda w: url("draw_print", built(w).check_a.pk),
             outside_url=lambda w: url("draw_print", built(w).check_b.pk)),
    Endpoint("report", lambda w: url("report_print", built(w).check_a.pk),
             outside_url=lambda w: url("report_print", built(w).check_b.pk)),
    Endpoint("export", lambda w: url("export", built(w).check_a.pk), ok=(302,),
             outside_url=lambda w: url("export", built(w).check_b.pk)),
    Endpoint("sampled", lambda w: url("sampled", built(w).sampled_a.pk), insider="reviewer_a",
             outside_url=lambda w: url("sampled", built(w).sampled_b.pk)),
    Endpoint("finding", lambda w: url("finding", built(w).sampled_a.pk, w.item.pk), method="post",
             insider="reviewer_a", data=finding_data, ok=(302,), without_role="admin_a",
             outside_url=lambda w: url("finding", built(w).sampled_b.pk, w.item.pk)),
    Endpoint("create", lambda w: url("create", w.town_a.pk), without_role="observer_a",
             outside_url=lambda w: url("create", w.town_b.pk)),
]
test_anonymous, test_no_role, test_inside, test_outside, test_inside_without_the_role = access_tests(ENDPOINTS)


def test_the_draw_through_the_pages_with_its_refusals_named(client, world):
    cycle = make_cycle(world)
    client.force_login(world.county_admin)
    form = {"title": "2026年台账抽查", "cycle": str(cycle.pk),
            "sample_share": "50", "veto_weight": "2", "overdue_weight": "2", "inspectors_per_organization": "2",
            "stratify_by": "sector", "pool": "nobody_here county_admin"}
    refused = client.post(url("create", world.county.pk), form)
    assert refused.status_code == 200 and "nobody_here" in refused.content.decode() and "检查人员库" in refused.content.decode()
    assert not SpotCheck.objects.exists()
    created = client.post(url("create", world.county.pk), {**form, "pool": "county_admin, admin_b 、reviewer_a\nobserver_a"})
    spot_check = SpotCheck.objects.get()
    assert created.status_code == 302 and created["Location"] == url("detail", spot_check.pk)
    assert spot_check.sample_share == Decimal("0.5") and spot_check.pool.count() == 4

    early = client.post(url("entropy", spot_check.pk), {"entropy": "417"})
    assert early.status_code == 400 and "公开随机数：请先冻结" in early.content.decode()
    early = client.post(url("draw", spot_check.pk))
    assert early.status_code == 400 and "请先冻结" in early.content.decode()
    assert client.post(url("freeze", spot_check.pk)).status_code == 302
    spot_check.refresh_from_db()
    page = client.get(url("detail", spot_check.pk)).content.decode()
    assert spot_check.population_hash in page and spot_check.population_size == 6
    no_value = client.post(url("draw", spot_check.pk))
    assert no_value.status_code == 400 and "公开随机数：请在抽取前录入" in no_value.content.decode()
    assert client.post(url("entropy", spot_check.pk), {"entropy": " 417 "}).status_code == 302
    again = client.post(url("entropy", spot_check.pk), {"entropy": "999"})
    assert again.status_code == 400 and "不能更改" in again.content.decode()
    assert client.post(url("draw", spot_check.pk)).status_code == 302
    spot_check.refresh_from_db()
    assert spot_check.state == SpotCheckState.DRAWN and spot_check.entropy == "417"
    page = client.get(url("detail", spot_check.pk)).content.decode()
    for row in SampledOrganization.objects.filter(spot_check=spot_check).select_related("organization"):
        assert row.organization.name in page
    sheet = client.get(url("draw_print", spot_check.pk)).content.decode()
    assert spot_check.population_hash in sheet and "417" in sheet and "抽取结果公示" in sheet


def test_a_pool_too_small_is_refused_on_the_page_and_nothing_drawn(client, world):
    cycle = make_cycle(world)
    spot_check = services.spotcheck_create(actor=world.county_admin, cycle=cycle, level=world.county, title="抽查",
                                           sample_share=Decimal("1"), pool=[world.admin_a])
    services.spotcheck_freeze(actor=world.county_admin, spot_check=spot_check)
    services.spotcheck_enter_entropy(actor=world.county_admin, spot_check=spot_check, entropy="1")
    client.force_login(world.county_admin)
    refused = client.post(url("draw", spot_check.pk))
    assert refused.status_code == 400 and "检查人员库" in refused.content.decode()
    assert not SampledOrganization.objects.exists()


def test_the_inspector_reads_audited_and_a_problem_becomes_an_order_on_the_plan(client, world):
    world = built(world)
    sampled = world.sampled_a
    client.force_login(world.reviewer_a)
    page = client.get(url("sampled", sampled.pk))
    assert page.status_code == 200 and "甲一村党支部" in page.content.decode()
    read = AuditEvent.objects.get(action="spotcheck.read", object_id=str(sampled.pk))
    assert read.actor == world.reviewer_a and read.organization == world.branch_a1
    item = ChecklistItem.objects.get_or_create(title="整改措施落实")[0]
    prefix = f"item-{item.pk}-"
    refused = client.post(url("finding", sampled.pk, item.pk), {prefix + "result": "problem", prefix + "note": "未按月更新"})
    assert refused.status_code == 400 and "整改时限" in refused.content.decode() and "未按月更新" in refused.content.decode()
    assert not Finding.objects.exists()
    saved = client.post(url("finding", sampled.pk, item.pk), {
        prefix + "result": "problem", prefix + "note": "整改台账未按月更新", prefix + "evidence": "查阅2026年台账",
        prefix + "deadline": DEADLINE.isoformat()})
    assert saved.status_code == 302
    measure = Measure.objects.get(pk=Finding.objects.get().measure_id)
    assert measure.plan.organization == world.branch_a1 and measure.deadline == DEADLINE
    client.force_login(world.secretary_a1)
    plan_page = client.get(reverse("rectification:plan", args=(world.cycle.pk, world.branch_a1.pk)))
    assert "整改台账未按月更新" in plan_page.content.decode()
    client.force_login(world.admin_a)
    report = client.get(url("report_print", world.check_a.pk)).content.decode()
    assert "整改台账未按月更新" in report and "结果通报" in report


def test_an_inspector_from_another_town_reads_only_while_the_check_is_open(client, world):
    """reviewer_a holds no role in town_b: the check's grant alone opens its branch's records, then closes."""
    spot_check = town_check(world, world.town_b, world.admin_b, [world.reviewer_a, world.observer_a])
    sampled = SampledOrganization.objects.get(spot_check=spot_check, organization=world.branch_b1)
    client.force_login(world.reviewer_a)
    assert client.get(url("sampled", sampled.pk)).status_code == 200
    assert client.get(url("detail", spot_check.pk)).status_code == 200
    assert AuditEvent.objects.filter(action="spotcheck.read", actor=world.reviewer_a).count() == 1
    services.spotcheck_close(actor=world.admin_b, spot_check=spot_check)
    assert client.get(url("sampled", sampled.pk)).status_code == 404
    item = ChecklistItem.objects.get_or_create(title="台账齐全")[0]
    assert client.post(url("finding", sampled.pk, item.pk), {f"item-{item.pk}-result": "met"}).status_code == 404


def test_the_workbook_is_read_back_by_two_readers(client, world):
    world = built(world)
    client.force_login(world.admin_a)
    response = client.get(url("export", world.check_a.pk))
    assert response.status_code == 302
    job = SpotCheckJob.objects.get()
    assert job.state == "done", job.problems
    content = b"".join(client.get(url("job_download", job.pk)).streaming_content)
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert calamine.sheet_names == ["抽查情况", "抽查对象", "发现问题", "总体名单"]
    facts = dict((row[0], row[1]) for row in calamine.get_sheet_by_name("抽查情况").to_python()[2:])
    assert facts["总体哈希值（SHA-256）"] == world.check_a.population_hash
    assert facts["公开随机数"] == "2026-08-01 3D 417"
    sample = calamine.get_sheet_by_name("抽查对象").to_python()[2:]
    assert sorted(row[4] for row in sample) == sorted([world.branch_a1.code, world.branch_a2.code])
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    population = [row for row in workbook["总体名单"].iter_rows(min_row=3, values_only=True)]
    codes = [row[1] for row in population]
    assert rules.population_hash(codes) == world.check_a.population_hash
    assert [row[3] for row in workbook["抽查对象"].iter_rows(min_row=3, values_only=True)][0] in ("甲一村党支部", "甲二村党支部")
