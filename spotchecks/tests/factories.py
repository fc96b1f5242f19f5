"""A spot check for tests: the county checks its subtree in the cycle, with a pool of inspectors placed in it."""

import datetime

from django.contrib.auth import get_user_model

from cycles.models import Cycle
from orgs.choices import Role
from orgs.testing import make_user
from rectification.tests.factories import make_cycle
from spotchecks import services

DEADLINE = datetime.date(2026, 10, 31)


def make_pool(world):
    """Three inspectors with a role at the county itself (never recused) and three placed below it."""
    User = get_user_model()
    outside = [User.objects.filter(username=f"inspector{n}").first()
               or make_user(f"inspector{n}", roles=[(world.county, Role.OBSERVER)]) for n in range(1, 4)]
    return [*outside, world.admin_a, world.admin_b, world.secretary_a1]


def make_check(world, *, cycle=None, pool=None, **values):
    cycle = cycle or Cycle.objects.filter(owner=world.county).first() or make_cycle(world)
    values.setdefault("title", "2026年台账抽查")
    return services.spotcheck_create(actor=world.county_admin, cycle=cycle, level=world.county,
                                     pool=make_pool(world) if pool is None else pool, **values)


def drawn_check(world, *, entropy="03 12 19 24 28 33+07", **values):
    spot_check = make_check(world, **values)
    spot_check = services.spotcheck_freeze(actor=world.county_admin, spot_check=spot_check)
    spot_check = services.spotcheck_enter_entropy(actor=world.county_admin, spot_check=spot_check, entropy=entropy)
    return services.spotcheck_draw(actor=world.county_admin, spot_check=spot_check)
