"""The roster's JSON API, on the same services, selectors and access rules as the pages.

A branch outside the user's scope answers 404; inside it, keeping the roster is its secretary's and the
administrators' above it (403 otherwise). Refusals name their field, as the pages do. The private phone is
written, never answered.
"""

import datetime

from django.utils.translation import gettext_lazy
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate

from core.api import Pagination
from members import access, selectors, services
from members.choices import Education, Gender, MemberStatus
from members.models import Member
from orgs import access as org_access

router = Router(tags=["members"])


def labelled(name: str, default=..., **kwargs):
    return Field(default, title=Member._meta.get_field(name).verbose_name, **kwargs)


BranchId = Path[int, {"title": Member._meta.get_field("organization").verbose_name}]
MemberId = Path[int, {"title": Member._meta.verbose_name}]


class MemberOut(Schema):
    id: int
    organization_id: int
    name: str
    gender: str
    birth_date: datetime.date
    education: str
    joined_on: datetime.date
    probationary: bool
    mobile: bool
    mobile_where: str
    status: str


class MemberIn(Schema):
    name: str = labelled("name")
    gender: Gender = labelled("gender")
    birth_date: datetime.date = labelled("birth_date")
    education: Education = labelled("education")
    joined_on: datetime.date = labelled("joined_on")
    probationary: bool = labelled("probationary", False)
    mobile: bool = labelled("mobile", False)
    mobile_where: str = labelled("mobile_where", "")
    phone: str = labelled("phone", "")
    status: MemberStatus = labelled("status", MemberStatus.ACTIVE)


class TransferIn(Schema):
    to_organization: int = Field(title=gettext_lazy("Receiving branch (its number)"))
    transferred_on: datetime.date | None = Field(None, title=gettext_lazy("transferred on"))


class CountsOut(Schema):
    members_total: int
    probationary_members: int
    female_members: int
    members_under_35: int
    college_members: int
    mobile_members: int
    sentence: str


@router.get("/orgs/{int:branch_id}", response=list[MemberOut])
@paginate(Pagination)
def roster(request, branch_id: BranchId, all_statuses: bool = False):
    """花名册: a branch's members by name (those in the branch, or every status)."""
    organization = org_access.get_organization_for(request.user, branch_id)
    return selectors.member_list(organization=organization, status=None if all_statuses else MemberStatus.ACTIVE)


@router.get("/orgs/{int:branch_id}/counts", response={200: CountsOut, 204: None})
def roster_counts(request, branch_id: BranchId):
    """The roster's counts as the basic facts take them, and the Hunan 基本情况 sentence; 204 without a roster."""
    counts = selectors.roster_counts(organization=org_access.get_organization_for(request.user, branch_id))
    if counts is None:
        return Status(204, None)
    return {**counts.__dict__, "sentence": counts.sentence()}


@router.post("/orgs/{int:branch_id}", response={201: MemberOut})
def member_create(request, branch_id: BranchId, payload: MemberIn):
    """Add a member to the branch's roster."""
    organization = org_access.get_organization_for(request.user, branch_id)
    member = services.member_create(actor=request.user, organization=organization, **payload.model_dump(mode="python"))
    return Status(201, member)


@router.get("/{int:member_id}", response=MemberOut)
def member_detail(request, member_id: MemberId):
    return access.get_member_for(request.user, member_id)


@router.patch("/{int:member_id}", response=MemberOut)
def member_update(request, member_id: MemberId, payload: MemberIn):
    """Change a member's record."""
    member = access.get_member_for(request.user, member_id)
    return services.member_update(actor=request.user, member=member, **payload.model_dump(mode="python"))


@router.post("/{int:member_id}/transfer", response=MemberOut)
def member_transfer(request, member_id: MemberId, payload: TransferIn):
    """组织关系转接: move the member to another branch; the move is kept as history."""
    member = access.get_member_for(request.user, member_id)
    target = org_access.get_organization_for(request.user, payload.to_organization)
    services.member_transfer(actor=request.user, member=member, to_organization=target,
                             transferred_on=payload.transferred_on)
    member.refresh_from_db()
    return member
