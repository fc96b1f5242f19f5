"""The rectification pages: access (anonymous, no role, inside, outside → 404), the secretary's filing with
refusals shown on the form, the superior's review, progress with evidence, the mid-year check, the exports."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from core.testing import Endpoint, access_tests
from core.versions import version_of
from rectification import services, views
from rectification.models import Measure, MidyearCheck, Plan, Problem, RectificationJob, RectificationSettings
from rectification.tests.factories import DEADLINE, PDF_BYTES, approved_plan, filed_plan, make_cycle, png, two_problems

pytestmark = pytest.mark.django_db


def built(world):
    """A cycle with an approved plan in each town (built once per test)."""
    if not hasattr(world, "plan_a"):
        world.cycle = make_cycle(world)
        world.plan_a = approved_plan(world, world.cycle, problems=two_problems(kind="superior"))
        world.plan_b = approved_plan(world, world.cycle, organization=world.branch_b1, actor=world.admin_b,
                                     reviewer=world.admin_b, problems=two_problems(kind="superior"))
        world.measure_a, world.measure_b = world.plan_a.measures.first(), world.plan_b.measures.first()
    return world


def plan_url(world, plan):
    return reverse("rectification:plan", args=(world.cycle.pk, plan.organization_id))


ENDPOINTS = [
    Endpoint("plan", lambda w: plan_url(built(w), w.plan_a), insider="secretary_a1",
             outside_url=lambda w: plan_url(built(w), w.plan_b)),
    Endpoint("level", lambda w: reverse("rectification:level", args=(built(w).cycle.pk, w.town_a.pk)),
             outside_url=lambda w: reverse("rectification:level", args=(built(w).cycle.pk, w.town_b.pk))),
    Endpoint("midyear", lambda w: reverse("rectification:midyear", args=(built(w).cycle.pk, w.town_a.pk)),
             insider="reviewer_a", without_role="observer_a",
             outside_url=lambda w: reverse("rectification:midyear", args=(built(w).cycle.pk, w.town_b.pk))),
    Endpoint("letter", lambda w: reverse("rectification:letter", args=(built(w).plan_a.pk,)),
             outside_url=lambda w: reverse("rectification:letter", args=(built(w).plan_b.pk,))),
    Endpoint("verify", lambda w: reverse("rectification:measure_move", args=(built(w).measure_a.pk, "answer")),
             method="post", insider="reviewer_a", data={"answer": "镇里协调"}, ok=(302,), without_role="observer_a",
             outside_url=lambda w: reverse("rectification:measure_move", args=(built(w).measure_b.pk, "answer"))),
]
test_anonymous, test_no_role, test_inside, test_outside, test_inside_without_the_role = access_tests(ENDPOINTS)


def test_a_secretary_files_a_problem_and_a_refusal_keeps_what_was_typed(client, world):
    cycle = make_cycle(world)
    client.force_login(world.secretary_a1)
    url = reverse("rectification:plan", args=(cycle.pk, world.branch_a1.pk))
    page = client.get(url)
    assert page.status_code == 200 and "File a problem" in page.content.decode() or "问题" in page.content.decode()
    file_url = reverse("rectification:problem_file", args=(cycle.pk, world.branch_a1.pk))
    refused = client.post(file_url, {"title": "党员作用发挥不够好", "source": "other", "text": "每月开展主题党日",
                                     "kind": "planned", "responsible_person": "", "deadline": DEADLINE.isoformat()})
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "每月开展主题党日" in body and ("responsible person" in body.lower() or "整改责任人" in body)
    assert not Problem.objects.exists() and not Plan.objects.exists()
    late = client.post(file_url, {"title": "党员作用发挥不够好", "source": "other", "text": "每月开展主题党日",
                                  "kind": "planned", "responsible_person": "唐辉", "deadline": "2027-03-01"})
    assert late.status_code == 200 and "2027-03-01" in late.content.decode()
    for title in ("党员作用发挥不够好", "活动阵地建设进度慢"):
        done = client.post(file_url, {"title": title, "source": "other", "text": "措施", "kind": "planned",
                                      "responsible_person": "唐辉", "deadline": DEADLINE.isoformat(),
                                      "assisting_unit": "县委统战部"})
        assert done.status_code == 302
    plan = Plan.objects.get()
    client.post(reverse("rectification:targets", args=(plan.pk,)), {"target_grade": "advanced", "target_stars": "",
                                                                    "version": version_of(plan)})
    assert client.post(reverse("rectification:submit", args=(plan.pk,))).status_code == 302
    plan.refresh_from_db()
    assert plan.state == "submitted" and plan.measures.count() == 2


def test_the_superior_returns_one_measure_then_approves(client, world):
    cycle = make_cycle(world)
    plan = services.plan_submit(actor=world.secretary_a1, plan=filed_plan(world, cycle))
    first = plan.measures.order_by("pk").first()
    client.force_login(world.reviewer_a)
    page = client.get(reverse("rectification:plan", args=(cycle.pk, world.branch_a1.pk)))
    assert f'name="reason-{first.pk}"' in page.content.decode()
    review = reverse("rectification:review", args=(plan.pk,))
    client.post(review, {"decision": "return", f"reason-{first.pk}": "不具体"})
    first.refresh_from_db()
    assert first.review == "returned"
    services.measure_update(actor=world.secretary_a1, measure=first, text="每月第一个周五开展主题党日")
    services.plan_submit(actor=world.secretary_a1, plan=plan)
    client.post(review, {"decision": "approve"})
    plan.refresh_from_db()
    assert plan.state == "approved"


def test_progress_with_evidence_then_verify_and_the_midyear_check(client, world):
    cycle = make_cycle(world)
    plan = approved_plan(world, cycle)
    measure = plan.measures.first()
    client.force_login(world.secretary_a1)
    upload = png()
    response = client.post(reverse("rectification:progress", args=(measure.pk,)), {
        "reported_on": "2026-06-01", "text": "开展主题党日3次",
        "files": [SimpleUploadedFile("照片.png", upload.getvalue(), content_type="image/png")]})
    assert response.status_code == 302, response.content.decode()[:500]
    evidence = plan.evidence.get()
    assert client.get(reverse("rectification:evidence", args=(evidence.pk,))).status_code == 200
    bad = client.post(reverse("rectification:progress", args=(measure.pk,)), {
        "reported_on": "2026-06-02", "text": "x", "files": [SimpleUploadedFile("病毒.png", b"MZ\x90", content_type="image/png")]})
    assert bad.status_code == 200 and "病毒.png" in bad.content.decode()
    client.post(reverse("rectification:measure_move", args=(measure.pk, "done")))
    client.force_login(world.reviewer_a)
    client.post(reverse("rectification:measure_move", args=(measure.pk, "verify")))
    measure.refresh_from_db()
    assert measure.state == "verified"
    midyear = reverse("rectification:midyear", args=(cycle.pk, world.town_a.pk))
    refused = client.post(midyear, {f"rating-{world.branch_a1.pk}": "praise", f"rating-{world.branch_a2.pk}": "criticize"})
    assert refused.status_code == 200 and not MidyearCheck.objects.exists()
    assert 'value="criticize" selected' in refused.content.decode()  # what was chosen stays chosen
    client.post(midyear, {f"rating-{world.branch_a1.pk}": "praise", f"rating-{world.branch_a2.pk}": "criticize",
                          f"reason-{world.branch_a2.pk}": "未开展整改", f"deadline-{world.branch_a2.pk}": "2026-12-20"})
    assert MidyearCheck.objects.count() == 2
    level = client.get(reverse("rectification:level", args=(cycle.pk, world.town_a.pk))).content.decode()
    assert "rating-praise" in level and "rating-criticize" in level


def test_the_level_exports_its_measure_list_as_xlsx(client, world):
    cycle = make_cycle(world)
    approved_plan(world, cycle)
    client.force_login(world.admin_a)
    response = client.get(reverse("rectification:export", args=(cycle.pk, world.town_a.pk, "measures")))
    assert response.status_code == 302
    job = RectificationJob.objects.get()
    assert job.state == "done" and job.result["rows"] == 2
    content = b"".join(client.get(reverse("rectification:job_download", args=(job.pk,))).streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.cell(2, 5).value == "整改措施" and sheet.cell(3, 5).value == "每月开展一次主题党日"
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[3][4] == "8月底前建好村级活动阵地" and rows[3][6] == "黄玉生"
    assert Measure.objects.count() == 2


def test_the_responsibility_letter_prints_makes_a_pdf_and_is_completed_by_the_signed_scan(client, world):
    cycle = make_cycle(world)
    plan = approved_plan(world, cycle)
    client.force_login(world.secretary_a1)
    page = client.get(reverse("rectification:letter", args=(plan.pk,))).content.decode()
    assert "目标责任书" in page and "8月底前建好村级活动阵地" in page and "甲镇党委" in page and "书记签字" in page
    response = client.post(reverse("rectification:letter_pdf", args=(plan.pk,)))
    job = RectificationJob.objects.get(kind="letter")
    assert response.status_code == 302 and job.state == "done", job.problems
    pdf = b"".join(client.get(reverse("rectification:job_download", args=(job.pk,))).streaming_content)
    assert pdf.startswith(b"%PDF-")
    signed = client.post(reverse("rectification:letter_sign", args=(plan.pk,)), {
        "letter_signed_on": "2026-05-10",
        "letter_scan": SimpleUploadedFile("责任书.pdf", PDF_BYTES, content_type="application/pdf")})
    assert signed.status_code == 302
    plan.refresh_from_db()
    assert plan.letter_scan.content_type == "application/pdf" and str(plan.letter_signed_on) == "2026-05-10"


def test_the_cycle_owner_sets_the_rectification_numbers(client, world):
    cycle = make_cycle(world)
    url = reverse("rectification:settings", args=(cycle.pk,))
    client.force_login(world.admin_a)
    assert client.get(url).status_code == 403  # the town sees the county's cycle, but it is not the town's to change
    client.force_login(world.county_admin)
    page = client.get(url).content.decode()
    assert 'value="2026-04-27"' in page and 'value="2026-05-07"' in page  # seeds/002's days, this year
    response = client.post(url, {"min_problems": 3, "committee_plan_due": "2026-04-27", "plan_due": "2026-05-07",
                                 "midyear_due": "2026-06-30", "ends_on": "2026-06-01"})
    assert response.status_code == 200 and "2026-06-01" not in str(RectificationSettings.objects.all())
    assert not RectificationSettings.objects.exists()
    client.post(url, {"min_problems": 3, "committee_plan_due": "2026-04-27", "plan_due": "2026-05-07",
                      "midyear_due": "2026-06-30", "ends_on": "2026-11-30"})
    assert RectificationSettings.objects.get().min_problems == 3


def test_a_committee_sets_its_overall_targets_on_its_page(client, world):
    cycle = make_cycle(world)
    plan = services.plan_ensure(actor=world.admin_a, cycle=cycle, organization=world.town_a)
    client.force_login(world.admin_a)
    page = client.get(reverse("rectification:plan", args=(cycle.pk, world.town_a.pk))).content.decode()
    assert 'name="overall-share-0" inputmode="decimal" placeholder="30%" aria-label' in page and 'value="30"' in page
    data = {"target_grade": "", "target_stars": "", "overall-from-0": "average", "overall-to-0": "advanced",
            "overall-share-0": "35", "overall-from-1": "", "overall-to-1": "", "overall-share-1": "",
            "version": version_of(plan)}
    client.post(reverse("rectification:targets", args=(plan.pk,)), data)
    plan.refresh_from_db()
    assert plan.overall_targets == [{"from": "average", "to": "advanced", "share": "0.35"}]
    refused = client.post(reverse("rectification:targets", args=(plan.pk,)), {**data, "overall-to-0": "lagging"})
    assert refused.status_code == 200 and "整体晋位目标" in refused.content.decode()


def test_a_level_pages_its_subordinates_while_its_counts_cover_the_subtree(client, world, monkeypatch):
    cycle = make_cycle(world)
    approved_plan(world, cycle)
    monkeypatch.setattr(views, "LEVEL_PAGE", 1)
    client.force_login(world.admin_a)
    url = reverse("rectification:level", args=(cycle.pk, world.town_a.pk))
    first, second = client.get(url).content.decode(), client.get(url, {"page": 2}).content.decode()
    assert f'data-org="{world.branch_a1.pk}"' in first and f'data-org="{world.branch_a2.pk}"' not in first
    assert f'data-org="{world.branch_a2.pk}"' in second
    assert 'data-overdue="2"' in first or 'data-overdue="0"' in first  # the subtree's count, on every page
    assert client.get(url, {"page": "x"}).status_code == 200 and client.get(url, {"page": 99}).status_code == 200
