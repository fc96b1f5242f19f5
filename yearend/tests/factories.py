"""A year for the year's end in tests: last year's and this year's cycles over the World, gradings determined
through the services, a plan, an organization's pledge rated."""

import datetime

from cycles import services as cycle_services
from cycles.models import Grading
from orgs.testing import system_user
from pledges import services as pledge_services
from pledges.choices import Category
from rectification.tests.factories import filed_plan

YEAR = datetime.date.today().year
STEPS = ["self_assessment", "superior_decision"]


def open_cycle(world, year: int = YEAR):
    return cycle_services.cycle_open(actor=world.county_admin, owner=world.county, year=year, name=f"{year}年晋位升级",
                                     steps=STEPS)


def decide(world, cycle, organization, grade: str = "advanced") -> Grading:
    """The organization's self-assessment recorded and submitted, then determined by its superior."""
    actor = system_user()
    grading = Grading.objects.get(cycle=cycle, organization=organization)
    cycle_services.step_record(actor=actor, grading=grading, step="self_assessment",
                               held_on=datetime.date(cycle.year, 3, 1), grade=grade)
    grading = cycle_services.grading_submit(actor=actor, grading=grading)
    return cycle_services.grading_decide(actor=actor, grading=grading, grade=grade, reason="评定")


def rated_pledge(world, cycle, organization, result: str = "good"):
    """The organization's own pledge, made public by its superior and rated."""
    actor = system_user()
    pledge = pledge_services.pledge_create(actor=actor, cycle=cycle, organization=organization)
    pledge_services.pledge_item_add(actor=actor, pledge=pledge, category=Category.PRACTICAL, content="修通村道",
                                    deadline=datetime.date(cycle.year, 12, 31))
    pledge = pledge_services.pledge_submit(actor=actor, pledge=pledge)
    pledge = pledge_services.pledge_approve(actor=actor, pledge=pledge)
    return pledge_services.pledge_evaluate(actor=actor, pledge=pledge, result=result,
                                           explanation="" if result == "good" else "未按期完成")


def year_end(world):
    """Last year: branch_a1 and branch_a2 先进, branch_b1 一般. This year: branch_a1 先进 again with a plan aimed
    at 先进 and its pledge rated 好 (every rule met); branch_a2 先进 but its pledge rated 一般; branch_b1 一般."""
    last = open_cycle(world, YEAR - 1)
    for branch, grade in ((world.branch_a1, "advanced"), (world.branch_a2, "advanced"), (world.branch_b1, "average")):
        decide(world, last, branch, grade)
    cycle = open_cycle(world)
    filed_plan(world, cycle, organization=world.branch_a1, target_grade="advanced")
    for branch, grade in ((world.branch_a1, "advanced"), (world.branch_a2, "advanced"), (world.branch_b1, "average")):
        decide(world, cycle, branch, grade)
    rated_pledge(world, cycle, world.branch_a1, "good")
    rated_pledge(world, cycle, world.branch_a2, "average")
    world.last_cycle, world.cycle = last, cycle
    for organization in (world.county, world.town_a, world.town_b, world.branch_a1, world.branch_a2, world.branch_b1,
                         world.branch_b2):
        organization.refresh_from_db()
    return world
