"""The pledge's workflow: each transition's guards, refusals naming their field, counts equal to a recount."""

import datetime
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from core.audit import audit_lines
from core.models import AuditEvent
from members.tests.factories import make_member
from orgs.testing import system_user
from pledges import services, tallies
from pledges.choices import Category, PledgeResult, PledgeState
from pledges.models import Pledge, PledgeItem
from pledges.tests.factories import YEAR, make_pledge, open_cycle

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def world(world):
    world.cycle = open_cycle(world)
    world.member = make_member(world.secretary_a1, world.branch_a1, name="毛小红")
    return world


def test_a_members_pledge_from_draft_to_closed(world):
    pledge = make_pledge(world.secretary_a1, world.cycle, world.branch_a1, world.member)
    services.pledge_submit(actor=world.secretary_a1, pledge=pledge)
    services.pledge_return(actor=world.secretary_a1, pledge=pledge, reason="量力而行：三件太多")
    pledge.refresh_from_db()
    assert (pledge.state, pledge.return_reason) == (PledgeState.DRAFT, "量力而行：三件太多")
    services.pledge_submit(actor=world.secretary_a1, pledge=pledge)
    services.pledge_approve(actor=world.secretary_a1, pledge=pledge)
    item = pledge.items.get()
    services.progress_add(actor=world.secretary_a1, item=item, happened_on=TODAY, text="帮助孤寡老人修缮房屋")
    pledge.refresh_from_db()
    assert pledge.state == PledgeState.FULFILLING
    services.pledge_evaluate(actor=world.secretary_a1, pledge=pledge, result=PledgeResult.GOOD,
                             self_evaluation="按期完成", leader_comment="群众满意")
    services.pledge_close(actor=world.secretary_a1, pledge=pledge)
    pledge.refresh_from_db()
    assert (pledge.state, pledge.result) == (PledgeState.CLOSED, PledgeResult.GOOD)
    actions = list(AuditEvent.objects.filter(object_type="pledges.pledge").values_list("action", flat=True))
    assert actions.count("pledge.submit") == 2 and "pledge.close" in actions
    counts = tallies.level_counts(cycle=world.cycle, organization=world.branch_a1)
    assert counts == {"state": {"member:closed": 1}, "result": {"member:good": 1}}
    assert tallies.level_counts(cycle=world.cycle, organization=world.county)["state"] == {"member:closed": 1}


def test_an_organizations_pledge_is_vetted_by_its_superior_only(world):
    pledge = make_pledge(world.secretary_a1, world.cycle, world.branch_a1)
    services.pledge_submit(actor=world.secretary_a1, pledge=pledge)
    with pytest.raises(PermissionDenied):
        services.pledge_approve(actor=world.secretary_a1, pledge=pledge)
    with pytest.raises(Http404):
        services.pledge_approve(actor=world.admin_b, pledge=pledge)
    services.pledge_approve(actor=world.reviewer_a, pledge=pledge)
    assert Pledge.objects.get().state == PledgeState.PUBLIC


def test_an_added_item_reads_in_the_audit_as_people_write_it(world):
    pledge = make_pledge(world.secretary_a1, world.cycle, world.branch_a1, items=0)
    item = services.pledge_item_add(actor=world.secretary_a1, pledge=pledge, category=Category.PRACTICAL,
                                    content="招待费比去年降低", measurable=True, baseline="去年3万元",
                                    target="降低20%", deadline=datetime.date(YEAR, 12, 31))
    event = AuditEvent.objects.get(action="pledge.item_add", object_id=str(item.pk))
    lines = dict(audit_lines(event, event.after))
    assert event.after["measurable"] is True
    assert lines[str(PledgeItem._meta.get_field("measurable").verbose_name)] == "是"
    assert lines[str(PledgeItem._meta.get_field("deadline").verbose_name)] == f"{YEAR}-12-31"


def test_a_measurable_item_needs_its_baseline_and_target(world):
    pledge = make_pledge(world.secretary_a1, world.cycle, world.branch_a1, items=0)
    with pytest.raises(ValidationError) as refused:
        services.pledge_item_add(actor=world.secretary_a1, pledge=pledge, category=Category.PRACTICAL,
                                 content="招待费比去年降低", measurable=True, target="降低20%",
                                 deadline=datetime.date(YEAR, 12, 31))
    assert list(refused.value.message_dict) == ["baseline"]
    assert "基数" in refused.value.message_dict["baseline"][0]
    with pytest.raises(ValidationError) as refused:
        services.pledge_item_add(actor=world.secretary_a1, pledge=pledge, category=Category.STUDY, content="学习",
                                 deadline=datetime.date(YEAR + 1, 1, 1))
    assert set(refused.value.message_dict) == {"category", "deadline"}
    assert not PledgeItem.objects.exists()
    with pytest.raises(ValidationError) as refused:
        services.pledge_submit(actor=world.secretary_a1, pledge=pledge)
    assert "items" in refused.value.message_dict


def test_a_pledge_not_kept_needs_a_public_explanation(world):
    pledge = make_pledge(world.secretary_a1, world.cycle, world.branch_a1, world.member)
    services.pledge_submit(actor=world.secretary_a1, pledge=pledge)
    services.pledge_approve(actor=world.secretary_a1, pledge=pledge)
    with pytest.raises(ValidationError) as refused:
        services.pledge_evaluate(actor=world.secretary_a1, pledge=pledge, result=PledgeResult.POOR)
    assert "explanation" in refused.value.message_dict
    assert Pledge.objects.get().state == PledgeState.PUBLIC


def test_one_pledge_per_member_and_cycle_and_only_from_the_roster(world):
    make_pledge(world.secretary_a1, world.cycle, world.branch_a1, world.member)
    with pytest.raises(ValidationError):
        make_pledge(world.secretary_a1, world.cycle, world.branch_a1, world.member)
    stranger = make_member(world.admin_a, world.branch_a2)
    with pytest.raises(ValidationError) as refused:
        make_pledge(world.secretary_a1, world.cycle, world.branch_a1, stranger)
    assert "member" in refused.value.message_dict


def test_the_counts_equal_a_recount_after_random_workflows(world):
    rng = random.Random(19)
    branches = [world.branch_a1, world.branch_a2, world.branch_b1, world.branch_b2]
    admin = system_user()  # acts at every level: the draft, the vetting just above, the evaluation
    pledges = []
    for branch in branches:
        pledges.append(make_pledge(admin, world.cycle, branch))
        for _ in range(3):
            pledges.append(make_pledge(admin, world.cycle, branch, make_member(admin, branch)))
    for _ in range(120):
        pledge = Pledge.objects.get(pk=rng.choice(pledges).pk)
        moves = {
            PledgeState.DRAFT: [lambda p: services.pledge_submit(actor=admin, pledge=p)],
            PledgeState.SUBMITTED: [lambda p: services.pledge_approve(actor=admin, pledge=p),
                                    lambda p: services.pledge_return(actor=admin, pledge=p, reason="再议")],
            PledgeState.PUBLIC: [lambda p: services.progress_add(actor=admin, item=p.items.first(), happened_on=TODAY,
                                                                 text="推进")],
            PledgeState.FULFILLING: [lambda p: services.pledge_evaluate(
                actor=admin, pledge=p, result=rng.choice(PledgeResult.values), explanation="说明")],
            PledgeState.EVALUATED: [lambda p: services.pledge_close(actor=admin, pledge=p),
                                    lambda p: services.pledge_evaluate(actor=admin, pledge=p, result=PledgeResult.AVERAGE)],
            PledgeState.CLOSED: [],
        }[pledge.state]
        if moves:
            rng.choice(moves)(pledge)
    assert tallies.stored(cycle=world.cycle) == tallies.recount(cycle=world.cycle)
    assert len({p.state for p in Pledge.objects.all()}) >= 4
