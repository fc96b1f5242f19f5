"""The home page as a to-do list for each role, and only the actions a role may take offered."""

import datetime

import pytest
from django.urls import reverse

from cycles import services
from cycles.models import Grading
from cycles.tests.test_deadlines import FUTURE, PAST
from cycles.tests.test_services import record_own_steps
from orgs.testing import make_user
from standards.tests.factories import make_standard

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def cycle(world):
    standard = make_standard(world.county_admin, world.county)
    cycle = services.cycle_open(actor=world.county_admin, owner=world.county, year=TODAY.year, name="年度分类定级",
                                standards={"village": standard}, preset="chenghua", deadlines=FUTURE)
    return services.cycle_update(actor=world.county_admin, cycle=cycle, deadlines=FUTURE | {"public_rating": PAST.isoformat()},
                                 reason="群众初评已结束")


def grading(cycle, organization) -> Grading:
    return Grading.objects.get(cycle=cycle, organization=organization)


def test_the_department_sees_progress_by_step_lists_to_approve_and_late_subordinates(client, world, cycle):
    for branch, actor in ((world.branch_a1, world.secretary_a1), (world.branch_a2, world.admin_a)):
        services.deadline_extend(actor=world.county_admin, cycle=cycle, organization=branch, step="public_rating",
                                 until=TODAY, reason="补录")
        record_own_steps(world, cycle, branch, actor)
        services.grading_decide(actor=world.reviewer_a, grading=grading(cycle, branch), grade="advanced")
    services.level_list_submit(actor=world.reviewer_a, cycle=cycle, level=world.town_a, exception="两个支部均为先进")
    client.force_login(world.county_admin)
    page = client.get(reverse("home"))
    (overview,) = page.context["overviews"]
    assert overview.level == world.county
    rows = {row.step: row for row in overview.progress}
    assert (rows["public_rating"].done, rows["public_rating"].pending, rows["public_rating"].overdue) == (2, 4, 4)
    assert (rows["superior_decision"].done, rows["superior_decision"].overdue) == (2, 0)
    assert {item.grading.organization for item in overview.overdue} == {world.town_a, world.town_b, world.branch_b1,
                                                                         world.branch_b2}
    kinds = {(t.kind, t.organization) for t in page.context["todos"]}
    assert ("approve", world.town_a) in kinds and ("overdue", world.county) in kinds
    (late,) = [t for t in page.context["todos"] if t.kind == "overdue"]
    assert {g.organization for g in late.late} == {world.town_a, world.town_b}  # its direct subordinates only
    body = page.content.decode()
    assert reverse("cycles:level_list", args=[cycle.pk, world.town_a.pk]) in body
    assert 'data-step="public_rating" class="overdue"' in body and reverse("orgs:user_create") in body


def test_the_reviewer_sees_what_to_determine_and_who_is_late(client, world, cycle):
    services.deadline_extend(actor=world.county_admin, cycle=cycle, organization=world.branch_a1, step="public_rating",
                             until=TODAY, reason="补录")
    record_own_steps(world, cycle, world.branch_a1, world.secretary_a1)
    client.force_login(world.reviewer_a)
    page = client.get(reverse("home"))
    todos = {(t.kind, t.organization) for t in page.context["todos"]}
    assert todos == {("decide", world.branch_a1), ("overdue", world.town_a)}
    assert [o.level for o in page.context["overviews"]] == [world.town_a]
    assert reverse("orgs:user_create") not in page.content.decode()  # a reviewer creates no users


def test_the_secretary_sees_the_step_due_closed_with_whom_to_ask_and_no_admin_actions(client, world, cycle):
    client.force_login(world.secretary_a1)
    page = client.get(reverse("home"))
    (todo,) = page.context["todos"]
    assert (todo.kind, todo.due.step, todo.due.closed, todo.overdue) == ("record", "public_rating", True, True)
    assert page.context["overviews"] == []
    body = page.content.decode()
    assert 'class="closed-step returned"' in body and world.county.name in body
    assert reverse("orgs:user_create") not in body  # it would be refused: it is not offered
    assert reverse("api:openapi-view") not in body
    services.deadline_extend(actor=world.county_admin, cycle=cycle, organization=world.branch_a1, step="public_rating",
                             until=TODAY + datetime.timedelta(days=2), reason="书记住院")
    (todo,) = client.get(reverse("home")).context["todos"]
    assert (todo.due.closed, todo.overdue, todo.deadline) == (False, False, TODAY + datetime.timedelta(days=2))


def test_the_api_is_in_the_menu_of_system_administrators_only(client, world):
    for user, shown in ((world.county_admin, False), (world.secretary_a1, False),
                        (make_user("root", superuser=True), True)):
        client.force_login(user)
        assert (reverse("api:openapi-view") in client.get(reverse("home")).content.decode()) is shown, user


def test_a_returned_branch_reads_the_reason_on_its_home_page(client, world, cycle):
    """The to-do of a returned submission says why it came back, not only that it did (issue 15's walk)."""
    services.deadline_extend(actor=world.county_admin, cycle=cycle, organization=world.branch_a1, step="public_rating",
                             until=TODAY, reason="补录")
    record_own_steps(world, cycle, world.branch_a1, world.secretary_a1)
    services.grading_return(actor=world.reviewer_a, grading=grading(cycle, world.branch_a1),
                            reasons={"self_assessment": "自评未附会议记录"})
    client.force_login(world.secretary_a1)
    body = client.get(reverse("home")).content.decode()
    assert 'class="return-reason returned"' in body and "自评未附会议记录" in body
