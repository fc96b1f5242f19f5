"""The demo: Lanshan's rosters agree with the sample's facts; a Chenghua community has pledges in every state."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from members import selectors as member_selectors
from orgs.demo import LANSHAN_FACTS
from orgs.models import Organization
from pledges import tallies
from pledges.choices import PledgeState
from pledges.models import Pledge


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("facts", LANSHAN_FACTS, ids=[facts.code for facts in LANSHAN_FACTS])
def test_lanshans_rosters_agree_with_the_sample(demo, facts):
    counts = member_selectors.roster_counts(organization=Organization.objects.get(code=facts.code))
    assert (counts.members_total, counts.probationary_members, counts.female_members, counts.members_under_35,
            counts.college_members, counts.mobile_members) == (
        facts.members_total, facts.probationary_members, facts.female_members, facts.members_under_35,
        facts.college_members, facts.mobile_members)


@pytest.mark.django_db
def test_a_chenghua_community_has_pledges_in_every_state(demo):
    pledges = Pledge.objects.filter(organization__sector="community")
    assert set(pledges.values_list("state", flat=True)) == set(PledgeState.values)
    assert pledges.filter(state=PledgeState.DRAFT).exclude(return_reason="").exists()
    cycle = pledges.first().cycle
    assert tallies.stored(cycle=cycle) == tallies.recount(cycle=cycle)


@pytest.mark.django_db
def test_loading_again_changes_nothing(demo):
    before = Pledge.objects.count()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert Pledge.objects.count() == before
