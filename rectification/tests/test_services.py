"""The rectification workflow: allowed and refused moves, bad input named by field, nothing half-saved, and the
kept-current counts equal to a recount after random workflows."""

import datetime
import random

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from core.audit import audit_unknown_keys
from core.models import AuditEvent
from cycles import services as cycle_services
from cycles.models import Grading
from orgs.choices import Role
from orgs.testing import make_org, make_user
from rectification import access, rules, selectors, services, tallies
from rectification.choices import MeasureReview, MeasureState, PlanState
from rectification.models import Measure, MidyearCheck, Plan, PlanVersion, Problem, Supporter
from rectification.tests.factories import (
    DEADLINE,
    PDF_BYTES,
    YEAR,
    Upload,
    approved_plan,
    filed_plan,
    make_cycle,
    png,
    two_problems,
)
from standards import services as standard_services
from standards.tests.factories import make_standard

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def audit_actions():
    return apps.get_app_config("rectification").audit_actions


@pytest.fixture
def cycle(world):
    return make_cycle(world)


def assert_tallies(cycle):
    assert tallies.stored(cycle=cycle) == tallies.recount(cycle=cycle)


def test_a_branch_files_two_problems_with_measures_in_one_go(world, cycle):
    named = services.supporter_create(actor=world.admin_a, owner=world.town_a, kind="unit", name="县委统战部")
    plan = filed_plan(world, cycle)
    assert plan.state == PlanState.DRAFT and plan.target_grade == "advanced"
    problems = list(plan.problems.all())
    assert [p.title for p in problems] == ["党员作用发挥不够好", "活动阵地建设进度慢"]
    measure = problems[0].measures.get()
    assert measure.responsible_person == "唐辉" and measure.deadline == DEADLINE
    # Supporters named by text are records of their own, named at the superior and reused by sibling branches.
    assert measure.assisting_unit == named
    assert measure.liaison_leader.owner == world.branch_a1  # named by the secretary, at the branch
    again = services.plan_file(actor=world.admin_a, cycle=cycle, organization=world.branch_a2, target_grade="advanced",
                               problems=two_problems())
    assert again.measures.first().assisting_unit == measure.assisting_unit
    assert Supporter.objects.filter(name="县委统战部").count() == 1
    assert_tallies(cycle)
    assert tallies.level_counts(cycle=cycle, organization=world.town_a, today=TODAY)["measure"] == {"planned": 4}


def test_the_whole_workflow_from_draft_to_verified(world, cycle):
    plan = filed_plan(world, cycle)
    with pytest.raises(PermissionDenied):
        services.plan_submit(actor=world.reviewer_a, plan=plan)  # a reviewer does not submit the branch's plan
    plan = services.plan_submit(actor=world.secretary_a1, plan=plan)
    assert plan.state == PlanState.SUBMITTED
    with pytest.raises(ValidationError):  # locked while with the superior
        services.problem_add(actor=world.secretary_a1, plan=plan, title="又一个")
    with pytest.raises(PermissionDenied):  # the secretary does not review their own plan
        services.plan_approve(actor=world.secretary_a1, plan=plan)
    with pytest.raises(PermissionDenied):  # 下管一级: the county is not the branch's direct superior
        services.plan_approve(actor=world.county_admin, plan=plan)
    first, second = plan.measures.order_by("pk")
    plan = services.plan_return(actor=world.reviewer_a, plan=plan, reasons={first.pk: "措施不具体，请写明次数和时间"})
    assert plan.state == PlanState.RETURNED
    first.refresh_from_db(), second.refresh_from_db()
    assert first.review == MeasureReview.RETURNED and second.review == MeasureReview.ACCEPTED
    with pytest.raises(ValidationError) as refused:  # a returned measure must change before it goes back
        services.plan_submit(actor=world.secretary_a1, plan=plan)
    assert "measures" in refused.value.message_dict
    services.measure_update(actor=world.secretary_a1, measure=first, text="每月第一个周五开展主题党日，全年12次")
    first.refresh_from_db()
    assert first.review == MeasureReview.PENDING
    plan = services.plan_submit(actor=world.secretary_a1, plan=plan)
    plan = services.plan_approve(actor=world.reviewer_a, plan=plan)
    assert plan.state == PlanState.APPROVED and plan.versions.get().content["problems"][0]["measures"][0]["text"] \
        .startswith("每月第一个周五")
    with pytest.raises(ValidationError):  # approved and locked
        services.measure_update(actor=world.secretary_a1, measure=first, text="改")
    with pytest.raises(ValidationError):  # done needs progress with evidence first
        services.measure_complete(actor=world.secretary_a1, measure=first)
    report = services.progress_report(actor=world.secretary_a1, measure=first, reported_on=TODAY, text="开展3次",
                                      files=[png()])
    first.refresh_from_db()
    assert first.state == MeasureState.IN_PROGRESS and report.evidence.count() == 1
    # The same evidence is reused on the second measure's report: entered once.
    services.progress_report(actor=world.secretary_a1, measure=second, reported_on=TODAY, text="已动工",
                             evidence_ids=[report.evidence.get().pk])
    assert plan.evidence.count() == 1
    with pytest.raises(ValidationError):
        services.measure_verify(actor=world.reviewer_a, measure=first)  # not done yet
    services.measure_complete(actor=world.secretary_a1, measure=first)
    with pytest.raises(PermissionDenied):
        services.measure_verify(actor=world.secretary_a1, measure=first)  # 销号 is the superior's
    services.measure_verify(actor=world.reviewer_a, measure=first)
    with pytest.raises(ValidationError):
        services.measure_reopen(actor=world.reviewer_a, measure=first, reason=" ")
    services.measure_reopen(actor=world.reviewer_a, measure=first, reason="照片不能说明问题")
    first.refresh_from_db()
    assert first.state == MeasureState.IN_PROGRESS and first.reopen_reason == "照片不能说明问题"
    assert_tallies(cycle)
    actions = list(AuditEvent.objects.filter(object_type="rectification.measure", object_id=str(first.pk))
                   .order_by("pk").values_list("action", flat=True))
    assert actions == ["measure.add", "measure.update", "measure.progress", "measure.done", "measure.verify",
                       "measure.reopen"]


def test_a_revision_is_reviewed_again_while_the_approved_version_stays(world, cycle):
    plan = approved_plan(world, cycle)
    with pytest.raises(ValidationError):
        services.plan_revise(actor=world.secretary_a1, plan=plan, reason="")
    plan = services.plan_revise(actor=world.secretary_a1, plan=plan, reason="新增一项措施")
    assert plan.state == PlanState.DRAFT and plan.version == 2
    problem = plan.problems.first()
    services.measure_add(actor=world.secretary_a1, problem=problem, text="结对帮扶", responsible_person="唐辉",
                         deadline=DEADLINE)
    assert selectors.plan_approved_version(plan=plan).version == 1
    assert len(selectors.plan_approved_version(plan=plan).content["problems"][0]["measures"]) == 1
    services.plan_submit(actor=world.secretary_a1, plan=plan)
    plan = services.plan_approve(actor=world.reviewer_a, plan=plan)
    assert list(PlanVersion.objects.filter(plan=plan).values_list("version", flat=True)) == [2, 1]
    assert_tallies(cycle)


@pytest.mark.parametrize("change, field", [
    ({"problems": two_problems()[:1]}, "problems"),
    ({"problems": [{**two_problems()[0], "measures": [{"text": "做", "deadline": DEADLINE}]}]}, "responsible_person"),
    ({"problems": [{**two_problems()[0], "measures": [{"text": "做", "responsible_person": "甲"}]}]}, "deadline"),
    ({"problems": [{**two_problems()[0], "measures": [{"text": "做", "responsible_person": "甲",
                                                       "deadline": datetime.date(YEAR + 1, 1, 15)}]}]}, "deadline"),
    ({"problems": [{"title": "", "measures": []}]}, "title"),
])
def test_bad_input_is_refused_naming_its_field_and_nothing_is_saved(world, cycle, change, field):
    problems = change["problems"]
    with pytest.raises(ValidationError) as refused:
        plan = services.plan_file(actor=world.secretary_a1, cycle=cycle, organization=world.branch_a1,
                                  target_grade="advanced", problems=problems)
        services.plan_submit(actor=world.secretary_a1, plan=plan)
    assert field in refused.value.message_dict
    message = " ".join(refused.value.message_dict[field])
    assert message.strip()
    if field != "problems":  # a refused filing leaves nothing behind
        assert not Plan.objects.filter(organization=world.branch_a1).exists()
        assert not Problem.objects.exists() and not Measure.objects.exists()
        assert_tallies(cycle)


def test_a_target_below_the_current_grade_is_refused(world, cycle):
    grading = Grading.objects.get(cycle=cycle, organization=world.branch_a1)
    cycle_services.step_record(actor=world.secretary_a1, grading=grading, step="self_assessment", held_on=TODAY,
                               grade="advanced")
    cycle_services.grading_submit(actor=world.secretary_a1, grading=grading)
    cycle_services.grading_decide(actor=world.reviewer_a, grading=grading, grade="advanced")
    with pytest.raises(ValidationError) as refused:
        filed_plan(world, cycle, target_grade="average")
    assert "target_grade" in refused.value.message_dict
    assert rules.targets_for("advanced") == ("brand", "exemplary", "advanced")
    plan = filed_plan(world, cycle, target_grade="exemplary")
    assert plan.current_grade == "advanced"


def test_evidence_of_a_type_or_size_not_allowed_is_refused(world, cycle, settings):
    plan = approved_plan(world, cycle)
    measure = plan.measures.first()
    for upload in (Upload(b"MZ\x90\x00 not a picture", "照片.png"), Upload(b"PK\x03\x04 fake zip", "x.docx"),
                   Upload(b"", "empty.pdf")):
        with pytest.raises(ValidationError) as refused:
            services.progress_report(actor=world.secretary_a1, measure=measure, reported_on=TODAY, text="x",
                                     files=[upload])
        assert "files" in refused.value.message_dict and upload.name in refused.value.message_dict["files"][0]
    settings.EVIDENCE_MAX_BYTES = 20
    with pytest.raises(ValidationError) as refused:
        services.progress_report(actor=world.secretary_a1, measure=measure, reported_on=TODAY, text="x",
                                 files=[Upload(PDF_BYTES, "记录.pdf")])
    assert "MB" in refused.value.message_dict["files"][0]
    assert not measure.reports.exists() and not plan.evidence.exists()  # nothing half-saved
    settings.EVIDENCE_MAX_BYTES = 10_000
    services.progress_report(actor=world.secretary_a1, measure=measure, reported_on=TODAY, text="x",
                             files=[Upload(PDF_BYTES, "记录.pdf")])
    assert plan.evidence.get().content_type == "application/pdf"


def test_a_problem_is_made_from_a_deduction_in_one_click(world, cycle):
    standard = make_standard(world.county_admin, world.county)
    sheet = standard_services.score_sheet_open(actor=world.secretary_a1, organization=world.branch_a1,
                                               standard=standard, assessor_kind="self")
    item = standard.indicators.get(position=1).items.get(code="1.1")
    deduction = standard_services.deduction_add(actor=world.secretary_a1, sheet=sheet, item=item, occurrences=2,
                                                reason="书记缺席两次培训")
    problem = services.problem_from_deduction(actor=world.secretary_a1, cycle=cycle, deduction=deduction)
    assert problem.deduction == deduction and problem.source == "deduction"
    assert "书记参加培训" in problem.title and problem.description == "书记缺席两次培训"
    assert services.problem_from_deduction(actor=world.secretary_a1, cycle=cycle, deduction=deduction) == problem
    with pytest.raises(Http404):  # another town's secretary does not see it
        services.problem_from_deduction(actor=world.admin_b, cycle=cycle, deduction=deduction)


def test_a_committee_plan_commits_to_overall_targets_with_the_level_above(world, cycle):
    plan = services.plan_ensure(actor=world.admin_a, cycle=cycle, organization=world.town_a)
    assert plan.overall_targets[0] == {"from": "average", "to": "advanced", "share": "0.30"}  # seeds/001
    with pytest.raises(ValidationError):
        services.plan_update(actor=world.admin_a, plan=plan, overall_targets=[{"from": "advanced", "to": "average",
                                                                              "share": "0.3"}])
    plan = services.plan_submit(actor=world.admin_a, plan=plan)  # no problems required of a committee
    with pytest.raises(PermissionDenied):
        services.plan_approve(actor=world.reviewer_a, plan=plan)  # its own reviewer is not the level above
    plan = services.plan_approve(actor=world.county_admin, plan=plan)
    assert plan.state == PlanState.APPROVED


def test_a_measure_that_needs_the_superior_waits_on_its_todo_until_answered(world, cycle):
    plan = approved_plan(world, cycle, problems=two_problems(kind="superior"))
    todos = selectors.todo_list(user=world.reviewer_a)
    assert [t.kind for t in todos if t.kind == "answer"] == ["answer"]
    measure = plan.measures.get(kind="superior")
    with pytest.raises(PermissionDenied):
        services.measure_answer(actor=world.secretary_a1, measure=measure, answer="我们自己解决")
    services.measure_answer(actor=world.reviewer_a, measure=measure, answer="镇党委协调县委统战部于9月前到位")
    assert not [t for t in selectors.todo_list(user=world.reviewer_a) if t.kind == "answer"]


def test_overdue_measures_are_counted_per_level_and_listed(world, cycle):
    plan = approved_plan(world, cycle, problems=two_problems(deadline=datetime.date(YEAR, 1, 15)))
    counts = tallies.level_counts(cycle=cycle, organization=world.town_a, today=datetime.date(YEAR, 6, 1))
    assert counts["overdue"] == 2
    assert tallies.level_counts(cycle=cycle, organization=world.county, today=datetime.date(YEAR, 1, 15))["overdue"] == 0
    measure = plan.measures.first()
    services.progress_report(actor=world.secretary_a1, measure=measure, reported_on=TODAY, text="完成", files=[png()])
    services.measure_complete(actor=world.secretary_a1, measure=measure)
    assert tallies.level_counts(cycle=cycle, organization=world.county, today=TODAY)["overdue"] == 1
    overdue = selectors.overdue_measures(user=world.reviewer_a, cycle=cycle, level=world.town_a, today=TODAY)
    assert [m.pk for m in overdue] == [plan.measures.exclude(pk=measure.pk).get().pk]
    assert "overdue_own" in [t.kind for t in selectors.todo_list(user=world.secretary_a1)]


def test_the_midyear_check_rates_a_whole_level_at_once(world, cycle):
    approved_plan(world, cycle)
    with pytest.raises(ValidationError) as refused:
        services.midyear_rate(actor=world.reviewer_a, cycle=cycle, level=world.town_a, ratings=[
            {"organization_id": world.branch_a1.pk, "rating": "praise"},
            {"organization_id": world.branch_a2.pk, "rating": "criticize", "reason": ""}])
    assert {"reason", "new_deadline"} <= set(refused.value.message_dict)
    assert not MidyearCheck.objects.exists()
    with pytest.raises(ValidationError):  # only direct subordinates
        services.midyear_rate(actor=world.reviewer_a, cycle=cycle, level=world.town_a, ratings=[
            {"organization_id": world.branch_b1.pk, "rating": "praise"}])
    changed = services.midyear_rate(actor=world.reviewer_a, cycle=cycle, level=world.town_a, ratings=[
        {"organization_id": world.branch_a1.pk, "rating": "praise"},
        {"organization_id": world.branch_a2.pk, "rating": "criticize", "reason": "整改走过场",
         "new_deadline": datetime.date(YEAR, 12, 20)}])
    assert changed == 2
    assert services.midyear_rate(actor=world.reviewer_a, cycle=cycle, level=world.town_a, ratings=[
        {"organization_id": world.branch_a1.pk, "rating": "praise"}]) == 0  # unchanged: nothing written
    assert tallies.level_counts(cycle=cycle, organization=world.county, today=TODAY)["midyear"] == {
        "praise": 1, "criticize": 1}
    with pytest.raises(Http404):  # the branch's secretary does not even see the town
        services.midyear_rate(actor=world.secretary_a1, cycle=cycle, level=world.town_a, ratings=[])
    assert_tallies(cycle)


def test_approving_a_whole_level_at_once(world, cycle):
    for branch in (world.branch_a1, world.branch_a2):
        plan = filed_plan(world, cycle, organization=branch, actor=world.admin_a)
        services.plan_submit(actor=world.admin_a, plan=plan)
    assert services.plan_approve_many(actor=world.reviewer_a, cycle=cycle, level=world.town_a) == 2
    assert set(Plan.objects.values_list("state", flat=True)) == {"approved"}
    assert PlanVersion.objects.count() == 2
    assert AuditEvent.objects.filter(action="plan.approve").count() == 2
    with pytest.raises(PermissionDenied):  # 下管一级: the county approves the towns' plans, not the branches'
        services.plan_approve_many(actor=world.county_admin, cycle=cycle, level=world.town_a)
    assert_tallies(cycle)


def test_kept_current_counts_equal_a_recount_after_random_workflows(world, cycle):
    rng = random.Random(18)
    more = [make_org(world.town_a, name=f"加测{n}村党支部") for n in range(4)]
    world.town_a.refresh_from_db()
    branches = [world.branch_a1, world.branch_a2, *more]
    reviewer = world.reviewer_a
    for _round in range(60):
        branch = rng.choice(branches)
        plan = Plan.objects.filter(cycle=cycle, organization=branch).first()
        try:
            if plan is None:
                filed_plan(world, cycle, organization=branch, actor=world.admin_a,
                           problems=two_problems(deadline=rng.choice([datetime.date(YEAR, 3, 1), DEADLINE,
                                                                      datetime.date(YEAR, 12, 31)])))
                continue
            move = rng.choice(["submit", "approve", "return", "revise", "progress", "done", "verify", "reopen",
                               "delete", "add", "midyear"])
            measure = plan.measures.order_by("?").first()
            if move == "submit":
                services.plan_submit(actor=world.admin_a, plan=plan)
            elif move == "approve":
                services.plan_approve(actor=reviewer, plan=plan)
            elif move == "return" and measure:
                services.plan_return(actor=reviewer, plan=plan, reasons={measure.pk: "不具体"})
            elif move == "revise":
                services.plan_revise(actor=world.admin_a, plan=plan, reason="调整")
            elif move == "progress" and measure:
                services.progress_report(actor=world.admin_a, measure=measure, reported_on=TODAY, text="进展",
                                         files=[png()])
            elif move == "done" and measure:
                services.measure_complete(actor=world.admin_a, measure=measure)
            elif move == "verify" and measure:
                services.measure_verify(actor=reviewer, measure=measure)
            elif move == "reopen" and measure:
                services.measure_reopen(actor=reviewer, measure=measure, reason="不实")
            elif move == "delete" and measure:
                services.measure_delete(actor=world.admin_a, measure=measure)
            elif move == "add":
                problem = plan.problems.first()
                if problem:
                    services.measure_add(actor=world.admin_a, problem=problem, text="加一条", responsible_person="甲",
                                         deadline=rng.choice([datetime.date(YEAR, 2, 1), DEADLINE]))
            elif move == "midyear":
                services.midyear_rate(actor=reviewer, cycle=cycle, level=world.town_a, ratings=[
                    {"organization_id": branch.pk, "rating": rng.choice(["praise", "average"])}])
        except (ValidationError, PermissionDenied):
            pass
    assert_tallies(cycle)
    assert Plan.objects.filter(cycle=cycle).count() >= 4


def test_access_a_plan_is_seen_by_the_branch_and_above_only(world, cycle):
    plan = filed_plan(world, cycle)
    assert access.get_plan_for(world.secretary_a1, plan.pk) == plan
    assert access.get_plan_for(world.county_admin, plan.pk) == plan
    other_secretary = make_user("secretary_a2", roles=[(world.branch_a2, Role.SECRETARY)])
    for user in (world.admin_b, world.norole, other_secretary):
        with pytest.raises(Http404):
            access.get_plan_for(user, plan.pk)
    with pytest.raises(Http404):
        services.plan_ensure(actor=world.admin_b, cycle=cycle, organization=world.branch_a1)
    with pytest.raises(Http404):  # the cycle's owner has no plan in its own cycle
        services.plan_ensure(actor=world.county_admin, cycle=cycle, organization=world.county)


def test_every_audit_event_reads_in_words(world, cycle):
    plan = approved_plan(world, cycle, problems=two_problems(kind="superior"))
    measure = plan.measures.get(kind="superior")
    services.measure_answer(actor=world.reviewer_a, measure=measure, answer="协调解决")
    services.progress_report(actor=world.secretary_a1, measure=measure, reported_on=TODAY, text="进展", files=[png()])
    services.measure_complete(actor=world.secretary_a1, measure=measure)
    services.measure_verify(actor=world.reviewer_a, measure=measure)
    services.plan_revise(actor=world.secretary_a1, plan=plan, reason="调整")
    services.measure_update(actor=world.secretary_a1, measure=plan.measures.exclude(pk=measure.pk).get(),
                            deadline=datetime.date(YEAR, 12, 1), liaison_leader="新领导")
    services.plan_update(actor=world.admin_a, plan=services.plan_ensure(actor=world.admin_a, cycle=cycle,
                                                                        organization=world.town_a),
                         overall_targets=[{"from": "average", "to": "advanced", "share": "0.4"}])
    services.midyear_rate(actor=world.reviewer_a, cycle=cycle, level=world.town_a, ratings=[
        {"organization_id": world.branch_a2.pk, "rating": "criticize", "reason": "走过场",
         "new_deadline": datetime.date(YEAR, 12, 20)}])
    services.rectification_settings_update(actor=world.county_admin, cycle=cycle, min_problems=3)
    events = AuditEvent.objects.filter(action__in=list(audit_actions()))
    assert events.count() > 15
    for event in events:
        assert not audit_unknown_keys(event), (event.action, audit_unknown_keys(event))
        assert event.action_label != event.action


def test_rectification_follows_the_grading_whatever_its_calendar(world):
    """A cycle graded in December has its plans due after that grading, not in the May before it."""
    seeds = services.common.settings_of(make_cycle(world))
    assert seeds.plan_due == datetime.date(YEAR, 5, 7)
    late = {"public_rating": "2027-12-21", "member_review": "2027-12-28", "self_assessment": "2028-01-04",
            "meeting_review": "2028-01-11", "superior_decision": "2028-01-25", "approval": "2028-02-08"}
    cycle = cycle_services.cycle_open(actor=world.county_admin, owner=world.county, year=YEAR + 1, name="冬季定级",
                                      preset="chenghua", deadlines=late)
    terms = services.common.settings_of(cycle)
    assert terms.committee_plan_due < terms.plan_due < terms.midyear_due < terms.ends_on
    assert terms.plan_due == datetime.date(2028, 2, 15)
    assert terms.committee_plan_due > datetime.date(2028, 1, 25)
