"""The acceptance: targets never below the superior's, the round from self-check to 认定, the rules as data,
refusals naming their field with nothing half-saved, and matrices and rates equal to a recount from the detail
rows after random years."""

import datetime
import random
from collections import Counter
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation

from acceptance import rules, selectors, services, tallies
from acceptance.choices import AcceptanceState, Presence
from acceptance.models import Acceptance, AcceptanceSettings, LevelAcceptance, Target
from acceptance.tests.factories import TODAY, acceptance, graded_cycle, open_round, self_checked
from core.audit import audit_unknown_keys
from core.models import AuditEvent
from orgs import services as org_services
from orgs.choices import Sector
from orgs.testing import make_org, system_user
from rectification import services as rectification_services

pytestmark = pytest.mark.django_db


def assert_tallies(cycle):
    assert tallies.stored(cycle=cycle) == tallies.recount(cycle=cycle)


@pytest.fixture
def cycle(world):
    return graded_cycle(world)


# Targets ------------------------------------------------------------------------------------------------------


def test_the_seeds_targets_are_set_at_the_owner(world, cycle):
    assert services.targets_seed(actor=world.county_admin, cycle=cycle) == len(rules.SEED_TARGETS)
    assert services.targets_seed(actor=world.county_admin, cycle=cycle) == 0  # once
    community = {(t.origin, t.goal): t.share for t in Target.objects.filter(cycle=cycle, sector="community")}
    assert community[("grade:average", "title:district")] == Decimal("0.15")
    assert community[("stars:1", "stars:more")] == Decimal("0.35")
    assert community[("grade:lagging", "grade:average")] == Decimal("1")


def test_a_lower_level_may_raise_its_superiors_target_never_lower_it(world, cycle):
    services.target_set(actor=world.county_admin, cycle=cycle, level=world.county, sector="", origin="grade:average",
                        goal="grade:advanced", share="0.30")
    services.target_set(actor=world.admin_a, cycle=cycle, level=world.town_a, sector="", origin="grade:average",
                        goal="grade:advanced", share="40%")
    with pytest.raises(ValidationError) as refused:
        services.target_set(actor=world.admin_a, cycle=cycle, level=world.town_a, sector="village",
                            origin="grade:average", goal="grade:advanced", share="0.25")
    assert "share" in refused.value.message_dict
    message = refused.value.message_dict["share"][0]
    assert "25%" in message and "40%" in message and world.town_a.name in message
    assert Target.objects.filter(cycle=cycle, organization=world.town_a).count() == 1  # nothing saved
    # The county raises its own later: the town's stays, and the higher one holds there.
    services.target_set(actor=world.county_admin, cycle=cycle, level=world.county, sector="", origin="grade:average",
                        goal="grade:advanced", share="0.5")
    held = {(t.sector, t.origin, t.goal): t for t in selectors.targets_in_force(cycle=cycle, level=world.town_a)}
    town = held[("", "grade:average", "grade:advanced")]
    assert (town.share, town.level, town.own) == (Decimal("0.5"), world.county, Decimal("0.4"))


def test_other_sectors_are_held_at_least_at_the_communities_targets(world, cycle):
    services.target_set(actor=world.county_admin, cycle=cycle, level=world.county, sector="community",
                        origin="stars:3", goal="stars:more", share="0.25")
    with pytest.raises(ValidationError) as refused:
        services.target_set(actor=world.admin_a, cycle=cycle, level=world.town_a, sector=Sector.VILLAGE,
                            origin="stars:3", goal="stars:more", share="0.2")
    assert "share" in refused.value.message_dict
    services.target_set(actor=world.admin_a, cycle=cycle, level=world.town_a, sector=Sector.VILLAGE, origin="stars:3",
                        goal="stars:more", share="0.25")
    held = {(t.sector, t.origin, t.goal): t.share for t in selectors.targets_in_force(cycle=cycle, level=world.town_b)}
    assert held[(Sector.VILLAGE, "stars:3", "stars:more")] == Decimal("0.25")  # from the communities', at town_b too


@pytest.mark.parametrize(("change", "field"), [
    ({"share": "1.2"}, "share"),
    ({"share": "120%"}, "share"),
    ({"share": "abc"}, "share"),
    ({"share": "-0.1"}, "share"),
    ({"origin": "grade:nothing"}, "origin"),
    ({"goal": "grade:lagging"}, "goal"),
    ({"sector": "moon"}, "sector"),
])
def test_a_bad_target_is_refused_naming_its_field(world, cycle, change, field):
    data = {"sector": "", "origin": "grade:average", "goal": "grade:advanced", "share": "0.3"} | change
    with pytest.raises(ValidationError) as refused:
        services.target_set(actor=world.admin_a, cycle=cycle, level=world.town_a, **data)
    assert list(refused.value.message_dict) == [field]
    assert not Target.objects.exists()


def test_a_share_over_100_percent_says_so_in_chinese(world, cycle):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        services.target_set(actor=world.admin_a, cycle=cycle, level=world.town_a, sector="", origin="grade:average",
                            goal="grade:advanced", share="1.5")
    message = refused.value.message_dict["share"][0]
    assert "150%" in message and "最低比例" in message


def test_targets_are_set_by_the_levels_deciders_only(world, cycle):
    with pytest.raises(PermissionDenied):
        services.target_set(actor=world.observer_a, cycle=cycle, level=world.town_a, sector="",
                            origin="grade:average", goal="grade:advanced", share="0.3")
    with pytest.raises(Http404):
        services.target_set(actor=world.admin_b, cycle=cycle, level=world.town_a, sector="",
                            origin="grade:average", goal="grade:advanced", share="0.3")


def test_a_committees_overall_target_from_its_plan_is_one_of_the_targets(world, cycle):
    plan = rectification_services.plan_ensure(actor=world.admin_a, cycle=cycle, organization=world.town_a)
    rectification_services.plan_update(actor=world.admin_a, plan=plan, overall_targets=[
        {"from": "average", "to": "advanced", "share": "0.6"}])
    plan = rectification_services.plan_submit(actor=world.admin_a, plan=plan)
    rectification_services.plan_approve(actor=world.county_admin, plan=plan)
    held = {(t.sector, t.origin, t.goal): t for t in selectors.targets_in_force(cycle=cycle, level=world.town_a)}
    target = held[("", "grade:average", "grade:advanced")]
    assert (target.share, target.source) == (Decimal("0.6"), "plan")


# The round ----------------------------------------------------------------------------------------------------


def test_a_whole_acceptance_from_self_check_to_determination(world, cycle):
    open_round(world, cycle)
    acc = acceptance(cycle, world.branch_a1)
    assert (acc.start_grade, acc.state, acc.presence) == ("average", AcceptanceState.SELF_CHECK, Presence.CONTINUING)
    acc = self_checked(world, acc, actor=world.secretary_a1)
    assert acc.state == AcceptanceState.SUBMITTED and acc.score == Decimal(100)
    acc = services.acceptance_decide(actor=world.reviewer_a, acceptance=acc, grade="advanced", title="district")
    assert (acc.state, acc.accepted_grade, acc.accepted_stars, acc.revisit) == ("passed", "advanced", 5, False)
    rate = {(t.origin, t.goal): t.rate for t in selectors.target_rates(cycle=cycle, organization=world.town_a)}
    assert rate == {}  # no target yet
    services.target_set(actor=world.admin_a, cycle=cycle, level=world.town_a, sector="", origin="grade:average",
                        goal="grade:advanced", share="0.3")
    line = selectors.target_rates(cycle=cycle, organization=world.town_a)[0]
    assert (line.rate.base, line.rate.reached, line.rate.met) == (1, 1, True)
    matrix = selectors.transition_matrix(cycle=cycle, organization=world.county, kind="grade")
    assert matrix.count("average", "advanced") == 1 and matrix.count("average", "pending") == 1
    assert matrix.count("lagging", "pending") == 1 and matrix.count("ungraded", "pending") == 2  # the two towns
    assert matrix.total == 6
    assert_tallies(cycle)


def test_it_fails_below_the_pass_mark_or_when_most_are_dissatisfied_and_is_revisited(world, cycle):
    open_round(world, cycle, pass_score=Decimal("70"))
    low = self_checked(world, acceptance(cycle, world.branch_a1), deductions=4)  # 60 points
    low = services.acceptance_decide(actor=world.reviewer_a, acceptance=low, grade="average", stars=2)
    assert (low.state, low.revisit, low.score) == ("failed", True, Decimal(60))
    unhappy = self_checked(world, acceptance(cycle, world.branch_a2), satisfied=1, dissatisfied=2)
    unhappy = services.acceptance_decide(actor=world.reviewer_a, acceptance=unhappy, grade="average", stars=1,
                                         reason="满意度低")
    assert unhappy.state == "failed" and unhappy.revisit
    half = self_checked(world, acceptance(cycle, world.branch_b1), satisfied=2, dissatisfied=2)  # half is not more
    # (50 % satisfied sets off the standard's satisfaction veto: the sheet grades it 后进)
    assert services.acceptance_decide(actor=world.admin_b, acceptance=half, grade="lagging").state == "passed"
    assert selectors.level_state_counts(cycle=cycle, organization=world.county) == {
        "failed": 2, "passed": 1, "self_check": 3}  # branch_b2 and the two towns
    assert tallies.level_rows(cycle=cycle, organization=world.county)["revisit"] == {"1": 2}
    assert_tallies(cycle)


def test_the_rules_are_data_of_the_round(world, cycle):
    open_round(world, cycle, pass_score=Decimal("95"), dissatisfied_share=Decimal("0.2"))
    acc = self_checked(world, acceptance(cycle, world.branch_a1), satisfied=4, dissatisfied=1)
    assert services.acceptance_decide(actor=world.reviewer_a, acceptance=acc, grade="advanced").state == "passed"
    acc = self_checked(world, acceptance(cycle, world.branch_a2), satisfied=3, dissatisfied=1)  # 25 % > 20 %
    assert services.acceptance_decide(actor=world.reviewer_a, acceptance=acc, grade="advanced").state == "failed"


@pytest.mark.parametrize(("missing", "field"), [("report", "report"), ("sheet", "sheet"), ("survey", "survey")])
def test_a_self_check_is_submitted_whole_or_not_at_all(world, cycle, missing, field):
    open_round(world, cycle)
    acc = acceptance(cycle, world.branch_a1)
    if missing != "report":
        services.acceptance_report_save(actor=world.secretary_a1, acceptance=acc, report="自查报告")
    if missing != "sheet":
        services.acceptance_sheet_open(actor=world.secretary_a1, acceptance=acc, kind="accept_self")
    with pytest.raises(ValidationError) as refused:
        services.acceptance_submit(actor=world.secretary_a1, acceptance=acc)
    assert field in refused.value.message_dict
    acc.refresh_from_db()
    assert acc.state == AcceptanceState.SELF_CHECK
    assert_tallies(cycle)


def test_a_level_submits_only_once_every_subordinate_is_regraded(world, cycle):
    open_round(world, cycle)
    acc = self_checked(world, acceptance(cycle, world.branch_a1))
    services.acceptance_decide(actor=world.reviewer_a, acceptance=acc, grade="advanced")
    with pytest.raises(ValidationError) as refused:
        services.acceptance_level_submit(actor=world.reviewer_a, cycle=cycle, level=world.town_a)
    assert "acceptances" in refused.value.message_dict
    assert world.branch_a2.name in refused.value.message_dict["acceptances"][0]
    assert not LevelAcceptance.objects.filter(state="submitted").exists()
    acc = self_checked(world, acceptance(cycle, world.branch_a2))
    services.acceptance_decide(actor=world.reviewer_a, acceptance=acc, grade="average", stars=3, reason="仍有差距")
    services.acceptance_level_submit(actor=world.reviewer_a, cycle=cycle, level=world.town_a)
    with pytest.raises(ValidationError):  # submitted: its determinations are fixed
        services.acceptance_decide(actor=world.reviewer_a, acceptance=acceptance(cycle, world.branch_a2),
                                   grade="advanced", revise=True)


@pytest.mark.parametrize(("change", "field"), [
    ({"grade": "nothing"}, "grade"),
    ({"grade": "average"}, "stars"),
    ({"grade": "average", "stars": 9}, "stars"),
    ({"grade": "lagging", "stars": 2, "reason": "x"}, "stars"),
    ({"grade": "average", "stars": 2}, "reason"),
    ({"grade": "advanced", "title": "moon"}, "title"),
])
def test_a_bad_determination_is_refused_naming_its_field(world, cycle, change, field):
    open_round(world, cycle)
    acc = self_checked(world, acceptance(cycle, world.branch_a1))
    with pytest.raises(ValidationError) as refused:
        services.acceptance_decide(actor=world.reviewer_a, acceptance=acc, **change)
    assert list(refused.value.message_dict) == [field]
    acc.refresh_from_db()
    assert acc.state == AcceptanceState.SUBMITTED
    assert_tallies(cycle)


def test_only_the_direct_superior_determines(world, cycle):
    open_round(world, cycle)
    acc = self_checked(world, acceptance(cycle, world.branch_a1))
    with pytest.raises(PermissionDenied):
        services.acceptance_decide(actor=world.secretary_a1, acceptance=acc, grade="advanced")
    with pytest.raises(Http404):
        services.acceptance_decide(actor=world.admin_b, acceptance=acc, grade="advanced")


def test_new_merged_and_dissolved_have_rows_of_their_own(world):
    graded_cycle(world, year=TODAY.year - 1)
    gone, merged = world.branch_b2, world.branch_a2
    org_services.organization_dissolve(actor=system_user(), organization=gone, dissolved_on=TODAY, reason="撤村并居")
    newcomer = make_org(world.town_b, name="新建社区党支部", sector=Sector.COMMUNITY)
    cycle = graded_cycle(world, grades={world.branch_a1: "advanced", world.branch_a2: "average",
                                        world.branch_b1: "advanced"})
    org_services.organization_merge(actor=system_user(), source=merged, target=world.branch_a1, merged_on=TODAY,
                                    reason="合并")
    open_round(world, cycle)
    rows = {a.organization_id: a for a in Acceptance.objects.filter(cycle=cycle)}
    assert rows[world.branch_a1.pk].presence == Presence.CONTINUING
    assert rows[world.branch_a1.pk].baseline_grade == "average"
    assert rows[newcomer.pk].presence == Presence.NEW
    assert (rows[gone.pk].presence, rows[gone.pk].grading_id) == (Presence.DISSOLVED, None)
    assert (rows[merged.pk].presence, rows[merged.pk].state) == (Presence.MERGED, AcceptanceState.DEPARTED)
    years = selectors.transition_matrix(cycle=cycle, organization=world.county, kind="years")
    assert years.count("new", "pending") == 1 and years.count("average", "dissolved") == 1
    assert years.count("lagging", "merged") == 1  # branch_a2: 后进 last year, merged during this one
    grade = selectors.transition_matrix(cycle=cycle, organization=world.county, kind="grade")
    assert grade.count("average", "merged") == 1 and grade.column_total("dissolved") == 0
    assert_tallies(cycle)


def test_each_cell_drills_down_to_its_organizations(world, cycle):
    open_round(world, cycle)
    acc = self_checked(world, acceptance(cycle, world.branch_a1))
    services.acceptance_decide(actor=world.reviewer_a, acceptance=acc, grade="advanced")
    for kind in selectors.MATRIX_KINDS:
        matrix = selectors.transition_matrix(cycle=cycle, organization=world.county, kind=kind)
        for (row, column), count in matrix.cells.items():
            found = selectors.cell_acceptances(user=world.county_admin, cycle=cycle, organization=world.county,
                                               kind=kind, row=row, column=column)
            assert found.count() == count, (kind, row, column)


def test_rates_and_matrices_equal_a_recount_after_random_years(world):
    rng = random.Random(20)
    more = [make_org(town, name=f"加测{n}党支部", sector=rng.choice([Sector.VILLAGE, Sector.COMMUNITY]))
            for n, town in enumerate([world.town_a, world.town_b] * 3)]
    branches = [world.branch_a1, world.branch_a2, world.branch_b1, world.branch_b2, *more]
    grades = ["advanced", "average", "lagging"]
    for year in (TODAY.year - 1, TODAY.year):
        start = {branch: rng.choice(grades) for branch in branches if rng.random() < 0.9}
        cycle = graded_cycle(world, year=year, grades=start)
        services.targets_seed(actor=world.county_admin, cycle=cycle)
        open_round(world, cycle, pass_score=Decimal(rng.choice([60, 70, 80])))
        for _round in range(40):
            acc = Acceptance.objects.filter(cycle=cycle, organization__in=branches).exclude(
                state="departed").order_by("?").first()
            reviewer = world.reviewer_a if acc.organization.parent_id == world.town_a.pk else world.admin_b
            try:
                if acc.state in ("self_check", "returned"):
                    self_checked(world, acc, deductions=rng.randint(0, 5), satisfied=rng.randint(0, 3),
                                 dissatisfied=rng.randint(1, 3))
                elif acc.state == "submitted" and rng.random() < 0.2:
                    services.acceptance_return(actor=reviewer, acceptance=acc, reason="补充材料")
                else:
                    sheet = services.acceptance_sheet(acc, "accept_self")
                    services.acceptance_decide(actor=reviewer, acceptance=acc, grade=rng.choice([*grades, "exemplary"]),
                                               stars=rng.randint(0, 5), title=rng.choice(["", "", "district", "national"]),
                                               reason="验收认定", revise=True) if sheet else None
            except (ValidationError, PermissionDenied):
                pass
        assert_tallies(cycle)
        assert Acceptance.objects.filter(cycle=cycle, state__in=["passed", "failed"]).count() >= 3
        # Every level's rates equal a recount from the detail rows.
        for level in [world.county, world.town_a, world.town_b]:
            rows = Acceptance.objects.filter(cycle=cycle, organization__path__startswith=level.path).exclude(
                organization=level)
            detail = Counter(tallies.move_of(row) for row in rows if row.state != "departed" or row.grading_id)
            assert selectors.level_moves(cycle=cycle, organization=level) == dict(detail)
            for line in selectors.target_rates(cycle=cycle, organization=level):
                base = reached = 0
                for row in rows:
                    move = tallies.move_of(row)
                    if row.sector != line.sector and line.sector or rules.departed(move.end_grade) \
                            or not rules.starts_at(move, line.origin) or (row.state == "departed" and not row.grading_id):
                        continue
                    base += 1
                    reached += rules.reaches(move, line.goal)
                assert (line.rate.base, line.rate.reached) == (base, reached), line


def test_every_audit_event_reads_in_words(world, cycle):
    services.targets_seed(actor=world.county_admin, cycle=cycle)
    services.target_set(actor=world.admin_a, cycle=cycle, level=world.town_a, sector="", origin="grade:average",
                        goal="grade:advanced", share="0.4")
    open_round(world, cycle)
    acc = self_checked(world, acceptance(cycle, world.branch_a1))
    services.acceptance_return(actor=world.reviewer_a, acceptance=acc, reason="补充")
    acc = services.acceptance_submit(actor=world.county_admin, acceptance=acc)
    services.acceptance_decide(actor=world.reviewer_a, acceptance=acc, grade="advanced")
    actions = apps.get_app_config("acceptance").audit_actions
    events = AuditEvent.objects.filter(action__in=list(actions))
    assert {event.action for event in events} >= {"target.seed", "target.set", "acceptance.open", "acceptance.report",
                                                   "acceptance.survey", "acceptance.submit", "acceptance.return",
                                                   "acceptance.decide"}
    for event in events:
        assert not audit_unknown_keys(event), (event.action, audit_unknown_keys(event))


def test_the_round_opens_once_with_its_rules_checked(world, cycle):
    with pytest.raises(ValidationError) as refused:
        open_round(world, cycle, pass_score="abc")
    assert "pass_score" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        open_round(world, cycle, dissatisfied_share="1.5")
    assert "dissatisfied_share" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        open_round(world, cycle, decision_due=TODAY - datetime.timedelta(days=30))
    assert "decision_due" in refused.value.message_dict
    assert not AcceptanceSettings.objects.exists() and not Acceptance.objects.exists()
    open_round(world, cycle)
    with pytest.raises(ValidationError):
        open_round(world, cycle)
    with pytest.raises(Http404):
        services.acceptance_round_open(actor=world.admin_a, cycle=cycle, self_check_due=TODAY, decision_due=TODAY)


def test_start_of_year_grades_are_kept_when_the_round_opens(world, cycle):
    open_round(world, cycle)
    assert {a.organization_id: a.start_grade for a in Acceptance.objects.filter(cycle=cycle)} == {
        world.town_a.pk: "", world.town_b.pk: "", world.branch_a1.pk: "average", world.branch_a2.pk: "lagging",
        world.branch_b1.pk: "advanced", world.branch_b2.pk: "average"}
