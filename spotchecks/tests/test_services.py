"""The spot check's services on the real database: the frozen population, the draw, recusal, refusals that save
nothing, the audit, and a finding's rectification order on the organization's plan."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import AuditEvent
from orgs import paths
from rectification.choices import MeasureReview, MeasureState
from rectification.models import Measure, Plan
from spotchecks import rules, services
from spotchecks.choices import FindingResult, SpotCheckState, Stratification
from spotchecks.models import (
    ChecklistItem,
    Finding,
    InspectorAssignment,
    PopulationEntry,
    SampledOrganization,
    SpotCheck,
)
from spotchecks.tests.factories import DEADLINE, drawn_check, make_check

pytestmark = pytest.mark.django_db


def sample_codes(spot_check):
    return sorted(SampledOrganization.objects.filter(spot_check=spot_check).values_list("organization__code", flat=True))


def field_of(raised) -> str:
    return next(iter(raised.value.message_dict))


def test_freeze_keeps_the_population_and_the_hash_of_its_sorted_codes(world):
    spot_check = services.spotcheck_freeze(actor=world.county_admin, spot_check=make_check(world))
    codes = [org.code for org in (world.town_a, world.town_b, world.branch_a1, world.branch_a2, world.branch_b1,
                                  world.branch_b2)]
    assert spot_check.state == SpotCheckState.FROZEN
    assert spot_check.population_size == 6
    assert spot_check.population_hash == rules.population_hash(codes)
    assert sorted(PopulationEntry.objects.filter(spot_check=spot_check).values_list("code", flat=True)) == sorted(codes)
    event = AuditEvent.objects.get(action="spotcheck.freeze", object_id=str(spot_check.pk))
    assert event.after["population_hash"] == spot_check.population_hash and event.actor == world.county_admin


def test_filters_by_sector_and_depth(world):
    spot_check = make_check(world, sectors=["village"], depth=2)
    spot_check = services.spotcheck_freeze(actor=world.county_admin, spot_check=spot_check)
    assert spot_check.population_size == 4
    town_only = services.spotcheck_freeze(actor=world.county_admin, spot_check=make_check(world, depth=1))
    assert town_only.population_size == 2


def test_entropy_is_recorded_with_who_and_when_and_cannot_change(world):
    spot_check = services.spotcheck_freeze(actor=world.county_admin, spot_check=make_check(world))
    spot_check = services.spotcheck_enter_entropy(actor=world.county_admin, spot_check=spot_check, entropy=" 3281.06 ")
    assert (spot_check.entropy, spot_check.entropy_by) == ("3281.06", world.county_admin)
    assert spot_check.entropy_at is not None
    with pytest.raises(ValidationError) as raised:
        services.spotcheck_enter_entropy(actor=world.county_admin, spot_check=spot_check, entropy="9999")
    assert field_of(raised) == "entropy" and "不能更改" in raised.value.messages[0]
    assert AuditEvent.objects.filter(action="spotcheck.entropy").count() == 1


def test_entropy_before_the_freeze_is_refused_and_nothing_saved(world):
    spot_check = make_check(world)
    with pytest.raises(ValidationError) as raised:
        services.spotcheck_enter_entropy(actor=world.county_admin, spot_check=spot_check, entropy="12345")
    assert field_of(raised) == "entropy" and "冻结" in raised.value.messages[0]
    assert SpotCheck.objects.get(pk=spot_check.pk).entropy == ""


def test_a_draw_before_the_freeze_or_the_entropy_is_refused(world):
    spot_check = make_check(world)
    with pytest.raises(ValidationError) as raised:
        services.spotcheck_draw(actor=world.county_admin, spot_check=spot_check)
    assert field_of(raised) == "population" and "冻结" in raised.value.messages[0]
    spot_check = services.spotcheck_freeze(actor=world.county_admin, spot_check=spot_check)
    with pytest.raises(ValidationError) as raised:
        services.spotcheck_draw(actor=world.county_admin, spot_check=spot_check)
    assert field_of(raised) == "entropy"
    assert not SampledOrganization.objects.exists()
    assert SpotCheck.objects.get(pk=spot_check.pk).state == SpotCheckState.FROZEN


def test_a_sample_larger_than_its_stratum_is_refused_and_nothing_frozen(world):
    spot_check = make_check(world, stratify_by=Stratification.SECTOR, sample_count=3)  # 2 towns, 4 villages
    with pytest.raises(ValidationError) as raised:
        services.spotcheck_freeze(actor=world.county_admin, spot_check=spot_check)
    assert field_of(raised) == "sample_count" and "只有 2" in raised.value.messages[0]
    assert not PopulationEntry.objects.exists()
    assert SpotCheck.objects.get(pk=spot_check.pk).state == SpotCheckState.DRAFT


def test_a_pool_too_small_for_recusal_is_refused_and_nothing_drawn(world):
    with pytest.raises(ValidationError) as raised:
        drawn_check(world, sample_share=Decimal("1"), pool=[world.admin_a, world.secretary_a1, world.admin_b])
    assert field_of(raised) == "pool" and "检查人员库" in raised.value.messages[0]
    assert not SampledOrganization.objects.exists() and not InspectorAssignment.objects.exists()
    assert not AuditEvent.objects.filter(action="spotcheck.draw").exists()


def test_an_inspector_is_never_drawn_for_their_own_organization_or_one_below_it(world):
    spot_check = drawn_check(world, sample_share=Decimal("1"))
    assignments = InspectorAssignment.objects.filter(sampled__spot_check=spot_check).select_related(
        "sampled__organization", "inspector")
    assert assignments.count() == 12  # six organizations, two each
    for assignment in assignments:
        organization = assignment.sampled.organization
        for role in assignment.inspector.roles.select_related("organization"):
            held = role.organization
            assert not (organization.path.startswith(held.path) and held.pk != world.county.pk), (assignment, held)
            assert not held.path.startswith(organization.path), (assignment, held)
    assert world.admin_a.pk not in assignments.filter(sampled__organization=world.branch_a1).values_list(
        "inspector", flat=True)
    event = AuditEvent.objects.get(action="spotcheck.draw", object_id=str(spot_check.pk))
    assert len(event.after["sample"]) == 6


def test_the_same_inputs_give_the_same_draw_whatever_the_population_order(world):
    first = drawn_check(world, sample_count=1, stratify_by=Stratification.SECTOR)
    second = make_check(world, sample_count=1, stratify_by=Stratification.SECTOR)
    second = services.spotcheck_freeze(actor=world.county_admin, spot_check=second)
    entries = list(PopulationEntry.objects.filter(spot_check=second).order_by("-code"))
    PopulationEntry.objects.filter(spot_check=second).delete()
    for entry in entries:  # stored again, in the opposite order
        entry.pk = None
        entry.save()
    second = services.spotcheck_enter_entropy(actor=world.county_admin, spot_check=second, entropy=first.entropy)
    second = services.spotcheck_draw(actor=world.county_admin, spot_check=second)
    assert second.population_hash == first.population_hash
    assert sample_codes(second) == sample_codes(first) and len(sample_codes(first)) == 2

    def inspectors(spot_check):
        return sorted(InspectorAssignment.objects.filter(sampled__spot_check=spot_check).values_list(
            "sampled__organization__code", "inspector__username"))
    assert inspectors(second) == inspectors(first)


def checklist_item(title: str) -> ChecklistItem:
    """A checklist item of the default list. Its migration's rows are gone after a transactional test in the
    same process has flushed the tables, so the test puts it back if need be."""
    return ChecklistItem.objects.get_or_create(title=title)[0]


def test_only_the_levels_administrators_run_the_check(world):
    spot_check = make_check(world)
    with pytest.raises(PermissionDenied):
        services.spotcheck_freeze(actor=world.admin_a, spot_check=spot_check)


def test_a_finding_opens_a_rectification_order_on_the_plan(world, client):
    spot_check = drawn_check(world, sample_share=Decimal("1"), depth=2)
    sampled = SampledOrganization.objects.get(spot_check=spot_check, organization=world.branch_a1)
    inspector = sampled.inspectors.first().inspector
    item = checklist_item("整改措施落实")
    finding = services.finding_record(actor=inspector, sampled=sampled, item=item, result=FindingResult.PROBLEM,
                                      note="整改台账未按月更新", evidence="查阅2026年整改台账", deadline=DEADLINE)
    measure = Measure.objects.get(pk=finding.measure_id)
    plan = Plan.objects.get(cycle=spot_check.cycle, organization=world.branch_a1)
    assert measure.plan == plan and measure.deadline == DEADLINE
    assert (measure.review, measure.state) == (MeasureReview.ACCEPTED, MeasureState.PLANNED)
    assert AuditEvent.objects.filter(action="measure.order", object_id=str(measure.pk)).exists()
    assert AuditEvent.objects.filter(action="finding.record", object_id=str(finding.pk)).exists()
    # Recording it again changes the finding, not the number of orders.
    services.finding_record(actor=inspector, sampled=sampled, item=item, result=FindingResult.PROBLEM,
                            note="整改台账未按月更新，已督促", deadline=DEADLINE)
    assert Measure.objects.filter(plan=plan).count() == 1
    client.force_login(world.secretary_a1)
    page = client.get(reverse("rectification:plan", args=(spot_check.cycle_id, world.branch_a1.pk)))
    assert "整改台账未按月更新" in page.content.decode()


def test_a_finding_is_refused_for_a_non_inspector_and_a_bad_deadline_saves_nothing(world):
    spot_check = drawn_check(world, sample_share=Decimal("1"), depth=2)
    sampled = SampledOrganization.objects.get(spot_check=spot_check, organization=world.branch_b1)
    item = checklist_item("台账齐全")
    with pytest.raises(PermissionDenied):
        services.finding_record(actor=world.admin_b, sampled=sampled, item=item, result=FindingResult.MET)
    inspector = sampled.inspectors.first().inspector
    with pytest.raises(ValidationError) as raised:
        services.finding_record(actor=inspector, sampled=sampled, item=item, result=FindingResult.PROBLEM,
                                note="缺少台账", deadline=DEADLINE.replace(year=2027))
    assert field_of(raised) == "deadline"
    with pytest.raises(ValidationError) as raised:
        services.finding_record(actor=inspector, sampled=sampled, item=item, result=FindingResult.PROBLEM, note="")
    assert field_of(raised) == "note"
    assert not Finding.objects.exists() and not Measure.objects.exists() and not Plan.objects.exists()


def test_the_population_stays_inside_the_level(world):
    spot_check = services.spotcheck_create(actor=world.admin_a, cycle=make_check(world).cycle, level=world.town_a,
                                           title="甲镇抽查", pool=[])
    spot_check = services.spotcheck_freeze(actor=world.admin_a, spot_check=spot_check)
    level_end = paths.successor(world.town_a.path)
    assert all(world.town_a.path < path < level_end for path in PopulationEntry.objects.filter(
        spot_check=spot_check).values_list("organization__path", flat=True))
    assert spot_check.population_size == 2
