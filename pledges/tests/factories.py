import datetime

from cycles import services as cycle_services
from pledges import services
from pledges.choices import Category

YEAR = datetime.date.today().year


def open_cycle(world):
    return cycle_services.cycle_open(actor=world.county_admin, owner=world.county, year=YEAR, name=f"{YEAR}年晋位升级",
                                     steps=["self_assessment", "superior_decision", "approval"])


def make_pledge(actor, cycle, organization, member=None, *, items=1, category=None):
    pledge = services.pledge_create(actor=actor, cycle=cycle, organization=organization, member=member)
    for number in range(items):
        services.pledge_item_add(actor=actor, pledge=pledge, category=category or (
            Category.SERVE if member else Category.PRACTICAL), content=f"为群众办实事{number + 1}件",
            deadline=datetime.date(YEAR, 12, 31))
    return pledge
