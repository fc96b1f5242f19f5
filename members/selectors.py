"""Reads of the roster: a branch's members and the counts its basic facts take from it."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from members.choices import COLLEGE_EDUCATION, Gender, MemberStatus
from members.models import Member

YOUTH_AGE = 35  # seeds/004 基本情况: "35岁以下党员"


def member_list(*, organization, status: str | None = MemberStatus.ACTIVE):
    """The members of one branch, by name (all statuses when ``status`` is None)."""
    members = Member.objects.filter(organization=organization)
    return members.filter(status=status) if status else members


@dataclass(frozen=True)
class RosterCounts:
    """The roster's counts in the words of the basic facts (orgs.OrganizationFacts)."""

    members_total: int
    probationary_members: int
    female_members: int
    members_under_35: int
    college_members: int
    mobile_members: int

    def sentence(self) -> str:
        """The Hunan ledger's 基本情况 sentence (seeds/004, 附件三), a fixed official wording."""
        return (f"支部共有党员{self.members_total}人，其中预备党员{self.probationary_members}人，"
                f"女党员{self.female_members}人，35岁以下党员{self.members_under_35}人，"
                f"大专及以上党员{self.college_members}人")


def _youth_born_after(on: datetime.date) -> datetime.date:
    """Members born after this day are under 35 on ``on``."""
    try:
        return on.replace(year=on.year - YOUTH_AGE)
    except ValueError:  # 29 February
        return on.replace(year=on.year - YOUTH_AGE, day=28)


def roster_counts(*, organization, on: datetime.date | None = None) -> RosterCounts | None:
    """The counts of a branch's active members on a day (today by default); None when it has no roster."""
    on = on or timezone.localdate()
    active = Q(status=MemberStatus.ACTIVE)
    row = Member.objects.filter(organization=organization).aggregate(
        any=Count("pk"),
        total=Count("pk", filter=active),
        probationary=Count("pk", filter=active & Q(probationary=True)),
        female=Count("pk", filter=active & Q(gender=Gender.FEMALE)),
        young=Count("pk", filter=active & Q(birth_date__gt=_youth_born_after(on))),
        college=Count("pk", filter=active & Q(education__in=COLLEGE_EDUCATION)),
        mobile=Count("pk", filter=active & Q(mobile=True)),
    )
    if not row["any"]:
        return None
    return RosterCounts(members_total=row["total"], probationary_members=row["probationary"],
                        female_members=row["female"], members_under_35=row["young"],
                        college_members=row["college"], mobile_members=row["mobile"])


def roster_disagreements(*, organization, facts, on: datetime.date | None = None) -> list[tuple[str, int, int]]:
    """(field label, typed, roster) for each count of ``facts`` that the roster contradicts."""
    counts = roster_counts(organization=organization, on=on)
    if counts is None or facts is None:
        return []
    found = []
    for name, value in counts.__dict__.items():
        typed = getattr(facts, name)
        if typed != value:
            found.append((str(facts._meta.get_field(name).verbose_name), typed, value))
    return found
