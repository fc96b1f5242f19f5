"""load_demo: runs twice without duplicating anything, holds the Lanshan facts as seeds/004 states them,
and its users log in and see only their own subtree."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import AuditEvent
from orgs import paths
from orgs.choices import VenueStatus
from orgs.demo import (
    ADMIN_PASSWORD,
    CHENGHUA_DISTRICT,
    DEMO_USERS,
    LANSHAN_COUNTY,
    LANSHAN_LEDGER,
    demo_load,
)
from orgs.models import Organization, OrganizationFacts, RoleAssignment
from orgs.synthetic import organization_counts_recount

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def first_output(django_db_setup, django_db_blocker):
    """The demo loaded once for the module (about 3,000 statements through the services).

    It stays in an outer transaction that is rolled back after the module; each test's own
    transaction nests inside it as a savepoint, so the tests still cannot see each other's writes.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        output = StringIO()
        call_command("load_demo", stdout=output)
        yield output.getvalue()
        transaction.set_rollback(True)


def _state() -> dict:
    """Everything load_demo writes, counted."""
    return {
        "organizations": Organization.objects.count(),
        "facts": OrganizationFacts.objects.count(),
        "users": get_user_model().objects.count(),
        "roles": RoleAssignment.objects.count(),
        "audit": AuditEvent.objects.count(),
        "names": sorted(Organization.objects.values_list("code", "name", "parent__code")),
    }


def test_load_demo_twice_changes_nothing_the_second_time(first_output):
    after_first = _state()
    second_output = StringIO()
    call_command("load_demo", stdout=second_output)

    assert _state() == after_first
    assert _("Nothing changed: the demo data is already loaded.") in second_output.getvalue()
    assert _("Nothing changed: the demo data is already loaded.") not in first_output
    assert not demo_load().changed
    # Both runs print every login with its password and organization.
    for output in (first_output, second_output.getvalue()):
        assert f"admin / {ADMIN_PASSWORD}" in output
        for user in DEMO_USERS:
            assert f"{user.username} / {user.password}" in output
    # A few hundred organizations, no code twice, the kept-current counts right.
    assert 200 <= after_first["organizations"] <= 500
    assert not Organization.objects.values("code").annotate(n=Count("id")).filter(n__gt=1).exists()
    recount = organization_counts_recount()
    assert recount.mismatched == 0 and recount.shape_problems == 0
    # Built through the services: each organization's creation is audited, acting as admin.
    creations = AuditEvent.objects.filter(action="organization.create")
    assert creations.count() == after_first["organizations"]
    assert set(creations.values_list("actor__username", flat=True)) == {"admin"}


def test_lanshan_facts_match_the_seed(first_output):
    county = Organization.objects.get(code=LANSHAN_COUNTY)
    towns = {org.name: org for org in Organization.objects.filter(parent=county)}
    assert set(towns) == {"中共蓝山县毛俊镇委员会", "中共蓝山县土市乡委员会"}
    assert sorted(towns["中共蓝山县毛俊镇委员会"].children.values_list("name", flat=True)) == sorted(
        ["毛俊村党支部", "西岭头村党支部"])
    assert sorted(towns["中共蓝山县土市乡委员会"].children.values_list("name", flat=True)) == sorted(
        ["四村党支部", "土市村党支部", "上泉洞村党支部"])

    def facts(name: str) -> OrganizationFacts:
        return OrganizationFacts.objects.select_related("organization").get(organization__name=name, year=2012)

    maojun = facts("毛俊村党支部")
    assert (maojun.members_total, maojun.probationary_members, maojun.female_members, maojun.members_under_35,
            maojun.college_members, maojun.leadership_size, maojun.mobile_members) == (75, 7, 8, 15, 3, 5, 11)
    assert maojun.venue_status == VenueStatus.BUILT and maojun.venue_expected_completion is None
    assert maojun.main_features.startswith("1、村党支部书记素质好，“双培双带”能力强")
    assert maojun.problems == "党员、干部结构不够优化。"
    assert (maojun.organization.secretary, maojun.organization.first_secretary) == ("廖仁旺", "赵志坚")

    xilingtou = facts("西岭头村党支部")
    assert (xilingtou.members_total, xilingtou.female_members, xilingtou.members_under_35,
            xilingtou.leadership_size, xilingtou.mobile_members) == (24, 3, 1, 3, 6)
    assert xilingtou.venue_status == VenueStatus.BUILT

    sicun = facts("四村党支部")
    assert (sicun.members_total, sicun.probationary_members, sicun.female_members, sicun.members_under_35,
            sicun.college_members, sicun.leadership_size, sicun.mobile_members) == (18, 1, 3, 2, 2, 3, 4)
    assert sicun.venue_status == VenueStatus.UNDER_CONSTRUCTION
    assert sicun.venue_expected_completion == datetime.date(2012, 8, 31)

    tushi = facts("土市村党支部")
    assert (tushi.members_total, tushi.mobile_members, tushi.venue_expected_completion) == (
        24, 6, datetime.date(2012, 6, 30))

    # The venue column says "2012年7月完工"; "没有活动场所" is one of its problems.
    shangquandong = facts("上泉洞村党支部")
    assert (shangquandong.members_total, shangquandong.college_members, shangquandong.leadership_size,
            shangquandong.mobile_members) == (19, 0, 2, 7)
    assert shangquandong.venue_status == VenueStatus.UNDER_CONSTRUCTION
    assert shangquandong.venue_expected_completion == datetime.date(2012, 7, 31)
    assert shangquandong.problems.startswith("1、没有活动场所；\n2、")

    # The ledger's grading and rectification columns are data, one row per branch.
    codes = set(Organization.objects.filter(parent__parent=county).values_list("code", flat=True))
    assert {row.code for row in LANSHAN_LEDGER} == codes
    assert OrganizationFacts.objects.filter(organization__code__in=codes).count() == 5

    # The Chenghua-shaped district has this year's facts.
    district = Organization.objects.get(code=CHENGHUA_DISTRICT)
    this_year = OrganizationFacts.objects.filter(organization__path__startswith=district.path,
                                                 year=timezone.localdate().year)
    assert this_year.count() >= 100


def _login(username: str, password: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, (username, response.status_code)
    return client


def test_demo_users_log_in_and_see_only_their_subtree(first_output):
    lanshan = Organization.objects.get(code=LANSHAN_COUNTY)
    chenghua = Organization.objects.get(code=CHENGHUA_DISTRICT)
    everything = set(Organization.objects.values_list("pk", flat=True))
    for spec in DEMO_USERS:
        own = Organization.objects.get(code=spec.organization_code)
        subtree = set(Organization.objects.subtree(own.path).values_list("pk", flat=True))
        user = get_user_model().objects.get(username=spec.username)
        assert set(Organization.objects.visible_to(user).values_list("pk", flat=True)) == subtree

        client = _login(spec.username, spec.password)
        tree = client.get(reverse("orgs:tree")).content.decode()
        assert own.name in tree
        other = chenghua if paths.is_descendant_or_self(own.path, lanshan.path) else lanshan
        assert other.name not in tree
        assert client.get(reverse("orgs:detail", args=[own.pk])).status_code == 200
        # Outside the subtree is 404, the same as missing: the other demo tree, and the parent.
        assert client.get(reverse("orgs:detail", args=[other.pk])).status_code == 404
        if own.parent_id:
            assert client.get(reverse("orgs:detail", args=[own.parent_id])).status_code == 404
        found = client.get(reverse("orgs:search"), {"q": "党支部"}).context["results"]
        assert {org.pk for org in found} <= subtree
        assert subtree < everything

    admin = _login("admin", ADMIN_PASSWORD)
    tree = admin.get(reverse("orgs:tree")).content.decode()
    assert lanshan.name in tree and chenghua.name in tree
