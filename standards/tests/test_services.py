"""Standards and score sheets on the real database."""

import dataclasses
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from core.models import AuditEvent
from orgs import services as org_services
from standards import selectors, services
from standards.models import Deduction, ScoreSheet, Standard
from standards.structure import IndicatorData, ItemData, StandardData
from standards.tests.factories import SMALL, make_standard

pytestmark = pytest.mark.django_db


@pytest.fixture
def standard(world):
    return make_standard(world.county_admin, world.county)


def item(standard, code):
    return standard.indicators.get(items__code=code).items.get(code=code)


def with_secretary(world):
    org_services.organization_update(actor=world.admin_a, organization=world.branch_a1, secretary="廖仁旺")
    world.branch_a1.refresh_from_db()


def test_maximums_must_add_up_to_100_and_nothing_is_saved(world):
    broken = dataclasses.replace(SMALL, indicators=SMALL.indicators[:1])
    with pytest.raises(ValidationError) as caught:
        make_standard(world.county_admin, world.county, data=broken)
    assert any("50" in message for message in caught.value.message_dict["structure"])
    assert not Standard.objects.exists()


def test_deduction_rule_past_maximum_is_named(world):
    bad_item = ItemData("9.9", "x", D(5), "fixed", D(6))
    data = StandardData((IndicatorData("A", (bad_item, ItemData("9.8", "y", D(95), "fixed", D(1)))),))
    with pytest.raises(ValidationError) as caught:
        make_standard(world.county_admin, world.county, data=data)
    assert any("9.9" in message for message in caught.value.message_dict["structure"])


def test_self_assessment_runs_total_grade_stars(world, standard):
    with_secretary(world)
    sheet = services.score_sheet_open(actor=world.secretary_a1, organization=world.branch_a1, standard=standard,
                                      assessor_kind="self")
    assert (sheet.total, sheet.grade, sheet.stars) == (D(100), "advanced", 5)
    services.deduction_add(actor=world.secretary_a1, sheet=sheet, item=item(standard, "1.1"), occurrences=3, reason="缺培训")
    services.deduction_add(actor=world.secretary_a1, sheet=sheet, item=item(standard, "1.1"), occurrences=3, reason="又缺")
    sheet.refresh_from_db()
    assert sheet.total == D(70) and sheet.grade == "average" and sheet.stars == 2  # 1.1 runs out at 0: −30, not −30
    deduction = services.deduction_add(actor=world.secretary_a1, sheet=sheet, item=item(standard, "2.1"), occurrences=2,
                                       reason="任务未完成")
    sheet.refresh_from_db()
    assert sheet.total == D(50) and sheet.grade == "lagging" and sheet.stars == 0
    services.deduction_remove(actor=world.secretary_a1, deduction=deduction)
    sheet.refresh_from_db()
    assert sheet.total == D(70)
    assert AuditEvent.objects.filter(object_id=str(sheet.pk), action="sheet.deduct").count() == 3
    standard.refresh_from_db()
    assert standard.is_frozen


def test_bad_deductions_are_refused_and_nothing_changes(world, standard):
    with_secretary(world)
    sheet = services.score_sheet_open(actor=world.secretary_a1, organization=world.branch_a1, standard=standard,
                                      assessor_kind="self")
    for occurrences, reason, field in ((0, "x", "occurrences"), (-1, "x", "occurrences"), (1, " ", "reason")):
        with pytest.raises(ValidationError) as caught:
            services.deduction_add(actor=world.secretary_a1, sheet=sheet, item=item(standard, "1.1"),
                                   occurrences=occurrences, reason=reason)
        assert field in caught.value.message_dict
        assert "1.1" in caught.value.message_dict[field][0]
    assert not Deduction.objects.exists()
    sheet.refresh_from_db()
    assert sheet.total == D(100)


def test_a_deduction_past_what_is_left_is_kept_and_the_item_scores_0(world, standard):
    """seeds/002 "每个项目分值扣完为止": points past the item's maximum are kept as entered, never refused."""
    with_secretary(world)
    sheet = services.score_sheet_open(actor=world.secretary_a1, organization=world.branch_a1, standard=standard,
                                      assessor_kind="self")
    services.deduction_add(actor=world.secretary_a1, sheet=sheet, item=item(standard, "1.1"), occurrences=4, reason="缺培训")
    deduction = services.deduction_add(actor=world.secretary_a1, sheet=sheet, item=item(standard, "1.1"), occurrences=3,
                                       reason="又缺培训")  # 20 of 30 gone, 15 more: 5 past the item
    assert deduction.points == D(15)
    sheet.refresh_from_db()
    assert (sheet.total, sheet.grade) == (D(70), "average")
    line = next(line for indicator in selectors.sheet_explanation(user=world.secretary_a1, sheet=sheet).indicators
                for line in indicator.items if line.item.code == "1.1")
    assert (line.score, line.deducted, line.beyond) == (D(0), D(35), D(5))
    services.deduction_add(actor=world.secretary_a1, sheet=sheet, item=item(standard, "1.2"), occurrences=1, reason="不全")
    sheet.refresh_from_db()
    assert sheet.total == D(60) and Deduction.objects.filter(sheet=sheet).count() == 3


def test_veto_always_wins_and_explanation_lists_it(world, standard):
    with_secretary(world)
    sheet = services.score_sheet_open(actor=world.reviewer_a, organization=world.branch_a1, standard=standard,
                                      assessor_kind="superior")
    clause = standard.vetoes.get(position=1)
    with pytest.raises(ValidationError):
        services.veto_mark(actor=world.reviewer_a, sheet=sheet, clause=clause, evidence="")
    mark = services.veto_mark(actor=world.reviewer_a, sheet=sheet, clause=clause, evidence="信访局通报")
    sheet.refresh_from_db()
    assert (sheet.total, sheet.grade, sheet.stars, sheet.vetoed) == (D(100), "lagging", 0, True)
    explanation = selectors.sheet_explanation(user=world.reviewer_a, sheet=sheet)
    assert [m.clause.text for m in explanation.vetoes] == ["近一年来出现严重群体性事件的"]
    assert [line.name for line in explanation.indicators] == ["党组织带头人", "工作业绩"]
    services.veto_unmark(actor=world.reviewer_a, mark=mark)
    sheet.refresh_from_db()
    assert sheet.grade == "advanced" and not sheet.vetoed


def test_data_vetoes_set_themselves_off(world, standard):
    sheet = services.score_sheet_open(actor=world.secretary_a1, organization=world.branch_a1, standard=standard,
                                      assessor_kind="self")
    assert sheet.vetoed and sheet.veto_marks.get().automatic  # the branch has no secretary on record
    with pytest.raises(PermissionDenied):
        services.veto_unmark(actor=world.secretary_a1, mark=sheet.veto_marks.get())
    with_secretary(world)  # the mark lifts by itself when the data changes
    sheet.refresh_from_db()
    assert not sheet.vetoed and not sheet.veto_marks.exists()
    services.satisfaction_record(actor=world.secretary_a1, organization=world.branch_a1, standard=standard,
                                 rate=D("0.55"), evidence="测评")
    sheet.refresh_from_db()
    assert sheet.vetoed
    assert [m.clause.position for m in sheet.veto_marks.order_by("clause__position")] == [3]
    services.satisfaction_record(actor=world.secretary_a1, organization=world.branch_a1, standard=standard,
                                 rate=D("0.80"), evidence="再测评")
    sheet.refresh_from_db()
    assert not sheet.vetoed and sheet.grade == "advanced"


def test_who_may_enter_which_sheet(world, standard):
    with pytest.raises(PermissionDenied):  # a reviewer decides on the branch, not its self-assessment
        services.score_sheet_open(actor=world.reviewer_a, organization=world.branch_a1, standard=standard, assessor_kind="self")
    with pytest.raises(PermissionDenied):  # 下管一级: the branch does not judge itself as its superior
        services.score_sheet_open(actor=world.secretary_a1, organization=world.branch_a1, standard=standard,
                                  assessor_kind="superior")
    with pytest.raises(Http404):
        services.score_sheet_open(actor=world.admin_b, organization=world.branch_a1, standard=standard, assessor_kind="self")
    assert not ScoreSheet.objects.exists()


def test_frozen_standard_revision_makes_a_new_version_with_a_diff(world, standard):
    services.score_sheet_open(actor=world.secretary_a1, organization=world.branch_a1, standard=standard, assessor_kind="self")
    first = SMALL.indicators[0]
    changed = dataclasses.replace(SMALL, indicators=(
        dataclasses.replace(first, items=(dataclasses.replace(first.items[0], max_points=D(25)),
                                          dataclasses.replace(first.items[1], max_points=D(25)))),
        SMALL.indicators[1]))
    revised = services.standard_revise(actor=world.county_admin, standard=standard, data=changed, reason="调整分值")
    assert revised.pk != standard.pk and revised.version == 2 and revised.previous_version == standard
    assert selectors.standard_structure(standard=standard) == SMALL
    base, changes = selectors.standard_differences(standard=revised)
    assert base == standard
    assert {(c.code, c.change, c.fields["max_points"]) for c in changes} == {("1.1", "changed", (D(30), D(25))),
                                                                               ("1.2", "changed", (D(20), D(25)))}


def test_derived_standard_shows_its_differences(world, standard):
    derived = services.standard_derive(actor=world.admin_a, source=standard, issuer=world.town_a)
    assert selectors.standard_differences(standard=derived) == (standard, [])
    with pytest.raises(Http404):
        services.standard_derive(actor=world.admin_a, source=standard, issuer=world.town_b)
    with pytest.raises(ValidationError):
        services.standard_derive(actor=world.county_admin, source=derived, issuer=world.county)
    assert selectors.standard_for(organization=world.branch_a1, year=2026) == derived
    assert selectors.standard_for(organization=world.branch_b1, year=2026) == standard


def test_correction_rescores_every_sheet(world, standard):
    with_secretary(world)
    sheet = services.score_sheet_open(actor=world.secretary_a1, organization=world.branch_a1, standard=standard,
                                      assessor_kind="self")
    services.deduction_add(actor=world.secretary_a1, sheet=sheet, item=item(standard, "2.1"), occurrences=2, reason="x")
    sheet.refresh_from_db()
    assert sheet.total == D(80)
    second = SMALL.indicators[1]
    corrected = dataclasses.replace(SMALL, indicators=(
        SMALL.indicators[0], dataclasses.replace(second, items=(dataclasses.replace(second.items[0], deduction_points=D(15)),))))
    with pytest.raises(ValidationError):
        services.standard_correct(actor=world.county_admin, standard=standard, data=corrected, reason="")
    changed = services.standard_correct(actor=world.county_admin, standard=standard, data=corrected, reason="扣分标准笔误")
    sheet.refresh_from_db()
    assert changed == 1 and sheet.total == D(70) and sheet.grade == "average"
    assert Deduction.objects.get().points == D(30)


@pytest.mark.parametrize("sector", ["village", "community", "agency", "public_institution", "soe", "financial",
                                    "non_public_enterprise", "social_org", "university", "street_committee",
                                    "remote_education_site"])
def test_built_in_standard_for_every_sector(world, sector):
    standard = services.standard_create_default(actor=world.county_admin, issuer=world.county, sector=sector, year=2026)
    data = selectors.standard_structure(standard=standard)
    assert [indicator.name for indicator in data.indicators] == [
        "党组织带头人", "工作思路", "工作制度", "活动阵地", "保障机制", "工作业绩", "群众评价"]
    assert sum(item.max_points for item in data.items()) == D(100)
    assert standard.scheme == ("remote_sites" if sector == "remote_education_site" else "three_grades")
    assert data.vetoes


def test_quota_report_names_the_rule_and_the_shortfall(world, standard):
    for branch in (world.branch_a1, world.branch_a2):
        org_services.organization_update(actor=world.admin_a, organization=branch, secretary="书记")
        branch.refresh_from_db()
        services.score_sheet_open(actor=world.reviewer_a, organization=branch, standard=standard, assessor_kind="superior")
    report = selectors.quota_report(user=world.reviewer_a, organization=world.town_a, standard=standard)
    # Two branches, both 先进: the 30% cap allows 0 of 2 → over by 2; the 5% floor on 后进 needs 1 → short by 1.
    assert [(line.at_most, line.count, line.limit, line.by) for line in report] == [(True, 2, 0, 2), (False, 0, 1, 1)]
    with pytest.raises(Http404):
        selectors.quota_report(user=world.admin_b, organization=world.town_a, standard=standard)
