"""A level's list goes up only when it is whole; the cycle owner's list is the cycle's result, which no
one above approves; the level page shows where each subordinate level's list stands."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import AuditEvent
from cycles import selectors, services, tallies
from cycles.choices import GradingState, ListState
from cycles.models import Grading, LevelList
from cycles.tests.test_services import record_own_steps
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


def determine(world, cycle, organization, decider, grade="average"):
    record_own_steps(world, cycle, organization, world.county_admin, declared=grade)
    return services.grading_decide(actor=decider, grading=grading(cycle, organization), grade=grade)


def test_a_list_with_an_undetermined_subordinate_goes_nowhere_whatever_the_exception(world, cycle):
    determine(world, cycle, world.branch_a1, world.reviewer_a)
    before = (AuditEvent.objects.count(), list(Grading.objects.order_by("pk").values_list("state", flat=True)))
    with pytest.raises(ValidationError) as caught:
        services.level_list_submit(actor=world.reviewer_a, cycle=cycle, level=world.town_a,
                                   exception="甲二村暂缓评定，先报已评定的")
    assert set(caught.value.message_dict) == {"list"}
    assert world.branch_a2.name in caught.value.message_dict["list"][0]
    assert (AuditEvent.objects.count(), list(Grading.objects.order_by("pk").values_list("state", flat=True))) == before
    assert not LevelList.objects.exclude(state=ListState.OPEN).exists()
    assert not [t for t in selectors.todo_list(user=world.reviewer_a) if t.kind == "submit_list"]
    determine(world, cycle, world.branch_a2, world.reviewer_a, grade="lagging")
    (todo,) = [t for t in selectors.todo_list(user=world.reviewer_a) if t.kind == "submit_list"]
    assert todo.organization == world.town_a
    level_list = services.level_list_submit(actor=world.reviewer_a, cycle=cycle, level=world.town_a)
    assert (level_list.state, level_list.exception) == (ListState.SUBMITTED, "")  # the quotas hold: no exception


def test_the_owners_list_is_the_cycles_result_and_no_one_approves_it(world, cycle):
    determine(world, cycle, world.town_a, world.county_admin)
    with pytest.raises(ValidationError):  # town_b is not determined yet
        services.level_list_submit(actor=world.county_admin, cycle=cycle, level=world.county, exception="x")
    determine(world, cycle, world.town_b, world.county_admin, grade="lagging")
    level_list = services.level_list_submit(actor=world.county_admin, cycle=cycle, level=world.county)
    assert level_list.state == ListState.FINAL
    assert {grading(cycle, town).state for town in (world.town_a, world.town_b)} == {GradingState.APPROVED}
    assert AuditEvent.objects.filter(action="list.confirm", organization=world.county).exists()
    with pytest.raises(PermissionDenied):  # not even the owner's administrators approve their own list
        services.level_list_approve(actor=world.county_admin, level_list=level_list)
    assert not [t for t in selectors.todo_list(user=world.county_admin) if t.kind == "approve"]
    assert tallies.stored(cycle=cycle) == tallies.recount(cycle=cycle)
    # the owner reopens what its result holds, with a reason; its list opens again
    services.grading_reopen(actor=world.county_admin, grading=grading(cycle, world.town_a), reason="信访复查")
    assert LevelList.objects.get(cycle=cycle, organization=world.county).state == ListState.RETURNED
    with pytest.raises(PermissionDenied):
        services.grading_reopen(actor=world.admin_a, grading=grading(cycle, world.town_a), reason="x")
    assert services.level_list_submit(actor=world.county_admin, cycle=cycle, level=world.county).state == ListState.FINAL


def test_the_owners_page_says_what_confirming_means(client, world, cycle):
    determine(world, cycle, world.town_a, world.county_admin)
    determine(world, cycle, world.town_b, world.county_admin, grade="lagging")
    client.force_login(world.county_admin)
    page = client.get(reverse("cycles:detail", args=[cycle.pk]))
    body = page.content.decode()
    assert page.context["is_owner_level"] and 'class="muted owner-list"' in body
    assert client.post(reverse("cycles:list_submit", args=[cycle.pk, world.county.pk])).status_code == 302
    page = client.get(reverse("cycles:level_list", args=[cycle.pk, world.county.pk]))
    assert not page.context["can_approve"]
    assert reverse("cycles:list_approve", args=[cycle.pk, world.county.pk]) not in page.content.decode()
    assert client.post(reverse("cycles:list_approve", args=[cycle.pk, world.county.pk])).status_code == 403


def test_the_level_table_shows_where_each_subordinate_levels_list_stands(client, world, cycle):
    client.force_login(world.county_admin)
    url = reverse("cycles:detail", args=[cycle.pk])

    def list_cells():
        page = client.get(url)
        return {g.organization: (g.own_list.state if g.own_list else None) for g in page.context["gradings"]}, page

    states, page = list_cells()
    assert states == {world.town_a: None, world.town_b: None}
    assert page.content.decode().count('class="badge list-open"') >= 2  # "not submitted yet" on both towns
    determine(world, cycle, world.branch_a1, world.reviewer_a, grade="advanced")
    determine(world, cycle, world.branch_a2, world.reviewer_a, grade="lagging")
    level_list = services.level_list_submit(actor=world.reviewer_a, cycle=cycle, level=world.town_a, exception="两个支部")
    states, page = list_cells()
    assert states[world.town_a] == ListState.SUBMITTED and 'class="badge list-submitted"' in page.content.decode()
    services.level_list_return(actor=world.county_admin, level_list=level_list,
                               reasons={grading(cycle, world.branch_a1).pk: "材料不全"})
    states, page = list_cells()
    assert states[world.town_a] == ListState.RETURNED and 'class="badge list-returned"' in page.content.decode()
    services.grading_decide(actor=world.reviewer_a, grading=grading(cycle, world.branch_a1), grade="advanced")
    level_list = services.level_list_submit(actor=world.reviewer_a, cycle=cycle, level=world.town_a, exception="两个支部")
    services.level_list_approve(actor=world.county_admin, level_list=level_list)
    states, page = list_cells()
    assert states == {world.town_a: ListState.APPROVED, world.town_b: None}
    assert 'class="badge list-approved"' in page.content.decode()
