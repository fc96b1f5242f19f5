"""Test helpers of the organization tree: users, organizations, and a small tree with people in and out of
scope (the ``world`` fixture of conftest.py)."""

import itertools
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from orgs import services
from orgs.choices import OrganizationKind, Role, Sector

_codes = itertools.count(1)


def make_user(username: str, *, roles=(), superuser: bool = False, password: str = "pass-word-123"):
    User = get_user_model()
    user = User.objects.create_user(username=username, password=password, is_superuser=superuser)
    for organization, role in roles:
        services.role_assignment_create(actor=system_user(), user=user, organization=organization, role=role)
    return user


def system_user():
    """A superuser that builds test fixtures; created once per test database."""
    User = get_user_model()
    user = User.objects.filter(username="system").first()
    return user or User.objects.create_superuser("system", password="system-pass-123")


def make_org(parent=None, *, name: str | None = None, code: str | None = None, kind=OrganizationKind.BRANCH,
             sector=Sector.VILLAGE, actor=None, **extra):
    number = next(_codes)
    return services.organization_create(
        actor=actor or system_user(),
        parent=parent,
        name=name or f"组织{number}",
        code=code or f"T{number:06d}",
        kind=kind,
        sector=sector,
        **extra,
    )


@dataclass
class World:
    """A county with two towns, each with two branches, and people placed in it.

    county ─┬─ town_a ─┬─ branch_a1   (admin_a: admin on town_a; reviewer_a: reviewer on town_a;
            │          └─ branch_a2    secretary_a1: secretary on branch_a1;
            │                          observer_a: observer on town_a, sees it all and changes nothing)
            └─ town_b ─┬─ branch_b1   (admin_b: admin on town_b — outside town_a)
                       └─ branch_b2
    """

    county: object
    town_a: object
    town_b: object
    branch_a1: object
    branch_a2: object
    branch_b1: object
    branch_b2: object
    county_admin: object
    admin_a: object
    reviewer_a: object
    secretary_a1: object
    admin_b: object
    norole: object
    observer_a: object


def build_world() -> World:
    county = make_org(None, name="测试县委", kind=OrganizationKind.COMMITTEE, sector=Sector.REGIONAL)
    town_a = make_org(county, name="甲镇党委", kind=OrganizationKind.COMMITTEE, sector=Sector.REGIONAL)
    town_b = make_org(county, name="乙镇党委", kind=OrganizationKind.COMMITTEE, sector=Sector.REGIONAL)
    branch_a1 = make_org(town_a, name="甲一村党支部")
    branch_a2 = make_org(town_a, name="甲二村党支部")
    branch_b1 = make_org(town_b, name="乙一村党支部")
    branch_b2 = make_org(town_b, name="乙二村党支部")
    return World(
        county=county,
        town_a=town_a,
        town_b=town_b,
        branch_a1=branch_a1,
        branch_a2=branch_a2,
        branch_b1=branch_b1,
        branch_b2=branch_b2,
        county_admin=make_user("county_admin", roles=[(county, Role.ADMIN)]),
        admin_a=make_user("admin_a", roles=[(town_a, Role.ADMIN)]),
        reviewer_a=make_user("reviewer_a", roles=[(town_a, Role.REVIEWER)]),
        secretary_a1=make_user("secretary_a1", roles=[(branch_a1, Role.SECRETARY)]),
        admin_b=make_user("admin_b", roles=[(town_b, Role.ADMIN)]),
        norole=make_user("norole"),
        observer_a=make_user("observer_a", roles=[(town_a, Role.OBSERVER)]),
    )
