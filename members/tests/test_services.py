"""The roster's rules: possible dates, one entry per person, transfers kept, the basic facts counted from it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from core.models import AuditEvent
from members import selectors, services
from members.choices import Education, Gender, MemberStatus
from members.models import Member, Transfer
from members.tests.factories import make_member
from orgs import services as org_services
from orgs.models import OrganizationFacts

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def test_secretary_adds_a_member_audited_without_the_phone(world):
    member = make_member(world.secretary_a1, world.branch_a1, name="李红", gender=Gender.FEMALE, phone="13800000000")
    event = AuditEvent.objects.get(action="member.create", object_id=str(member.pk))
    assert event.after["name"] == "李红" and "phone" not in event.after
    assert event.organization_id == world.branch_a1.pk


@pytest.mark.parametrize(("field", "value", "words"), [
    ("birth_date", "1970-02-30", "不是有效日期"),
    ("birth_date", (TODAY + datetime.timedelta(days=1)).isoformat(), "不是可能的日期"),
    ("joined_on", "1960-01-01", "入党"),
])
def test_an_impossible_date_is_refused_naming_its_field(world, field, value, words):
    with pytest.raises(ValidationError) as refused:
        make_member(world.secretary_a1, world.branch_a1, name="王五", **{field: value})
    assert field in refused.value.message_dict
    assert words in refused.value.message_dict[field][0]
    assert not Member.objects.exists()


def test_a_member_listed_twice_is_refused(world):
    make_member(world.secretary_a1, world.branch_a1, name="张三", birth_date=datetime.date(1980, 5, 1))
    with pytest.raises(ValidationError) as refused:
        make_member(world.secretary_a1, world.branch_a1, name="张三", birth_date=datetime.date(1980, 5, 1))
    assert "已在" in refused.value.message_dict["name"][0]
    assert Member.objects.count() == 1


def test_a_mobile_member_says_where(world):
    with pytest.raises(ValidationError) as refused:
        make_member(world.secretary_a1, world.branch_a1, mobile=True)
    assert "mobile_where" in refused.value.message_dict


def test_outside_the_scope_is_404_and_a_reader_may_not_write(world):
    with pytest.raises(Http404):
        make_member(world.admin_b, world.branch_a1)
    with pytest.raises(PermissionDenied):
        make_member(world.reviewer_a, world.branch_a1)


def test_a_transfer_moves_the_member_and_keeps_its_history(world):
    member = make_member(world.secretary_a1, world.branch_a1)
    services.member_transfer(actor=world.admin_a, member=member, to_organization=world.branch_a2,
                             transferred_on=datetime.date(2026, 3, 1))
    member.refresh_from_db()
    assert member.organization_id == world.branch_a2.pk
    transfer = Transfer.objects.get(member=member)
    assert (transfer.from_organization_id, transfer.to_organization_id) == (world.branch_a1.pk, world.branch_a2.pk)
    assert AuditEvent.objects.filter(action="member.transfer", object_id=str(member.pk)).count() == 1
    with pytest.raises(ValidationError):  # the receiving branch is outside admin_a's scope
        services.member_transfer(actor=world.admin_a, member=member, to_organization=world.branch_b1)


def test_an_update_that_changes_nothing_writes_nothing(world):
    member = make_member(world.secretary_a1, world.branch_a1)
    services.member_update(actor=world.secretary_a1, member=member, name=member.name)
    assert not AuditEvent.objects.filter(action="member.update").exists()
    services.member_update(actor=world.secretary_a1, member=member, status=MemberStatus.DECEASED)
    assert AuditEvent.objects.filter(action="member.update").count() == 1


def maojuncun(actor, branch):
    """毛俊村 (seeds/004): 75 members, 7 probationary, 8 women, 15 under 35, 3 college-educated."""
    young = TODAY.replace(year=TODAY.year - 30)
    for number in range(75):
        make_member(actor, branch, name=f"毛{number}",
                    gender=Gender.FEMALE if number < 8 else Gender.MALE,
                    probationary=number < 7,
                    birth_date=young - datetime.timedelta(days=number) if number < 15 else datetime.date(1960, 1, 1) + datetime.timedelta(days=number),
                    joined_on=young.replace(year=young.year + 20) if number < 15 else datetime.date(1990, 1, 1),
                    education=Education.COLLEGE if number < 3 else Education.JUNIOR)


def test_the_roster_counts_the_basic_facts_and_writes_hunans_sentence(world):
    maojuncun(world.secretary_a1, world.branch_a1)
    make_member(world.secretary_a1, world.branch_a1, status=MemberStatus.DECEASED)
    counts = selectors.roster_counts(organization=world.branch_a1)
    assert counts.sentence() == "支部共有党员75人，其中预备党员7人，女党员8人，35岁以下党员15人，大专及以上党员3人"
    org_services.facts_save(actor=world.secretary_a1, organization=world.branch_a1, year=2026, members_total=70,
                            leadership_size=5)
    facts = OrganizationFacts.objects.get(organization=world.branch_a1)
    assert [label for label, _t, _c in selectors.roster_disagreements(organization=world.branch_a1, facts=facts)][0] == "党员数"
    facts = services.facts_from_roster(actor=world.secretary_a1, organization=world.branch_a1, year=2026)
    assert (facts.members_total, facts.probationary_members, facts.female_members, facts.members_under_35,
            facts.college_members, facts.leadership_size) == (75, 7, 8, 15, 3, 5)
    assert selectors.roster_disagreements(organization=world.branch_a1, facts=facts) == []


def test_a_branch_without_a_roster_has_no_counts(world):
    assert selectors.roster_counts(organization=world.branch_a2) is None
