"""Ballots the evaluated cannot stuff: codes only up to the voters before a ballot opens, a second person
(the superior, or another of the organization's people whose role predates the ballot) to open it, close it,
issue more codes and confirm a paper tally, and the superior seeing every ballot under it."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from ballots import services
from ballots.models import Ballot, BallotSession
from ballots.tests.factories import make_session
from cycles import services as cycle_services
from cycles.models import Grading
from orgs import services as org_services
from orgs.choices import Role
from orgs.testing import make_user
from standards.models import SatisfactionRate
from standards.tests.factories import make_standard

pytestmark = pytest.mark.django_db


def refusal(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


@pytest.fixture
def grading(world):
    standard = make_standard(world.county_admin, world.county)
    cycle = cycle_services.cycle_open(actor=world.county_admin, owner=world.county, year=2026, name="2026年分类定级",
                                      standards={"village": standard}, preset="chenghua")
    return Grading.objects.get(cycle=cycle, organization=world.branch_a1)


def test_a_secretary_alone_cannot_fill_the_branchs_own_survey(world, grading):
    """The attack as it was: the branch's secretary issued 60 codes for its own satisfaction survey, cast
    60 满意 and closed it, and 100 % went to the branch's score sheet."""
    secretary = world.secretary_a1
    survey = make_session(secretary, world.branch_a1, grading=grading, voters=20)
    assert "count" in refusal(lambda: services.codes_generate(actor=secretary, session=survey, count=60))
    codes = services.codes_generate(actor=secretary, session=survey, count=20)  # one per voter: fine
    assert "count" in refusal(lambda: services.codes_generate(actor=secretary, session=survey, count=1))
    message = refusal(lambda: services.session_open(actor=secretary, session=survey))["session"][0]
    assert "上级党组织" in message and "secretary_a1" in message
    assert "session" in refusal(lambda: services.ballot_cast(session_id=survey.pk, code=codes[0], answer="satisfied"))
    assert "closed" in refusal(lambda: services.session_close(actor=secretary, session=survey))
    assert not Ballot.objects.exists()

    survey = services.session_open(actor=world.reviewer_a, session=survey)  # the town, its superior, opens it
    # Once open, the secretary gets no more codes, and still does not close it.
    assert "count" in refusal(lambda: services.codes_generate(actor=secretary, session=survey, count=5))
    for code in codes:
        services.ballot_cast(session_id=survey.pk, code=code, answer="satisfied")
    assert "closed" in refusal(lambda: services.session_close(actor=secretary, session=survey))
    survey = services.session_close(actor=world.reviewer_a, session=survey)
    assert survey.tallies["ballots"] == 20 and survey.delivered  # at most its 20 voters, seen by the superior
    assert SatisfactionRate.objects.get(organization=world.branch_a1).rate == 1
    # The superior may hand out replacement codes once it is open (a lost slip), and the audit says who.
    other = make_session(secretary, world.branch_a1, voters=2)
    services.codes_generate(actor=secretary, session=other, count=2)
    services.session_open(actor=world.reviewer_a, session=other)
    assert len(services.codes_generate(actor=world.reviewer_a, session=other, count=1)) == 1


def test_a_member_review_is_for_the_members_of_the_basic_facts(world, grading):
    cycle_services.step_record(actor=world.secretary_a1, grading=grading, step="public_rating",
                               held_on=timezone.localdate(), participants=30, grade="advanced")
    assert "voters" in refusal(lambda: make_session(world.secretary_a1, world.branch_a1, purpose="member_review",
                                                    grading=grading))  # no members recorded
    org_services.facts_save(actor=world.secretary_a1, organization=world.branch_a1, year=2025, members_total=40)
    org_services.facts_save(actor=world.secretary_a1, organization=world.branch_a1, year=2026, members_total=12)
    review = make_session(world.secretary_a1, world.branch_a1, purpose="member_review", grading=grading, voters=500)
    assert review.voters == 12  # the cycle's year; a number stated for a member review does not count
    assert "count" in refusal(lambda: services.codes_generate(actor=world.secretary_a1, session=review, count=13))
    assert len(services.codes_generate(actor=world.secretary_a1, session=review, count=12)) == 12
    assert "quorum" in refusal(lambda: make_session(world.secretary_a1, world.branch_a1, voters=5, quorum=6))


def test_a_second_person_of_the_organization_may_open_and_close_but_not_one_made_for_it(world, grading):
    deputy = make_user("deputy_a1", roles=[(world.branch_a1, Role.SECRETARY)])
    session = make_session(world.secretary_a1, world.branch_a1, voters=3)
    codes = services.codes_generate(actor=world.secretary_a1, session=session, count=3)
    latecomer = make_user("latecomer_a1", roles=[(world.branch_a1, Role.SECRETARY)])  # after it was scheduled
    assert "session" in refusal(lambda: services.session_open(actor=latecomer, session=session))
    latecomer_above = make_user("latecomer_a", roles=[(world.town_a, Role.REVIEWER)])
    assert "session" in refusal(lambda: services.session_open(actor=latecomer_above, session=session))
    session = services.session_open(actor=deputy, session=session)
    assert session.opened_by == deputy and session.state == "open"
    assert "session" in refusal(lambda: services.session_open(actor=world.reviewer_a, session=session))  # once
    services.ballot_cast(session_id=session.pk, code=codes[0], answer="satisfied")
    closed = services.session_close(actor=deputy, session=session)
    assert closed.closed and closed.tallies["ballots"] == 1
    # A superior who scheduled a ballot is no evaluated party: it may run it alone.
    own = make_session(world.reviewer_a, world.branch_a1, voters=2)
    services.codes_generate(actor=world.reviewer_a, session=own, count=2)
    services.session_open(actor=world.reviewer_a, session=own)
    assert services.session_close(actor=world.reviewer_a, session=own).closed


def test_a_paper_tallys_second_person_holds_a_role_from_before_the_opening(client, world):
    """The attack as it was: an administrator made a user for the purpose, gave it a role and confirmed the
    tally through it, in three requests."""
    session = make_session(world.secretary_a1, world.branch_a1, voters=50)
    services.session_open(actor=world.reviewer_a, session=session)
    tally = services.paper_tally_enter(actor=world.secretary_a1, session=session, counts={"satisfied": 40})
    superuser = make_user("root", superuser=True)
    client.force_login(superuser)
    assert client.post(reverse("orgs:user_create"), {"username": "made_for_it", "full_name": "临时",
                                                     "password": "pass-word-123x"}).status_code == 302
    for level in (world.branch_a1, world.town_a):
        assert client.post(reverse("orgs:roles", args=[level.pk]), {
            "username": "made_for_it", "role": Role.SECRETARY if level == world.branch_a1 else Role.REVIEWER,
        }).status_code == 302
    made = type(superuser).objects.get(username="made_for_it")
    client.force_login(made)
    assert client.get(reverse("ballots:detail", args=[session.pk])).status_code == 200  # it may see and run it
    client.post(reverse("ballots:paper_confirm", args=[tally.pk]))
    tally.refresh_from_db()
    assert tally.confirmed_by is None
    assert "tally" in refusal(lambda: services.paper_tally_confirm(actor=made, tally=tally))
    assert services.paper_tally_confirm(actor=world.reviewer_a, tally=tally).confirmed_by == world.reviewer_a


def test_the_superior_sees_voters_issued_cast_and_quorum_of_every_ballot_under_it(client, world):
    survey = make_session(world.secretary_a1, world.branch_a1, voters=10, quorum=4)
    codes = services.codes_generate(actor=world.secretary_a1, session=survey, count=6)
    services.session_open(actor=world.reviewer_a, session=survey)
    for code in codes[:3]:
        services.ballot_cast(session_id=survey.pk, code=code, answer="satisfied")
    elsewhere = make_session(world.admin_b, world.branch_b1, voters=7)
    own = make_session(world.county_admin, world.town_a, voters=5)  # the town's own: its superior watches it

    def rows(level, user):
        client.force_login(user)
        response = client.get(reverse("ballots:below", args=[level.pk]))
        if response.status_code != 200:
            return response.status_code
        page = response.content.decode()
        return {int(pk): tuple(re.search(rf'<td class="{name}"[^>]*>(\d+)', row).group(1) for name in
                               ("voters", "issued", "cast", "quorum"))
                for pk, row in re.findall(r'<tr data-session="(\d+)"[^>]*>(.*?)</tr>', page, re.S)}

    assert rows(world.town_a, world.reviewer_a) == {survey.pk: ("10", "6", "3", "4")}
    assert rows(world.county, world.county_admin) == {survey.pk: ("10", "6", "3", "4"), elsewhere.pk: ("7", "0", "0", "1"),
                                                      own.pk: ("5", "0", "0", "1")}
    assert rows(world.town_b, world.reviewer_a) == 404  # outside the town's subtree
    assert rows(world.branch_a1, world.secretary_a1) == {}  # nothing under a branch: it never sees its own cast
    listing = client.get(reverse("ballots:list", args=[world.branch_a1.pk])).content.decode()
    assert reverse("ballots:below", args=[world.branch_a1.pk]) not in listing
    client.force_login(world.reviewer_a)
    listing = client.get(reverse("ballots:list", args=[world.town_a.pk])).content.decode()
    assert reverse("ballots:below", args=[world.town_a.pk]) in listing
    api = client.get("/api/ballots/below", {"organization": world.town_a.pk}).json()
    assert [(s["id"], s["voters"], s["issued"], s["cast"], s["quorum"]) for s in api["items"]] == [
        (survey.pk, 10, 6, 3, 4)]


def test_an_opened_session_names_who_opened_it(world):
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        BallotSession.objects.create(
            organization=world.branch_a1, purpose="satisfaction", question_kind="satisfaction", title="t",
            opens_at=now, closes_at=now + datetime.timedelta(hours=1), created_by=world.secretary_a1, opened_at=now)
