"""The cycle's state machine, level by level, with the kept-current tallies checked against the detail rows."""

import datetime
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from core.models import AuditEvent
from cycles import selectors, services, tallies
from cycles.choices import GradingState, ListState
from cycles.models import Grading, LevelList
from orgs import services as org_services
from standards import services as standard_services
from standards.tests.factories import make_standard

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def cycle(world):
    standard = make_standard(world.county_admin, world.county)
    return services.cycle_open(actor=world.county_admin, owner=world.county, year=2026, name="2026年分类定级",
                               standards={"village": standard}, preset="chenghua")


def grading(cycle, organization) -> Grading:
    return Grading.objects.get(cycle=cycle, organization=organization)


def assert_tallies(cycle):
    assert tallies.stored(cycle=cycle) == tallies.recount(cycle=cycle)


def record_own_steps(world, cycle, branch, actor, *, declared="advanced"):
    g = grading(cycle, branch)
    services.step_record(actor=actor, grading=g, step="public_rating", held_on=TODAY, participants=40,
                         votes={"advanced": 30, "average": 10})
    services.step_record(actor=actor, grading=g, step="member_review", held_on=TODAY, participants=20, grade="advanced")
    services.step_record(actor=actor, grading=g, step="self_assessment", held_on=TODAY, grade=declared)
    services.step_record(actor=actor, grading=g, step="meeting_review", held_on=TODAY, participants=50,
                         votes={"agree": 45, "disagree": 3, "abstain": 2})
    return services.grading_submit(actor=actor, grading=g)


def test_open_creates_a_grading_per_organization_and_counts(world, cycle):
    assert Grading.objects.filter(cycle=cycle).count() == 6  # everything below the county
    assert tallies.level_counts(cycle=cycle, organization=world.county)["state"] == {"preparing": 6}
    assert tallies.level_counts(cycle=cycle, organization=world.town_a)["state"] == {"preparing": 2}
    assert_tallies(cycle)
    assert cycle.standards.get().standard.is_frozen  # in use by a cycle: a change makes a new version
    with pytest.raises(ValidationError):
        services.cycle_open(actor=world.county_admin, owner=world.county, year=2026, name="again")
    with pytest.raises(PermissionDenied):
        services.cycle_open(actor=world.reviewer_a, owner=world.town_a, year=2026, name="x")


def test_whole_chain_from_branch_to_county_approval(world, cycle):
    record_own_steps(world, cycle, world.branch_a1, world.secretary_a1)
    g = services.grading_decide(actor=world.reviewer_a, grading=grading(cycle, world.branch_a1), grade="advanced")
    assert g.state == GradingState.DECIDED and g.final_grade == "advanced"
    record_own_steps(world, cycle, world.branch_a2, world.admin_a, declared="average")
    # seeds/004: 四村 declared 较好 and was set to 一般 — a different grade needs a reason.
    with pytest.raises(ValidationError) as caught:
        services.grading_decide(actor=world.reviewer_a, grading=grading(cycle, world.branch_a2), grade="lagging")
    assert "reason" in caught.value.message_dict
    services.grading_decide(actor=world.reviewer_a, grading=grading(cycle, world.branch_a2), grade="lagging",
                            reason="活动场所未建成")
    with pytest.raises(ValidationError):  # two branches: one 先进 is already over the 30% cap
        services.level_list_submit(actor=world.reviewer_a, cycle=cycle, level=world.town_a, exception="")
    level_list = services.level_list_submit(actor=world.reviewer_a, cycle=cycle, level=world.town_a, exception="仅两个支部")
    assert level_list.state == ListState.SUBMITTED
    with pytest.raises(ValidationError):  # locked in the submitted list
        services.grading_decide(actor=world.reviewer_a, grading=grading(cycle, world.branch_a2), grade="average", reason="x")
    services.level_list_approve(actor=world.county_admin, level_list=level_list)
    assert set(Grading.objects.filter(organization__parent=world.town_a).values_list("state", flat=True)) == {"approved"}
    counts = tallies.level_counts(cycle=cycle, organization=world.county)
    assert counts["state"] == {"approved": 2, "preparing": 4}
    assert counts["grade"] == {"village:advanced": 1, "village:lagging": 1}
    assert_tallies(cycle)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"cycle.open", "step.public_rating", "grading.submit", "grading.decide", "list.submit", "list.approve"} <= actions


def test_steps_in_order_only_and_not_twice_after_submitting(world, cycle):
    g = grading(cycle, world.branch_a1)
    with pytest.raises(ValidationError) as caught:
        services.step_record(actor=world.secretary_a1, grading=g, step="self_assessment", held_on=TODAY, grade="advanced")
    assert "step" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.grading_submit(actor=world.secretary_a1, grading=g)
    with pytest.raises(ValidationError):
        services.grading_decide(actor=world.reviewer_a, grading=g, grade="advanced")
    record_own_steps(world, cycle, world.branch_a1, world.secretary_a1)
    with pytest.raises(ValidationError):
        services.step_record(actor=world.secretary_a1, grading=g, step="public_rating", held_on=TODAY, grade="advanced")
    with pytest.raises(ValidationError):
        services.grading_submit(actor=world.secretary_a1, grading=g)


def test_return_points_at_steps_and_the_rest_stands(world, cycle):
    record_own_steps(world, cycle, world.branch_a1, world.secretary_a1)
    g = services.grading_return(actor=world.reviewer_a, grading=grading(cycle, world.branch_a1),
                                reasons={"meeting_review": "测评票数与到会人数不符", "public_rating": ""})
    assert g.state == GradingState.RETURNED
    assert dict(g.records.values_list("step", "needs_work")) == {
        "public_rating": "", "member_review": "", "self_assessment": "", "meeting_review": "测评票数与到会人数不符"}
    with pytest.raises(ValidationError):
        services.grading_submit(actor=world.secretary_a1, grading=g)
    services.step_record(actor=world.secretary_a1, grading=g, step="meeting_review", held_on=TODAY, participants=50,
                         votes={"agree": 44, "disagree": 4, "abstain": 2})
    assert services.grading_submit(actor=world.secretary_a1, grading=g).state == GradingState.SUBMITTED
    assert_tallies(cycle)


def test_only_the_direct_superior_decides(world, cycle):
    record_own_steps(world, cycle, world.branch_a1, world.secretary_a1)
    g = grading(cycle, world.branch_a1)
    for actor in (world.secretary_a1, world.county_admin):  # itself; two levels up (下管一级)
        with pytest.raises(PermissionDenied):
            services.grading_decide(actor=actor, grading=g, grade="advanced")
    with pytest.raises(Http404):
        services.grading_decide(actor=world.admin_b, grading=g, grade="advanced")
    with pytest.raises(PermissionDenied):
        services.step_record(actor=world.reviewer_a, grading=grading(cycle, world.branch_a2), step="public_rating",
                             held_on=TODAY, grade="advanced")


def test_list_needs_every_subordinate_and_quotas_or_an_exception(world, cycle):
    record_own_steps(world, cycle, world.branch_a1, world.secretary_a1)
    services.grading_decide(actor=world.reviewer_a, grading=grading(cycle, world.branch_a1), grade="advanced")
    for exception in ("", "甲二村党支部书记空缺，待补选后评定"):  # the written exception covers quotas only
        with pytest.raises(ValidationError) as caught:
            services.level_list_submit(actor=world.reviewer_a, cycle=cycle, level=world.town_a, exception=exception)
        (problem,) = caught.value.message_dict["list"]
        assert "1" in problem and world.branch_a2.name in problem  # one subordinate not determined, named
    assert not LevelList.objects.exclude(state=ListState.OPEN).exists()
    assert grading(cycle, world.branch_a1).state == GradingState.DECIDED  # nothing changed
    record_own_steps(world, cycle, world.branch_a2, world.admin_a)
    services.grading_decide(actor=world.reviewer_a, grading=grading(cycle, world.branch_a2), grade="advanced")
    with pytest.raises(ValidationError) as caught:  # two 先进 of two: over the cap, and no 后进
        services.level_list_submit(actor=world.reviewer_a, cycle=cycle, level=world.town_a)
    assert len(caught.value.message_dict["exception"]) == 3
    level_list = services.level_list_submit(actor=world.reviewer_a, cycle=cycle, level=world.town_a,
                                            exception="仅两个支部，均达到先进标准")
    assert level_list.exception
    with pytest.raises(PermissionDenied):
        services.level_list_approve(actor=world.reviewer_a, level_list=level_list)  # not its own list
    services.level_list_approve(actor=world.county_admin, level_list=level_list)
    assert grading(cycle, world.branch_a2).state == GradingState.APPROVED


def test_list_return_per_determination_and_reopen_by_the_approver(world, cycle):
    for branch, actor in ((world.branch_a1, world.secretary_a1), (world.branch_a2, world.admin_a)):
        record_own_steps(world, cycle, branch, actor)
        services.grading_decide(actor=world.reviewer_a, grading=grading(cycle, branch), grade="average", reason="x")
    level_list = services.level_list_submit(actor=world.reviewer_a, cycle=cycle, level=world.town_a, exception="比例说明")
    g2 = grading(cycle, world.branch_a2)
    services.level_list_return(actor=world.county_admin, level_list=level_list, reasons={g2.pk: "材料不全"})
    assert grading(cycle, world.branch_a1).state == GradingState.DECIDED
    assert grading(cycle, world.branch_a2).state == GradingState.SUBMITTED
    services.grading_decide(actor=world.reviewer_a, grading=grading(cycle, world.branch_a2), grade="average", reason="补齐材料")
    with pytest.raises(ValidationError):  # determined already: a change must be meant
        services.grading_decide(actor=world.reviewer_a, grading=grading(cycle, world.branch_a1), grade="lagging", reason="x")
    services.grading_decide(actor=world.reviewer_a, grading=grading(cycle, world.branch_a1), grade="average", reason="复核",
                            revise=True)
    level_list = services.level_list_submit(actor=world.reviewer_a, cycle=cycle, level=world.town_a, exception="比例说明")
    services.level_list_approve(actor=world.county_admin, level_list=level_list)
    with pytest.raises(PermissionDenied):
        services.grading_reopen(actor=world.reviewer_a, grading=grading(cycle, world.branch_a1), reason="x")
    with pytest.raises(ValidationError):
        services.grading_reopen(actor=world.county_admin, grading=grading(cycle, world.branch_a1), reason=" ")
    g1 = services.grading_reopen(actor=world.county_admin, grading=grading(cycle, world.branch_a1), reason="群众反映")
    assert g1.state == GradingState.DECIDED
    assert LevelList.objects.get(organization=world.town_a).state == ListState.RETURNED
    assert_tallies(cycle)


def test_deadline_lock(world, cycle):
    services.cycle_update(actor=world.county_admin, cycle=cycle, deadlines={"public_rating": "2000-01-01"}, reason="提前")
    with pytest.raises(ValidationError) as caught:
        services.step_record(actor=world.secretary_a1, grading=grading(cycle, world.branch_a1), step="public_rating",
                             held_on=TODAY, grade="advanced")
    assert "2000-01-01" in caught.value.message_dict["step"][0]
    services.cycle_update(actor=world.county_admin, cycle=cycle, deadlines={"public_rating": "2100-01-01"}, reason="延期")
    services.step_record(actor=world.secretary_a1, grading=grading(cycle, world.branch_a1), step="public_rating",
                         held_on=TODAY, grade="advanced")


def test_self_assessment_takes_the_score_sheet(world, cycle):
    org_services.organization_update(actor=world.admin_a, organization=world.branch_a1, secretary="书记")
    standard = cycle.standards.get().standard
    sheet = standard_services.score_sheet_open(actor=world.secretary_a1, organization=world.branch_a1, standard=standard,
                                               assessor_kind="self")
    item = standard.indicators.get(position=2).items.get()
    standard_services.deduction_add(actor=world.secretary_a1, sheet=sheet, item=item, occurrences=3, reason="x")
    g = grading(cycle, world.branch_a1)
    services.step_record(actor=world.secretary_a1, grading=g, step="public_rating", held_on=TODAY, grade="advanced")
    services.step_record(actor=world.secretary_a1, grading=g, step="member_review", held_on=TODAY, grade="advanced")
    services.step_record(actor=world.secretary_a1, grading=g, step="self_assessment", held_on=TODAY, grade="advanced")
    g.refresh_from_db()
    assert (g.declared_grade, g.self_total) == ("average", 70)


def test_street_committee_inputs_are_combined(world, cycle):
    g = grading(cycle, world.town_a)
    services.department_input_record(actor=world.county_admin, grading=g, department="信访局", score=80, comment="")
    services.department_input_record(actor=world.county_admin, grading=g, department="目督办", score=90)
    with pytest.raises(ValidationError):
        services.department_input_record(actor=world.county_admin, grading=g, department="民政局", score=101)
    Grading.objects.filter(pk=g.pk).update(self_total=70)
    g.refresh_from_db()
    assert services.combined_score(g) == 80


def test_random_workflow_keeps_tallies_exact(world, cycle):
    rng = random.Random(4)
    branches = [(world.branch_a1, world.secretary_a1, world.reviewer_a), (world.branch_a2, world.admin_a, world.reviewer_a),
                (world.branch_b1, world.admin_b, world.admin_b), (world.branch_b2, world.admin_b, world.admin_b)]
    for branch, recorder, _decider in branches:
        record_own_steps(world, cycle, branch, recorder)
    actions = [
        lambda g, recorder, decider: services.grading_decide(
            actor=decider, grading=g, grade=rng.choice(["advanced", "average", "lagging"]), reason="r",
            revise=rng.random() < 0.5),
        lambda g, recorder, decider: services.grading_return(actor=decider, grading=g, reasons={"member_review": "r"}),
        lambda g, recorder, decider: services.step_record(actor=recorder, grading=g, step="member_review", held_on=TODAY,
                                                          grade="average"),
        lambda g, recorder, decider: services.grading_submit(actor=recorder, grading=g),
    ]
    done = [0] * len(actions)
    for _ in range(40):
        branch, recorder, decider = rng.choice(branches)
        number = rng.randrange(len(actions))
        try:
            actions[number](grading(cycle, branch), recorder, decider)
            done[number] += 1
        except ValidationError:
            pass  # refused in this state, as a user would be
    assert min(done) >= 2, done  # every kind of change happened, so the tallies below were really moved
    assert_tallies(cycle)


def test_notice_attachment_by_the_owners_administrators(world, cycle, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    attachment = services.cycle_attachment_add(actor=world.county_admin, cycle=cycle, title=" ",
                                               file=SimpleUploadedFile("实施方案.pdf", b"%PDF-1.4 x"))
    assert attachment.title == "实施方案.pdf" and attachment.file.read() == b"%PDF-1.4 x"
    assert AuditEvent.objects.filter(action="cycle.attachment").exists()
    with pytest.raises(ValidationError) as caught:
        services.cycle_attachment_add(actor=world.county_admin, cycle=cycle, title="x", file=None)
    assert "file" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:  # a web page is no notice's attachment, whatever its name
        services.cycle_attachment_add(actor=world.county_admin, cycle=cycle, title="x",
                                      file=SimpleUploadedFile("实施方案.pdf", b"<html><script>x</script></html>"))
    assert "实施方案.pdf" in caught.value.message_dict["attachment"][0]
    with pytest.raises(Http404):  # the county is outside a town administrator's scope
        services.cycle_attachment_add(actor=world.admin_a, cycle=cycle, title="x", file=SimpleUploadedFile("a", b"a"))


def test_page_reads_levels_sectors_grades_and_deadlines(world, cycle):
    assert selectors.levels_of(user=world.county_admin, cycle=cycle) == [world.county]
    assert selectors.levels_of(user=world.reviewer_a, cycle=cycle) == [world.town_a]
    assert selectors.levels_of(user=world.secretary_a1, cycle=cycle) == []
    assert selectors.sectors_below(user=world.county_admin, organization=world.county) == ["regional", "village"]
    assert selectors.sectors_below(user=world.admin_a, organization=world.town_a) == ["village"]
    g = grading(cycle, world.branch_a1)
    assert selectors.grading_grades(grading=g) == ["advanced", "average", "lagging"]
    assert selectors.grading_standard(grading=g) == cycle.standards.get().standard
    assert selectors.grading_standard(grading=grading(cycle, world.town_a)) is None
    assert selectors.grading_due_of(g).deadline is None
    services.cycle_update(actor=world.county_admin, cycle=cycle, deadlines={"member_review": "2026-03-01",
                                                                           "meeting_review": "2026-04-01",
                                                                           "superior_decision": "2026-05-01"},
                          reason="安排")
    g = grading(cycle, world.branch_a1)
    due = selectors.grading_due_of(g)
    assert (due.step, due.deadline, due.closed) == ("public_rating", None, False)  # its current step has no deadline
    g.state = GradingState.SUBMITTED
    assert selectors.grading_due_of(g).deadline == datetime.date(2026, 5, 1)
    g.state = GradingState.DECIDED
    assert selectors.grading_due_of(g).step == "approval"
    g.state = GradingState.APPROVED
    assert selectors.grading_due_of(g) is None


def test_lists_past_their_deadline_are_overdue(world, cycle):
    assert selectors.overdue_lists(user=world.county_admin, cycle=cycle, level=world.county) == []
    services.cycle_update(actor=world.county_admin, cycle=cycle, list_deadlines={"1": "2000-04-18"}, reason="补录")
    cycle.refresh_from_db()
    late = selectors.overdue_lists(user=world.county_admin, cycle=cycle, level=world.county)
    assert [item.level for item in late] == [world.town_a, world.town_b]
    for branch, actor in ((world.branch_a1, world.secretary_a1), (world.branch_a2, world.admin_a)):
        record_own_steps(world, cycle, branch, actor)
        services.grading_decide(actor=world.reviewer_a, grading=grading(cycle, branch), grade="average", reason="r")
    services.level_list_submit(actor=world.reviewer_a, cycle=cycle, level=world.town_a, exception="说明")
    late = selectors.overdue_lists(user=world.county_admin, cycle=cycle, level=world.county)
    assert [item.level for item in late] == [world.town_b]
    with pytest.raises(Http404):
        selectors.overdue_lists(user=world.admin_b, cycle=cycle, level=world.town_a)


def test_a_new_year_starts_from_the_last(world, cycle):
    """Last year's standard comes back as this year's new version; each grading keeps last year's final grade."""
    for branch, actor in ((world.branch_a1, world.secretary_a1), (world.branch_a2, world.admin_a)):
        record_own_steps(world, cycle, branch, actor)
    services.grading_decide(actor=world.reviewer_a, grading=grading(cycle, world.branch_a1), grade="advanced")
    services.grading_decide(actor=world.reviewer_a, grading=grading(cycle, world.branch_a2), grade="lagging", reason="r")
    services.level_list_submit(actor=world.reviewer_a, cycle=cycle, level=world.town_a, exception="两个支部")
    last_standard = cycle.standards.get().standard
    with pytest.raises(ValidationError) as caught:  # a standard of a later year does not fit
        services.cycle_open(actor=world.county_admin, owner=world.county, year=2025, name="2025",
                            standards={"village": make_standard(world.county_admin, world.county, year=2026)})
    assert "standards" in caught.value.message_dict
    new = services.cycle_open(actor=world.county_admin, owner=world.county, year=2027, name="2027年分类定级",
                              standards={"village": last_standard}, preset="hunan")
    standard = new.standards.get().standard
    assert (standard.year, standard.issuer, standard.scheme) == (2027, last_standard.issuer, last_standard.scheme)
    assert standard.pk != last_standard.pk and standard.is_frozen
    assert [i.name for i in standard.indicators.order_by("position")] == [
        i.name for i in last_standard.indicators.order_by("position")]
    baselines = dict(Grading.objects.filter(cycle=new).values_list("organization", "baseline_grade"))
    assert baselines[world.branch_a1.pk] == "advanced" and baselines[world.branch_a2.pk] == "lagging"
    assert baselines[world.branch_b1.pk] == ""  # not determined last year: no baseline
    assert grading(new, world.branch_a1).baseline_cycle == cycle
    later = org_services.organization_create(actor=world.admin_a, parent=world.town_a, name="甲三村党支部",
                                             code="T-NEW-3", kind="branch", sector="village")
    assert services.grading_ensure(cycle=new, organization=later).baseline_grade == ""
