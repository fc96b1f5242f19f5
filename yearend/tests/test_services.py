import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEvent
from yearend import rules, selectors, services
from yearend.choices import SummaryState
from yearend.models import Candidate, YearSummary
from yearend.tests.factories import YEAR, year_end

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world):
    return year_end(world)


def test_the_figures_come_from_the_tallies_of_the_three_apps(world):
    figures = selectors.level_figures(cycle=world.cycle, level=world.town_a, today=datetime.date(YEAR, 12, 1))
    assert figures["organizations"] == 2
    assert figures["grades"] == {"advanced": 2}
    assert figures["steps"]["self_assessment"] == 2
    assert sum(figures["measures"].values()) == 2 and figures["plans"] == {"draft": 1}
    assert figures["pledge_results"] == {"organization:good": 1, "organization:average": 1}
    county = selectors.level_figures(cycle=world.cycle, level=world.county, today=datetime.date(YEAR, 12, 1))
    assert county["grades"] == {"advanced": 2, "average": 1}


def test_the_years_stand_side_by_side(world):
    table = selectors.years_table(user=world.county_admin, cycle=world.cycle, level=world.county)
    assert table.rows == [[str(YEAR - 1), 2, 1], [str(YEAR), 2, 1]]
    assert table.columns[1:] == ["先进", "一般"] or table.columns[1:] == ["Advanced", "Average"]


def test_a_summary_is_drafted_from_the_figures_edited_and_submitted_with_them_frozen(world):
    summary = services.summary_save(actor=world.admin_a, cycle=world.cycle, level=world.town_a)
    assert "2" in summary.text and summary.state == SummaryState.DRAFT
    summary = services.summary_save(actor=world.reviewer_a, cycle=world.cycle, level=world.town_a, text="今年工作扎实。")
    assert summary.text == "今年工作扎实。"
    summary = services.summary_submit(actor=world.admin_a, summary=summary)
    assert summary.state == SummaryState.SUBMITTED and summary.figures["grades"] == {"advanced": 2}
    with pytest.raises(ValidationError):
        services.summary_save(actor=world.admin_a, cycle=world.cycle, level=world.town_a, text="改")
    actions = list(AuditEvent.objects.filter(object_type="yearend.yearsummary").order_by("pk").values_list("action", flat=True))
    assert actions == ["summary.save", "summary.save", "summary.submit"]


def test_an_empty_summary_is_refused_naming_the_field_and_nothing_changes(world):
    summary = services.summary_save(actor=world.admin_a, cycle=world.cycle, level=world.town_a, text="   ")
    with pytest.raises(ValidationError) as error:
        services.summary_submit(actor=world.admin_a, summary=summary)
    assert "text" in error.value.message_dict
    summary.refresh_from_db()
    assert summary.state == SummaryState.DRAFT and summary.figures == {} and summary.submitted_at is None


def test_only_the_superior_reopens_and_only_the_level_writes(world):
    with pytest.raises(PermissionDenied):
        services.summary_save(actor=world.observer_a, cycle=world.cycle, level=world.town_a, text="x")
    summary = services.summary_save(actor=world.admin_a, cycle=world.cycle, level=world.town_a, text="总结")
    services.summary_submit(actor=world.admin_a, summary=summary)
    with pytest.raises(PermissionDenied):
        services.summary_reopen(actor=world.reviewer_a, summary=summary, reason="补充")
    with pytest.raises(ValidationError):
        services.summary_reopen(actor=world.county_admin, summary=summary, reason=" ")
    summary = services.summary_reopen(actor=world.county_admin, summary=summary, reason="请补充目标完成情况")
    assert summary.state == SummaryState.DRAFT and summary.figures == {}


def test_a_report_is_attached_and_refused_without_a_name_or_text(world):
    summary = services.summary_save(actor=world.admin_a, cycle=world.cycle, level=world.town_a, text="总结")
    with pytest.raises(ValidationError) as error:
        services.report_save(actor=world.admin_a, summary=summary, secretary="", post="", text="述职")
    assert "secretary" in error.value.message_dict
    report = services.report_save(actor=world.admin_a, summary=summary, secretary="李明", post="党委书记",
                                  text="一年来，我履行抓党建第一责任人职责。")
    assert list(selectors.reports_of(summary)) == [report]


def test_the_rules_propose_only_who_meets_every_one_with_its_reasons(world):
    shortlist = services.shortlist_propose(actor=world.county_admin, cycle=world.cycle, level=world.county)
    candidates = list(shortlist.candidates.all())
    assert [c.organization for c in candidates] == [world.branch_a1]  # branch_a2's pledge is rated 一般
    assert [r["rule"] for r in candidates[0].reasons] == ["top_grade_years", "target_met", "no_veto", "pledge_result"]


def test_the_level_adds_and_removes_with_a_reason_and_submits(world):
    shortlist = services.shortlist_propose(actor=world.county_admin, cycle=world.cycle, level=world.county)
    with pytest.raises(ValidationError) as error:
        services.candidate_add(actor=world.county_admin, shortlist=shortlist, organization=world.branch_a2, reason="")
    assert "reason" in error.value.message_dict
    added = services.candidate_add(actor=world.county_admin, shortlist=shortlist, organization=world.branch_a2,
                                   reason="抗洪救灾表现突出")
    candidate = Candidate.objects.get(shortlist=shortlist, organization=world.branch_a1)
    services.candidate_remove(actor=world.county_admin, candidate=candidate, reason="年内发生信访事件")
    again = services.shortlist_propose(actor=world.county_admin, cycle=world.cycle, level=world.county)
    states = {c.organization_id: (c.source, c.removed) for c in again.candidates.all()}
    assert states == {world.branch_a1.pk: ("rules", True), added.organization_id: ("added", False)}
    services.shortlist_submit(actor=world.county_admin, shortlist=again)
    with pytest.raises(ValidationError):
        services.candidate_add(actor=world.county_admin, shortlist=again, organization=world.branch_b1, reason="x")


def test_an_empty_shortlist_is_not_submitted(world):
    shortlist = services.shortlist_propose(actor=world.admin_b, cycle=world.cycle, level=world.town_b)
    with pytest.raises(ValidationError):
        services.shortlist_submit(actor=world.admin_b, shortlist=shortlist)


def test_a_candidate_from_outside_the_level_is_refused(world):
    shortlist = services.shortlist_propose(actor=world.admin_a, cycle=world.cycle, level=world.town_a)
    with pytest.raises(ValidationError) as error:
        services.candidate_add(actor=world.admin_a, shortlist=shortlist, organization=world.branch_b1, reason="好")
    assert "organization" in error.value.message_dict


def test_rules_kept_as_data_are_checked_and_change_the_proposal(world):
    with pytest.raises(ValidationError) as error:
        services.settings_update(actor=world.county_admin, cycle=world.cycle, summary_due=datetime.date(YEAR, 12, 3),
                                 commendation_rules=[{"rule": "top_grade_years", "years": 9}])
    assert "commendation_rules" in error.value.message_dict
    services.settings_update(actor=world.county_admin, cycle=world.cycle, summary_due=datetime.date(YEAR, 12, 3),
                             commendation_rules=[{"rule": "top_grade_years", "years": 2}, {"rule": "no_veto"}])
    shortlist = services.shortlist_propose(actor=world.county_admin, cycle=world.cycle, level=world.county)
    assert {c.organization_id for c in shortlist.candidates.all()} == {world.branch_a1.pk, world.branch_a2.pk}
    with pytest.raises(PermissionDenied):
        services.settings_update(actor=world.admin_a, cycle=world.cycle, summary_due=datetime.date(YEAR, 12, 3),
                                 commendation_rules=rules.DEFAULT_COMMENDATION_RULES)


@pytest.mark.parametrize(("grades", "met"), [
    (("advanced", "advanced"), True), (("advanced", "average"), False), (("advanced", ""), False),
    (("exemplary", "advanced"), True), (("advanced",), False)])
def test_the_years_running_rule(grades, met):
    rule = [{"rule": "top_grade_years", "years": 2}]
    assert (rules.reasons_met(rule, rules.Record(grades=grades)) is not None) is met


def test_the_target_rule_counts_a_grade_above_the_target():
    rule = [{"rule": "target_met"}]
    assert rules.reasons_met(rule, rules.Record(grades=("exemplary",), target_grade="advanced"))
    assert rules.reasons_met(rule, rules.Record(grades=("average",), target_grade="advanced")) is None
    assert rules.reasons_met(rule, rules.Record(grades=("advanced",), target_grade="")) is None


def test_the_summary_is_unique_per_level_and_cycle(world):
    services.summary_save(actor=world.admin_a, cycle=world.cycle, level=world.town_a)
    services.summary_save(actor=world.admin_a, cycle=world.cycle, level=world.town_a)
    assert YearSummary.objects.filter(cycle=world.cycle, organization=world.town_a).count() == 1
