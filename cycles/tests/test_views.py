"""Cycle pages: access generated per page, and the workflow walked through the forms."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.testing import Endpoint, access_tests
from cycles import services
from cycles.choices import GradingState, ListState, Step
from cycles.models import Cycle, CycleAttachment, Grading, LevelList, StepRecord, SurveyAnswer
from cycles.selectors.grades import _grade_table
from cycles.tests.test_services import record_own_steps
from orgs import services as org_services
from orgs.choices import OrganizationKind, Sector
from orgs.testing import make_org
from standards import services as standard_services
from standards.choices import GRADE_ORDER, Grade
from standards.tests.factories import make_standard

TODAY = datetime.date.today()


@pytest.fixture
def world(world, settings, tmp_path):
    """The shared World with the county's cycle (opened by county_admin), a cycle of each town, a notice
    attachment on each town's cycle, and a step with an attachment in branch_a2 and branch_b2."""
    settings.MEDIA_ROOT = tmp_path
    world.standard = make_standard(world.county_admin, world.county)
    world.cycle = services.cycle_open(actor=world.county_admin, owner=world.county, year=2026, name="2026年分类定级",
                                      standards={"village": world.standard}, notice="请各单位按时完成", survey_enabled=True)
    world.cycle_a = services.cycle_open(actor=world.admin_a, owner=world.town_a, year=2026, name="甲镇2026", preset="hunan")
    world.cycle_b = services.cycle_open(actor=world.admin_b, owner=world.town_b, year=2026, name="乙镇2026", preset="hunan")
    world.notice_a = services.cycle_attachment_add(actor=world.admin_a, cycle=world.cycle_a, title="实施方案",
                                                   file=SimpleUploadedFile("a.pdf", b"%PDF-1.4 a"))
    world.notice_b = services.cycle_attachment_add(actor=world.admin_b, cycle=world.cycle_b, title="实施方案",
                                                   file=SimpleUploadedFile("b.pdf", b"%PDF-1.4 b"))
    for branch, actor in ((world.branch_a2, world.admin_a), (world.branch_b2, world.admin_b)):
        services.step_record(actor=actor, grading=grading(world, branch), step="public_rating", held_on=TODAY,
                             participants=30, votes={"advanced": 20, "average": 10},
                             attachment=SimpleUploadedFile("votes.png", b"\x89PNG\r\n\x1a\n20,10"))
    return world


def grading(world, organization, cycle=None) -> Grading:
    return Grading.objects.get(cycle=cycle or world.cycle, organization=organization)


def grading_url(name: str, branch: str, *args):
    return lambda world: reverse(name, args=[grading(world, getattr(world, branch)).pk, *args])


def level_url(name: str, level: str, cycle: str = "cycle"):
    return lambda world: reverse(name, args=[getattr(world, cycle).pk, getattr(world, level).pk])


def cycle_url(name: str, cycle: str, query: str = ""):
    return lambda world: reverse(name, args=[getattr(world, cycle).pk]) + query


POSTED = (200, 302, 403)  # a refusal inside the scope re-renders the form or answers 403, never 404

ENDPOINTS = [
    Endpoint("cycles:list", lambda world: reverse("cycles:list")),
    Endpoint("cycles:open", lambda world: reverse("cycles:open")),
    Endpoint("cycles:detail", cycle_url("cycles:detail", "cycle"), outside_url=cycle_url("cycles:detail", "cycle_b")),
    Endpoint("cycles:detail[level]", lambda world: cycle_url("cycles:detail", "cycle", f"?level={world.town_a.pk}")(world),
             outside_url=lambda world: cycle_url("cycles:detail", "cycle", f"?level={world.town_b.pk}")(world)),
    Endpoint("cycles:detail[secretary]", cycle_url("cycles:detail", "cycle"), insider="secretary_a1",
             outside_url=cycle_url("cycles:detail", "cycle_b")),
    Endpoint("cycles:edit", cycle_url("cycles:edit", "cycle_a"), outside_url=cycle_url("cycles:edit", "cycle_b"),
             without_role="reviewer_a"),
    Endpoint("cycles:notice_attachment", lambda world: reverse("cycles:notice_attachment", args=[world.notice_a.pk]),
             outside_url=lambda world: reverse("cycles:notice_attachment", args=[world.notice_b.pk])),
    Endpoint("cycles:level_list", level_url("cycles:level_list", "town_a"),
             outside_url=level_url("cycles:level_list", "town_b")),
    Endpoint("cycles:survey", level_url("cycles:survey", "branch_a1"), insider="secretary_a1",
             outside_url=level_url("cycles:survey", "branch_b1")),
    Endpoint("cycles:grading[secretary]", grading_url("cycles:grading", "branch_a1"), insider="secretary_a1",
             outside_url=grading_url("cycles:grading", "branch_b1")),
    Endpoint("cycles:grading[reviewer]", grading_url("cycles:grading", "branch_a1"), insider="reviewer_a",
             outside_url=grading_url("cycles:grading", "branch_b1")),
    Endpoint("cycles:step_attachment", grading_url("cycles:step_attachment", "branch_a2", "public_rating"),
             outside_url=grading_url("cycles:step_attachment", "branch_b2", "public_rating")),
    Endpoint("cycles:step_record", grading_url("cycles:step_record", "branch_a1", "public_rating"), method="post",
             insider="secretary_a1", outside_url=grading_url("cycles:step_record", "branch_b1", "public_rating"),
             data={"held_on": TODAY.isoformat(), "participants": "10", "grade": "advanced"}, ok=POSTED,
             without_role="reviewer_a"),
    *(Endpoint(f"cycles:{name}", grading_url(f"cycles:{name}", "branch_a1"), method="post", insider=insider,
               outside_url=grading_url(f"cycles:{name}", "branch_b1"), data=data, ok=POSTED, without_role=without_role)
      for name, insider, data, without_role in (
          ("submit", "secretary_a1", {}, "reviewer_a"),
          ("decide", "reviewer_a", {"grade": "advanced"}, "secretary_a1"),
          ("return", "reviewer_a", {"reason_public_rating": "x"}, "secretary_a1"),
          ("department_input", "reviewer_a", {"department": "信访局", "score": "80"}, "secretary_a1"),
          ("reopen", "admin_a", {"reason": "x"}, "reviewer_a"),
      )),
    Endpoint("cycles:extend", lambda world: reverse("cycles:extend", args=[grading(world, world.branch_a1, world.cycle_a).pk]),
             method="post", outside_url=lambda world: reverse("cycles:extend", args=[
                 grading(world, world.branch_b1, world.cycle_b).pk]),
             data={"step": "self_assessment", "until": "2099-01-01", "reason": "延期"}, ok=POSTED,
             without_role="reviewer_a"),
    *(Endpoint(f"cycles:{name}", lambda world, name=name: reverse(f"cycles:{name}", args=[world.cycle.pk])
               + f"?level={world.town_a.pk}",
               outside_url=lambda world, name=name: reverse(f"cycles:{name}", args=[world.cycle.pk])
               + f"?level={world.town_b.pk}") for name in ("survey_summary", "survey_export")),
    Endpoint("cycles:list_submit", level_url("cycles:list_submit", "town_a"), method="post", insider="reviewer_a",
             outside_url=level_url("cycles:list_submit", "town_b"), ok=POSTED, without_role="county_admin"),
    Endpoint("cycles:list_approve", level_url("cycles:list_approve", "town_a"), method="post",
             outside_url=level_url("cycles:list_approve", "town_b"), ok=POSTED, without_role="observer_a"),
    Endpoint("cycles:list_return", level_url("cycles:list_return", "town_a"), method="post",
             outside_url=level_url("cycles:list_return", "town_b"), ok=POSTED, without_role="observer_a"),
]

test_anonymous, test_no_role, test_inside, test_outside, test_inside_without_the_role = access_tests(ENDPOINTS)

pytestmark = pytest.mark.django_db


# Opening a cycle --------------------------------------------------------------------------------


def open_data(world, **changes):
    data = {
        "owner": world.county.code, "year": "2027", "name": "2027年分类定级", "preset": "hunan",
        "deadline_self_assessment": "2027-04-18", "deadline_superior_decision": "2027-04-27",
        "list_deadline_1": "2027-05-07", f"standard_{Sector.VILLAGE}": str(world.standard_2027.pk),
        "notice": "各党组织按实施方案开展分类定级", "attachment_title": "实施方案", "survey_enabled": "on",
        "lock_after_deadline": "on",
        "quotas-TOTAL_FORMS": "3", "quotas-INITIAL_FORMS": "0", "quotas-MIN_NUM_FORMS": "0", "quotas-MAX_NUM_FORMS": "1000",
        "quotas-0-grade": "advanced", "quotas-0-share": "25", "quotas-0-bound": "at_most",
        "quotas-1-grade": "lagging", "quotas-1-share": "5", "quotas-1-bound": "at_least",
        "quotas-2-grade": "", "quotas-2-share": "", "quotas-2-bound": "at_most",
    }
    return data | changes


def test_open_a_cycle_through_the_form(client, world):
    world.standard_2027 = make_standard(world.county_admin, world.county, year=2027)
    client.force_login(world.county_admin)
    page = client.get(reverse("cycles:open"))
    assert page.status_code == 200
    form = page.context["form"]
    assert form["owner"].value() == world.county.code
    assert set(form.sectors) == {Sector.VILLAGE, Sector.REGIONAL}
    assert page.context["quotas"].initial[0]["grade"] == "advanced"  # the seeds' defaults to start from

    bad = client.post(reverse("cycles:open"), open_data(world, deadline_self_assessment="2027-02-30"))
    assert bad.status_code == 200 and "deadline_self_assessment" in bad.context["form"].errors
    label = str(bad.context["form"]["deadline_self_assessment"].label)
    assert label in bad.content.decode()  # the message names the field
    missing = client.post(reverse("cycles:open"), open_data(world, deadline_superior_decision=""))
    assert "deadline_superior_decision" in missing.context["form"].errors  # every step of the chain needs its date
    bad_share = client.post(reverse("cycles:open"), open_data(world, **{"quotas-0-share": "130"}))
    assert bad_share.status_code == 200 and bad_share.context["quotas"].errors[0]
    assert not Cycle.objects.filter(year=2027).exists()

    data = open_data(world, deadline_public_rating="2027-03-01") | {  # not a step of Hunan's chain: not kept
        "attachment": SimpleUploadedFile("方案.pdf", "%PDF-1.4 实施方案全文".encode())}
    response = client.post(reverse("cycles:open"), data)
    cycle = Cycle.objects.get(owner=world.county, year=2027)
    assert response.status_code == 302 and response["Location"] == reverse("cycles:detail", args=[cycle.pk])
    assert cycle.steps == [Step.SELF_ASSESSMENT, Step.SUPERIOR_DECISION]
    assert cycle.deadlines == {"self_assessment": "2027-04-18", "superior_decision": "2027-04-27"}
    assert cycle.list_deadlines == {"1": "2027-05-07"}
    assert cycle.quotas == [{"grade": "advanced", "share": "0.25", "at_most": True},
                            {"grade": "lagging", "share": "0.05", "at_most": False}]
    assert cycle.standards.get().standard == world.standard_2027 and cycle.survey_enabled
    assert CycleAttachment.objects.get(cycle=cycle).title == "实施方案"

    client.force_login(world.secretary_a1)  # everyone in the subtree sees the notice
    page = client.get(reverse("cycles:detail", args=[cycle.pk])).content.decode()
    attachment = CycleAttachment.objects.get(cycle=cycle)
    assert "各党组织按实施方案开展分类定级" in page and reverse("cycles:notice_attachment", args=[attachment.pk]) in page
    download = client.get(reverse("cycles:notice_attachment", args=[attachment.pk]))
    assert b"".join(download.streaming_content) == "%PDF-1.4 实施方案全文".encode()


def test_open_refuses_an_owner_the_user_does_not_administer(client, world):
    world.standard_2027 = make_standard(world.county_admin, world.county, year=2027)
    client.force_login(world.admin_a)
    for code in (world.town_b.code, world.county.code, "NO-SUCH-CODE"):
        response = client.post(reverse("cycles:open"), open_data(world, owner=code))
        assert response.status_code == 200 and "owner" in response.context["form"].errors, code
    response = client.post(reverse("cycles:open"), open_data(world, owner=world.town_a.code, year="2026",
                                                                **{f"standard_{Sector.VILLAGE}": ""}))
    assert "year" in response.context["form"].errors  # town_a already has its 2026 cycle (service's rule)
    assert not Cycle.objects.filter(year=2027).exists()


def test_open_form_reloads_the_standards_for_owner_and_year(client, world):
    client.force_login(world.county_admin)
    response = client.get(reverse("cycles:open"), {"owner": world.town_a.code, "year": "2026"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="sector-standards"' in body and "<html" not in body
    assert f'name="standard_{Sector.VILLAGE}"' in body and f'value="{world.standard.pk}" selected' in body
    response = client.get(reverse("cycles:open"), {"owner": world.town_a.code, "year": "2030"}, HTTP_HX_REQUEST="true")
    assert f'value="{world.standard.pk}"' not in response.content.decode()


def test_extend_a_deadline(client, world):
    client.force_login(world.county_admin)
    url = reverse("cycles:edit", args=[world.cycle.pk])
    response = client.post(url, {"deadline_public_rating": "2026-13-01", "notice": "x"})
    assert response.status_code == 200 and "deadline_public_rating" in response.context["form"].errors
    response = client.post(url, {"deadline_public_rating": "2099-03-01", "notice": "延期通知"})
    assert response.status_code == 200 and "reason" in response.context["form"].errors  # a deadline moves with a reason
    world.cycle.refresh_from_db()
    assert world.cycle.deadlines == {} and world.cycle.notice == "请各单位按时完成"  # nothing half-saved
    response = client.post(url, {"deadline_public_rating": "2099-03-01", "notice": "延期通知", "reason": "延期"})
    assert response.status_code == 302
    world.cycle.refresh_from_db()
    assert world.cycle.deadlines == {"public_rating": "2099-03-01"} and world.cycle.notice == "延期通知"
    client.force_login(world.reviewer_a)  # sees town_a's cycle, does not administer it
    assert client.get(reverse("cycles:edit", args=[world.cycle_a.pk])).status_code == 403


# The organization's steps -----------------------------------------------------------------------


def post_step(client, world, branch, step, data):
    return client.post(reverse("cycles:step_record", args=[grading(world, branch).pk, step]),
                       {"held_on": TODAY.isoformat(), "participants": "0"} | data)


def test_record_steps_in_order_through_the_form_and_submit(client, world):
    client.force_login(world.secretary_a1)
    g = grading(world, world.branch_a1)
    page = client.get(reverse("cycles:grading", args=[g.pk]))
    assert page.context["step_form"].step == Step.PUBLIC_RATING

    early = post_step(client, world, world.branch_a1, "self_assessment", {"grade": "advanced"})
    assert early.status_code == 200
    errors = early.context["step_form"].non_field_errors()
    assert str(Step.PUBLIC_RATING.label) in errors[0]  # names the step still missing
    assert not StepRecord.objects.filter(grading=g).exists()

    empty = post_step(client, world, world.branch_a1, "public_rating", {})
    assert "grade" in empty.context["step_form"].errors  # a grade or the vote counts
    bad_date = post_step(client, world, world.branch_a1, "public_rating", {"held_on": "2026-02-31", "grade": "advanced"})
    assert "held_on" in bad_date.context["step_form"].errors

    ok = post_step(client, world, world.branch_a1, "public_rating",
                   {"participants": "40", "votes_advanced": "30", "votes_average": "10", "votes_lagging": "0"})
    assert ok.status_code == 302
    assert StepRecord.objects.get(grading=g, step="public_rating").grade == "advanced"  # the most votes
    assert client.get(reverse("cycles:grading", args=[g.pk])).context["step_form"].step == Step.MEMBER_REVIEW
    assert post_step(client, world, world.branch_a1, "member_review", {"participants": "20", "grade": "advanced"}).status_code == 302
    page = client.get(reverse("cycles:grading", args=[g.pk])).content.decode()
    sheet_url = reverse("standards:sheet", args=[world.branch_a1.pk, world.standard.pk, "self"])
    assert sheet_url in page  # the self-assessment points at the score sheet
    assert post_step(client, world, world.branch_a1, "self_assessment", {"grade": "average"}).status_code == 302
    bad_votes = post_step(client, world, world.branch_a1, "meeting_review", {"participants": "50", "votes_agree": "-1"})
    assert "votes_agree" in bad_votes.context["step_form"].errors
    assert post_step(client, world, world.branch_a1, "meeting_review",
                     {"participants": "50", "votes_agree": "45", "votes_disagree": "3", "votes_abstain": "2"}).status_code == 302
    page = client.get(reverse("cycles:grading", args=[g.pk]))
    assert page.context["step_form"] is None and page.context["can_submit"]
    response = client.post(reverse("cycles:submit", args=[g.pk]))
    assert response.status_code == 302
    g.refresh_from_db()
    assert (g.state, g.declared_grade) == (GradingState.SUBMITTED, "average")
    again = client.post(reverse("cycles:submit", args=[g.pk]))
    assert again.status_code == 200 and again.context["submit_errors"]


def test_reviewer_cannot_record_and_secretary_cannot_decide(client, world):
    client.force_login(world.reviewer_a)
    response = post_step(client, world, world.branch_a1, "public_rating", {"grade": "advanced"})
    assert response.status_code == 403
    record_own_steps(world, world.cycle, world.branch_a1, world.secretary_a1)
    client.force_login(world.secretary_a1)
    page = client.get(reverse("cycles:grading", args=[grading(world, world.branch_a1).pk]))
    assert page.context["decide_form"] is None and page.context["return_form"] is None
    response = client.post(reverse("cycles:decide", args=[grading(world, world.branch_a1).pk]), {"grade": "advanced"})
    assert response.status_code == 403


# The superior -----------------------------------------------------------------------------------


def test_return_with_a_reason_per_step(client, world):
    record_own_steps(world, world.cycle, world.branch_a1, world.secretary_a1)
    g = grading(world, world.branch_a1)
    client.force_login(world.reviewer_a)
    form = client.get(reverse("cycles:grading", args=[g.pk])).context["return_form"]
    assert set(form.fields) == {f"reason_{step}" for step in ("public_rating", "member_review", "self_assessment",
                                                                "meeting_review")}
    nothing = client.post(reverse("cycles:return", args=[g.pk]), {"reason_public_rating": " "})
    assert nothing.status_code == 200 and nothing.context["return_form"].non_field_errors()
    response = client.post(reverse("cycles:return", args=[g.pk]), {"reason_meeting_review": "测评票数与到会人数不符"})
    assert response.status_code == 302
    g.refresh_from_db()
    assert g.state == GradingState.RETURNED
    assert dict(g.records.exclude(needs_work="").values_list("step", "needs_work")) == {"meeting_review": "测评票数与到会人数不符"}
    client.force_login(world.secretary_a1)
    page = client.get(reverse("cycles:grading", args=[g.pk]))
    assert page.context["step_form"].step == Step.MEETING_REVIEW  # only the returned step is asked again
    assert "测评票数与到会人数不符" in page.content.decode()
    post_step(client, world, world.branch_a1, "meeting_review",
              {"participants": "50", "votes_agree": "44", "votes_disagree": "4", "votes_abstain": "2"})
    assert client.post(reverse("cycles:submit", args=[g.pk])).status_code == 302


def test_determine_a_different_grade_needs_a_reason(client, world):
    record_own_steps(world, world.cycle, world.branch_a1, world.secretary_a1, declared="advanced")
    g = grading(world, world.branch_a1)
    client.force_login(world.reviewer_a)
    url = reverse("cycles:decide", args=[g.pk])
    response = client.post(url, {"grade": "average", "reason": ""})
    assert response.status_code == 200 and "reason" in response.context["decide_form"].errors
    response = client.post(url, {"grade": "brand"})
    assert "grade" in response.context["decide_form"].errors
    assert client.post(url, {"grade": "average", "reason": "活动场所未建成"}).status_code == 302
    g.refresh_from_db()
    assert (g.state, g.final_grade, g.decision_reason) == (GradingState.DECIDED, "average", "活动场所未建成")
    page = client.get(reverse("cycles:grading", args=[g.pk]))
    assert "revise" in page.context["decide_form"].fields
    again = client.post(url, {"grade": "lagging", "reason": "x"})  # a change must be meant
    assert again.status_code == 200 and again.context["decide_form"].non_field_errors()
    assert client.post(url, {"grade": "lagging", "reason": "复核", "revise": "on"}).status_code == 302
    g.refresh_from_db()
    assert g.final_grade == "lagging"


def test_street_committee_inputs_are_recorded_and_combined(client, world):
    street = make_org(world.county, name="某街道党工委", kind=OrganizationKind.WORKING_COMMITTEE,
                      sector=Sector.STREET_COMMITTEE)
    g = services.grading_ensure(cycle=world.cycle, organization=street)
    client.force_login(world.county_admin)
    url = reverse("cycles:department_input", args=[g.pk])
    response = client.post(url, {"department": "民政局", "score": "101"})
    assert response.status_code == 200 and "score" in response.context["input_form"].errors
    assert client.post(url, {"department": "信访局", "score": "80"}).status_code == 302
    assert client.post(url, {"department": "目督办", "score": "90", "comment": "较好"}).status_code == 302
    page = client.get(reverse("cycles:grading", args=[g.pk]))
    assert page.context["combined_score"] == 85
    assert 'class="combined-score">85.0<' in page.content.decode()


# Level lists ------------------------------------------------------------------------------------


def decide_both(world, grade="advanced"):
    for branch, actor in ((world.branch_a1, world.secretary_a1), (world.branch_a2, world.admin_a)):
        g = grading(world, branch)
        if g.state != GradingState.SUBMITTED:
            if branch == world.branch_a2:  # its public rating is already on record (the fixture's attachment)
                services.step_record(actor=actor, grading=g, step="member_review", held_on=TODAY, grade="advanced")
                services.step_record(actor=actor, grading=g, step="self_assessment", held_on=TODAY, grade="advanced")
                services.step_record(actor=actor, grading=g, step="meeting_review", held_on=TODAY, participants=9,
                                     votes={"agree": 9, "disagree": 0, "abstain": 0})
                services.grading_submit(actor=actor, grading=g)
            else:
                record_own_steps(world, world.cycle, branch, actor)
        services.grading_decide(actor=world.reviewer_a, grading=grading(world, branch), grade=grade, reason="x")


def test_submit_a_list_with_a_quota_failure_needs_an_exception(client, world):
    client.force_login(world.reviewer_a)
    detail = reverse("cycles:detail", args=[world.cycle.pk])
    page = client.get(detail)
    assert page.context["level"] == world.town_a and not page.context["list_whole"]
    body = page.content.decode()  # not offered while a subordinate is undetermined, and it says why
    assert reverse("cycles:list_submit", args=[world.cycle.pk, world.town_a.pk]) not in body and "list-not-whole" in body
    refused = client.post(reverse("cycles:list_submit", args=[world.cycle.pk, world.town_a.pk]), {"exception": "说明"})
    assert refused.status_code == 200 and refused.context["submit_form"].non_field_errors()
    assert not LevelList.objects.exclude(state=ListState.OPEN).exists()
    decide_both(world)
    page = client.get(detail)
    assert page.context["quota_failures"]  # two 先进 of two: over the cap, and no 后进
    assert str(page.context["quota_failures"][0]["grade_label"]) in page.content.decode()
    url = reverse("cycles:list_submit", args=[world.cycle.pk, world.town_a.pk])
    response = client.post(url, {"exception": ""})
    assert response.status_code == 200 and "exception" in response.context["submit_form"].errors
    assert not LevelList.objects.filter(state=ListState.SUBMITTED).exists()
    response = client.post(url, {"exception": "仅两个支部，均达到先进标准"})
    assert response.status_code == 302
    level_list = LevelList.objects.get(organization=world.town_a)
    assert level_list.state == ListState.SUBMITTED and level_list.exception == "仅两个支部，均达到先进标准"


def test_approve_a_list_from_the_level_above_then_reopen(client, world):
    decide_both(world)
    services.level_list_submit(actor=world.reviewer_a, cycle=world.cycle, level=world.town_a, exception="说明")
    list_url = reverse("cycles:level_list", args=[world.cycle.pk, world.town_a.pk])
    client.force_login(world.reviewer_a)  # the level itself sees its list but cannot approve it
    page = client.get(list_url)
    assert page.status_code == 200 and not page.context["can_approve"]
    assert client.post(reverse("cycles:list_approve", args=[world.cycle.pk, world.town_a.pk])).status_code == 403

    client.force_login(world.county_admin)
    page = client.get(list_url)
    assert page.context["can_approve"] and "说明" in page.content.decode()
    assert client.post(reverse("cycles:list_approve", args=[world.cycle.pk, world.town_a.pk])).status_code == 302
    assert set(Grading.objects.filter(cycle=world.cycle, organization__parent=world.town_a)
               .values_list("state", flat=True)) == {GradingState.APPROVED}

    g = grading(world, world.branch_a1)
    page = client.get(reverse("cycles:grading", args=[g.pk]))
    assert page.context["can_reopen"]
    response = client.post(reverse("cycles:reopen", args=[g.pk]), {"reason": " "})
    assert response.status_code == 200 and "reason" in response.context["reopen_form"].errors
    assert client.post(reverse("cycles:reopen", args=[g.pk]), {"reason": "群众反映问题"}).status_code == 302
    g.refresh_from_db()
    assert g.state == GradingState.DECIDED
    assert LevelList.objects.get(organization=world.town_a).state == ListState.RETURNED
    client.force_login(world.reviewer_a)  # the determining level may not reopen what the county approved
    assert client.post(reverse("cycles:reopen", args=[grading(world, world.branch_a2).pk]),
                       {"reason": "x"}).status_code == 403


def test_return_single_rows_of_a_list(client, world):
    decide_both(world, grade="average")
    services.level_list_submit(actor=world.reviewer_a, cycle=world.cycle, level=world.town_a, exception="说明")
    g2 = grading(world, world.branch_a2)
    client.force_login(world.county_admin)
    url = reverse("cycles:list_return", args=[world.cycle.pk, world.town_a.pk])
    response = client.post(url, {})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert client.post(url, {f"reason_{g2.pk}": "材料不全"}).status_code == 302
    assert grading(world, world.branch_a1).state == GradingState.DECIDED
    assert grading(world, world.branch_a2).state == GradingState.SUBMITTED
    assert LevelList.objects.get(organization=world.town_a).state == ListState.RETURNED


# Progress, to-dos, history, survey ---------------------------------------------------------------


def test_cycle_page_shows_counts_and_drills_down(client, world):
    decide_both(world)
    client.force_login(world.county_admin)
    page = client.get(reverse("cycles:detail", args=[world.cycle.pk]))
    assert page.context["level"] == world.county
    assert [g.organization for g in page.context["gradings"]] == [world.town_a, world.town_b]
    assert dict((key, n) for _label, key, n in page.context["state_counts"]) == {"decided": 2, "preparing": 4}
    assert page.context["grade_table"]["rows"][0][1] == [2]
    partial = client.get(reverse("cycles:detail", args=[world.cycle.pk]), {"level": world.town_a.pk}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert 'id="level"' in body and "<html" not in body and world.branch_a1.name in body


def test_overdue_shows_on_the_cycle_page(client, world):
    services.cycle_update(actor=world.county_admin, cycle=world.cycle, reason="补录截止日期", deadlines={
        "public_rating": "2001-01-01", "member_review": "2001-01-01", "meeting_review": "2001-01-01"})
    client.force_login(world.reviewer_a)
    page = client.get(reverse("cycles:detail", args=[world.cycle.pk]))
    late = {o.grading.organization: o.step for o in page.context["overdue"]}
    assert late == {world.branch_a1: "public_rating", world.branch_a2: "member_review"}  # each on its current step
    assert all(g.due.overdue for g in page.context["gradings"])


def test_home_shows_the_review_waiting_and_not_after_deciding(client, world):
    record_own_steps(world, world.cycle, world.branch_a1, world.secretary_a1)
    g = grading(world, world.branch_a1)
    client.force_login(world.reviewer_a)
    home = client.get(reverse("home"))
    assert [(t.kind, t.organization) for t in home.context["todos"]] == [("decide", world.branch_a1)]
    assert reverse("cycles:grading", args=[g.pk]) in home.content.decode()
    client.post(reverse("cycles:decide", args=[g.pk]), {"grade": "advanced"})
    home = client.get(reverse("home"))
    assert home.context["todos"] == []
    assert reverse("cycles:grading", args=[g.pk]) not in home.content.decode()


def test_organization_page_shows_the_grading_history(client, world):
    decide_both(world, grade="average")
    client.force_login(world.admin_a)
    page = client.get(reverse("orgs:detail", args=[world.branch_a1.pk]))
    [gradings] = [section for section in page.context["sections"] if section["template"].startswith("cycles/")]
    history = list(gradings["grading_history"])
    assert grading(world, world.branch_a1) in history
    body = page.content.decode()
    assert "2026年分类定级" in body and reverse("cycles:grading", args=[grading(world, world.branch_a1).pk]) in body


def test_status_survey(client, world):
    url = reverse("cycles:survey", args=[world.cycle.pk, world.branch_a1.pk])
    client.force_login(world.secretary_a1)
    assert client.post(url, {"setup": "合理", "report": "专题报告"}).status_code == 302
    answer = SurveyAnswer.objects.get(organization=world.branch_a1)
    assert (answer.setup, answer.report, answer.leadership) == ("合理", "专题报告", "")
    client.force_login(world.reviewer_a)  # reads, does not write
    page = client.get(url)
    assert not page.context["can_edit"] and "专题报告" in page.content.decode()
    assert client.post(url, {"setup": "x"}).status_code == 403
    client.force_login(world.admin_a)
    no_survey = reverse("cycles:survey", args=[world.cycle_a.pk, world.branch_a1.pk])
    assert client.get(no_survey).status_code == 404


def test_self_assessment_takes_the_score_sheets_grade(client, world):
    org_services.organization_update(actor=world.admin_a, organization=world.branch_a1, secretary="书记")
    sheet = standard_services.score_sheet_open(actor=world.secretary_a1, organization=world.branch_a1,
                                               standard=world.standard, assessor_kind="self")
    item = world.standard.indicators.get(position=2).items.get()
    standard_services.deduction_add(actor=world.secretary_a1, sheet=sheet, item=item, occurrences=3, reason="x")
    client.force_login(world.secretary_a1)
    post_step(client, world, world.branch_a1, "public_rating", {"grade": "advanced"})
    post_step(client, world, world.branch_a1, "member_review", {"grade": "advanced"})
    page = client.get(reverse("cycles:grading", args=[grading(world, world.branch_a1).pk])).content.decode()
    assert 'class="self-sheet"' in page and "70.0" in page
    assert post_step(client, world, world.branch_a1, "self_assessment", {"grade": "advanced"}).status_code == 302
    g = grading(world, world.branch_a1)
    assert (g.declared_grade, g.self_total) == ("average", 70)


def test_the_grade_table_sets_each_scheme_from_its_best_grade_down():
    assert sorted(GRADE_ORDER) == sorted(Grade.values)  # every grade has its place, once
    table = _grade_table({"village:average": 1, "village:poor": 4, "village:good": 2, "village:fairly_good": 3})
    assert table["grades"] == [Grade.GOOD.label, Grade.FAIRLY_GOOD.label, Grade.AVERAGE.label, Grade.POOR.label]
    assert table["rows"][0][1] == [2, 3, 1, 4]


def test_the_open_form_offers_next_year_with_the_seeds_calendar_and_last_years_rules(client, world):
    client.force_login(world.county_admin)
    page = client.get(reverse("cycles:open"))
    form = page.context["form"]
    assert form["year"].value() == 2027  # the county has its 2026 cycle: the next year is offered
    assert form["deadline_public_rating"].value() == datetime.date(2027, 4, 12)  # seeds/002's April, in 2027
    assert form["deadline_superior_decision"].value() == datetime.date(2027, 4, 18)
    assert form["list_deadline_1"].value() == datetime.date(2027, 4, 18)
    assert page.context["quotas"].initial[0] == {"grade": "advanced", "share": 30, "bound": "at_most"}
    body = page.content.decode()
    assert 'name="quotas-0-share" value="30"' in body and "E+" not in body
    # changing the year moves what was typed with it; changing the chain shows that chain's dates only
    part = client.get(reverse("cycles:open"), {"part": "deadlines", "owner": world.county.code, "year": "2028",
                                               "calendar_year": "2027", "preset": "hunan",
                                               "deadline_self_assessment": "2027-05-06"}, HTTP_HX_REQUEST="true")
    body = part.content.decode()
    assert 'id="open-deadlines"' in body and "<html" not in body
    assert 'name="deadline_self_assessment" value="2028-05-06"' in body
    assert 'name="deadline_superior_decision" value="2028-04-18"' in body
    assert 'name="deadline_public_rating"' not in body
