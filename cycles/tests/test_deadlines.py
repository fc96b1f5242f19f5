"""Every step's deadline: overdue wherever a grading shows, a closed step refused before anything is typed,
the owner's extensions (for one organization, or for all) with a reason, and no cycle without deadlines."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from core.models import AuditEvent
from cycles import selectors, services
from cycles.choices import PRESETS, GradingState
from cycles.models import Cycle, DeadlineExtension, Grading
from cycles.tests.test_services import record_own_steps
from standards.tests.factories import make_standard

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
PAST = TODAY - datetime.timedelta(days=3)


def days(n: int) -> str:
    return (TODAY + datetime.timedelta(days=n)).isoformat()


FUTURE = {step: days(10 + index) for index, step in enumerate(PRESETS["chenghua"])}


@pytest.fixture
def cycle(world):
    standard = make_standard(world.county_admin, world.county)
    return services.cycle_open(actor=world.county_admin, owner=world.county, year=TODAY.year, name="分类定级",
                               standards={"village": standard}, preset="chenghua", deadlines=FUTURE)


def grading(cycle, organization) -> Grading:
    return Grading.objects.get(cycle=cycle, organization=organization)


def close_public_rating(world, cycle) -> Cycle:
    """The first step's deadline has passed; the later steps' are weeks away."""
    return services.cycle_update(actor=world.county_admin, cycle=cycle, deadlines=FUTURE | {"public_rating": PAST.isoformat()},
                                 reason="按通知，群众初评已结束")


def test_a_step_past_its_deadline_is_overdue_though_later_steps_are_not(world, cycle):
    cycle = close_public_rating(world, cycle)
    late = selectors.overdue_list(user=world.county_admin, cycle=cycle, level=world.county)
    by_org = {item.grading.organization: item for item in late}
    assert world.branch_a1 in by_org and world.branch_b2 in by_org
    assert (by_org[world.branch_a1].step, by_org[world.branch_a1].deadline) == ("public_rating", PAST)
    g = grading(cycle, world.branch_a1)
    due = selectors.grading_due_of(g)
    assert due.overdue and due.closed and due.deadline == PAST
    # a branch that recorded its first step in time is on its second, whose deadline is ahead
    services.cycle_update(actor=world.county_admin, cycle=cycle, deadlines=FUTURE, reason="补录")
    services.step_record(actor=world.secretary_a1, grading=g, step="public_rating", held_on=TODAY, grade="advanced")
    close_public_rating(world, cycle)
    cycle.refresh_from_db()
    late = selectors.overdue_list(user=world.county_admin, cycle=cycle, level=world.county)
    assert world.branch_a1 not in {item.grading.organization for item in late}
    assert world.branch_a2 in {item.grading.organization for item in late}
    with pytest.raises(Http404):
        selectors.overdue_list(user=world.admin_b, cycle=cycle, level=world.town_a)


def test_overdue_reaches_the_branchs_and_its_superiors_todos(world, cycle):
    close_public_rating(world, cycle)
    (mine,) = [t for t in selectors.todo_list(user=world.secretary_a1)]
    assert mine.kind == "record" and mine.overdue and mine.due.closed and mine.deadline == PAST
    (chased,) = [t for t in selectors.todo_list(user=world.reviewer_a) if t.kind == "overdue"]  # one per level
    assert (chased.organization, chased.count, chased.due.step) == (world.town_a, 2, "public_rating")
    assert {g.organization for g in chased.late} == {world.branch_a1, world.branch_a2}
    assert not [t for t in selectors.todo_list(user=world.reviewer_a) if t.organization == world.branch_b1]


def test_the_decision_deadline_follows_the_submission(world, cycle):
    record_own_steps(world, cycle, world.branch_a1, world.secretary_a1)
    services.cycle_update(actor=world.county_admin, cycle=cycle, deadlines=FUTURE | {"superior_decision": PAST.isoformat()},
                          reason="评定截止")
    cycle.refresh_from_db()
    late = {item.grading.organization: item for item in selectors.overdue_list(user=world.county_admin, cycle=cycle,
                                                                                 level=world.town_a)}
    assert late[world.branch_a1].step == "superior_decision" and world.branch_a2 not in late
    (decide,) = [t for t in selectors.todo_list(user=world.reviewer_a) if t.kind == "decide"]
    assert decide.overdue and decide.due.closed
    with pytest.raises(ValidationError) as caught:
        services.grading_decide(actor=world.reviewer_a, grading=grading(cycle, world.branch_a1), grade="advanced")
    assert world.county.name in caught.value.message_dict["step"][0]


def test_the_owner_extends_one_organizations_step_with_a_reason(world, cycle):
    cycle = close_public_rating(world, cycle)
    g1 = grading(cycle, world.branch_a1)
    until = TODAY + datetime.timedelta(days=5)
    events = AuditEvent.objects.count()
    for actor, error in ((world.reviewer_a, PermissionDenied), (world.admin_b, Http404)):
        with pytest.raises(error):
            services.deadline_extend(actor=actor, cycle=cycle, organization=world.branch_a1, step="public_rating",
                                     until=until, reason="书记住院")
    for changes, field in (({"reason": " "}, "reason"), ({"until": PAST}, "until"), ({"step": "nonsense"}, "step")):
        with pytest.raises(ValidationError) as caught:
            services.deadline_extend(**{"actor": world.county_admin, "cycle": cycle, "organization": world.branch_a1,
                                        "step": "public_rating", "until": until, "reason": "书记住院"} | changes)
        assert field in caught.value.message_dict
    assert not DeadlineExtension.objects.exists() and AuditEvent.objects.count() == events  # nothing changed
    services.deadline_extend(actor=world.county_admin, cycle=cycle, organization=world.branch_a1, step="public_rating",
                             until=until, reason="书记住院，延期五天")
    event = AuditEvent.objects.get(action="deadline.extend")
    assert (event.organization, event.reason, event.after) == (world.branch_a1, "书记住院，延期五天",
                                                               {"step": "public_rating", "until": until.isoformat()})
    assert event in selectors.grading_events(user=world.secretary_a1, grading=g1)  # in the branch's own history
    due = selectors.grading_due_of(g1)
    assert (due.deadline, due.overdue, due.closed) == (until, False, False)
    late = {item.grading.organization for item in selectors.overdue_list(user=world.county_admin, cycle=cycle,
                                                                           level=world.county)}
    assert world.branch_a1 not in late and world.branch_a2 in late
    services.step_record(actor=world.secretary_a1, grading=g1, step="public_rating", held_on=TODAY, grade="advanced")
    with pytest.raises(ValidationError):  # the other branch's step stays closed
        services.step_record(actor=world.admin_a, grading=grading(cycle, world.branch_a2), step="public_rating",
                             held_on=TODAY, grade="advanced")
    services.deadline_extend(actor=world.county_admin, cycle=cycle, organization=world.branch_a1, step="public_rating",
                             until=until, reason="again")  # the same day again: nothing to record
    assert AuditEvent.objects.filter(action="deadline.extend").count() == 1


def test_a_deadline_for_everyone_changes_only_with_a_reason(world, cycle):
    before = dict(cycle.deadlines)
    with pytest.raises(ValidationError) as caught:
        services.cycle_update(actor=world.county_admin, cycle=cycle, deadlines=FUTURE | {"public_rating": days(40)})
    assert "reason" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:  # a step cannot lose its deadline
        services.cycle_update(actor=world.county_admin, cycle=cycle, deadlines={"public_rating": days(40)}, reason="x")
    assert "deadlines" in caught.value.message_dict
    cycle.refresh_from_db()
    assert cycle.deadlines == before
    events = AuditEvent.objects.filter(action="cycle.update").count()
    services.cycle_update(actor=world.county_admin, cycle=cycle, deadlines=dict(before), reason="")  # no change: no event
    assert AuditEvent.objects.filter(action="cycle.update").count() == events
    services.cycle_update(actor=world.county_admin, cycle=cycle, deadlines=FUTURE | {"public_rating": days(40)},
                          reason="全区统一延期")
    event = AuditEvent.objects.filter(action="cycle.update").latest("pk")
    assert event.reason == "全区统一延期" and event.after["deadlines"]["public_rating"] == days(40)
    assert event.before["deadlines"]["public_rating"] == before["public_rating"]


def test_a_cycle_opens_only_with_every_steps_deadline(world):
    events = AuditEvent.objects.count()
    for deadlines, needles in (({}, ["群众初评"]), (FUTURE | {"approval": ""}, ["审核"]),
                               (FUTURE | {"member_review": PAST.isoformat()}, ["党员评议", PAST.isoformat()])):
        with pytest.raises(ValidationError) as caught:
            services.cycle_open(actor=world.county_admin, owner=world.county, year=TODAY.year, name="x",
                                preset="chenghua", deadlines=deadlines)
        (message,) = caught.value.message_dict["deadlines"]
        assert message.startswith("截止日期") and all(needle in message for needle in needles), message
    assert not Cycle.objects.exists() and AuditEvent.objects.count() == events
    # without locking, a past deadline is kept on record (a year entered afterwards)
    cycle = services.cycle_open(actor=world.county_admin, owner=world.county, year=TODAY.year, name="x", preset="hunan",
                                deadlines={"self_assessment": PAST, "superior_decision": PAST}, lock_after_deadline=False)
    assert cycle.deadlines == {"self_assessment": PAST.isoformat(), "superior_decision": PAST.isoformat()}


def test_progress_by_step_counts_done_pending_and_late(world, cycle):
    record_own_steps(world, cycle, world.branch_a1, world.secretary_a1)
    cycle = close_public_rating(world, cycle)
    rows = {row.step: row for row in selectors.step_progress(user=world.county_admin, cycle=cycle, level=world.county)}
    total = Grading.objects.filter(cycle=cycle).count()  # 6: two towns, four branches
    assert (rows["public_rating"].done, rows["public_rating"].pending, rows["public_rating"].overdue) == (1, total - 1, total - 1)
    assert (rows["member_review"].done, rows["member_review"].overdue) == (1, 0)  # its deadline is ahead
    services.deadline_extend(actor=world.county_admin, cycle=cycle, organization=world.branch_a2, step="public_rating",
                             until=TODAY, reason="村委换届")
    rows = {row.step: row for row in selectors.step_progress(user=world.county_admin, cycle=cycle, level=world.county)}
    assert rows["public_rating"].overdue == total - 2
    town = {row.step: row for row in selectors.step_progress(user=world.reviewer_a, cycle=cycle, level=world.town_a)}
    assert (town["public_rating"].done, town["public_rating"].pending, town["public_rating"].overdue) == (1, 1, 0)
    assert grading(cycle, world.branch_a1).state == GradingState.SUBMITTED


# Pages ------------------------------------------------------------------------------------------


def test_a_closed_step_says_so_before_anything_is_typed(client, world, cycle):
    close_public_rating(world, cycle)
    g = grading(cycle, world.branch_a1)
    client.force_login(world.secretary_a1)
    page = client.get(reverse("cycles:grading", args=[g.pk]))
    assert page.context["step_form"] is None
    body = page.content.decode()
    assert PAST.isoformat() in body and world.county.name in body and 'class="closed-step returned"' in body
    assert 'action="' + reverse("cycles:step_record", args=[g.pk, "public_rating"]) not in body
    client.force_login(world.reviewer_a)  # the superior sees the overdue mark on the level page
    page = client.get(reverse("cycles:detail", args=[cycle.pk]))
    rows = {row.organization: row for row in page.context["gradings"]}
    assert rows[world.branch_a1].due.overdue
    assert 'class="overdue"' in page.content.decode()
    assert world.branch_a1 in {item.grading.organization for item in page.context["overdue"]}


def test_the_owner_extends_from_the_grading_page(client, world, cycle):
    close_public_rating(world, cycle)
    g = grading(cycle, world.branch_a1)
    url = reverse("cycles:extend", args=[g.pk])
    client.force_login(world.reviewer_a)
    assert client.get(reverse("cycles:grading", args=[g.pk])).context["extend_form"] is None
    assert client.post(url, {"step": "public_rating", "until": days(5), "reason": "x"}).status_code == 403
    client.force_login(world.county_admin)
    page = client.get(reverse("cycles:grading", args=[g.pk]))
    assert page.context["extend_form"]["step"].value() == "public_rating"  # the step it is stuck on
    refused = client.post(url, {"step": "public_rating", "until": days(5), "reason": ""})
    assert refused.status_code == 200 and "reason" in refused.context["extend_form"].errors
    assert not DeadlineExtension.objects.exists()
    assert client.post(url, {"step": "public_rating", "until": days(5), "reason": "书记住院"}).status_code == 302
    client.force_login(world.secretary_a1)
    page = client.get(reverse("cycles:grading", args=[g.pk]))
    assert page.context["step_form"].step == "public_rating" and days(5) in page.content.decode()
