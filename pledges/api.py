"""The pledges' JSON API, on the same services, selectors and access rules as the pages: an organization's
pledges in a cycle and their counts, one pledge with its items, and each transition (提出 → 审核 → 公示 →
践诺 → 评诺 → closed). Outside the user's scope: 404; inside it, an action not the user's: 403."""

import datetime

from django.http import Http404
from django.utils.translation import gettext_lazy
from ninja import Field, Path, Router, Schema, Status

from cycles import access as cycle_access
from members import access as member_access
from orgs import access as org_access
from pledges import access, selectors, services
from pledges.choices import Category, PledgeResult
from pledges.models import Pledge, PledgeItem, Progress

router = Router(tags=["pledges"])

PledgeId = Path[int, {"title": Pledge._meta.verbose_name}]
ItemId = Path[int, {"title": PledgeItem._meta.verbose_name}]


def _title(model, name):
    return model._meta.get_field(name).verbose_name


class ItemOut(Schema):
    id: int
    category: str
    content: str
    measurable: bool
    baseline: str
    target: str
    deadline: datetime.date


class PledgeOut(Schema):
    id: int
    cycle_id: int
    organization_id: int
    member_id: int | None
    pledger: str
    kind: str
    state: str
    return_reason: str
    result: str
    explanation: str


class PledgeDetailOut(PledgeOut):
    self_evaluation: str
    members_evaluation: str
    leader_comment: str
    items: list[ItemOut]

    @staticmethod
    def resolve_items(pledge) -> list:
        return list(pledge.items.all())


class PledgeIn(Schema):
    member: int | None = Field(None, title=_title(Pledge, "member"))


class ItemIn(Schema):
    category: Category = Field(title=_title(PledgeItem, "category"))
    content: str = Field(title=_title(PledgeItem, "content"))
    measurable: bool = Field(False, title=_title(PledgeItem, "measurable"))
    baseline: str = Field("", title=_title(PledgeItem, "baseline"))
    target: str = Field("", title=_title(PledgeItem, "target"))
    deadline: datetime.date = Field(title=_title(PledgeItem, "deadline"))


class ReturnIn(Schema):
    reason: str = Field(title=gettext_lazy("Reason for return"))


class ProgressIn(Schema):
    happened_on: datetime.date = Field(title=_title(Progress, "happened_on"))
    text: str = Field(title=_title(Progress, "text"))


class ProgressOut(Schema):
    id: int
    item_id: int
    happened_on: datetime.date
    text: str


class EvaluateIn(Schema):
    result: PledgeResult = Field(title=_title(Pledge, "result"))
    self_evaluation: str = Field("", title=_title(Pledge, "self_evaluation"))
    members_evaluation: str = Field("", title=_title(Pledge, "members_evaluation"))
    leader_comment: str = Field("", title=_title(Pledge, "leader_comment"))
    explanation: str = Field("", title=_title(Pledge, "explanation"))


class SummaryOut(Schema):
    state: dict[str, int]
    result: dict[str, int]


def _cycle_and_organization(request, cycle_id: int, organization_id: int):
    cycle = cycle_access.get_cycle_for(request.user, cycle_id)
    organization = org_access.get_organization_for(request.user, organization_id)
    if not organization.path.startswith(cycle.owner.path):
        raise Http404
    return cycle, organization


@router.get("/{int:cycle_id}/{int:organization_id}", response=list[PledgeOut])
def pledge_list(request, cycle_id: int, organization_id: int):
    """The organization's own pledge and its members' in the cycle."""
    cycle, organization = _cycle_and_organization(request, cycle_id, organization_id)
    return list(selectors.pledge_list(cycle=cycle, organization=organization))


@router.get("/{int:cycle_id}/{int:organization_id}/summary", response=SummaryOut)
def pledge_summary(request, cycle_id: int, organization_id: int):
    """The level's kept-current counts: pledges by kind × state and kind × result in its subtree."""
    cycle, organization = _cycle_and_organization(request, cycle_id, organization_id)
    return selectors.level_summary(cycle=cycle, organization=organization)


@router.post("/{int:cycle_id}/{int:organization_id}", response={201: PledgeDetailOut})
def pledge_create(request, cycle_id: int, organization_id: int, payload: PledgeIn):
    """提出: the organization's own pledge, or a member's (``member``, from its roster)."""
    cycle, organization = _cycle_and_organization(request, cycle_id, organization_id)
    member = member_access.get_member_for(request.user, payload.member) if payload.member else None
    pledge = services.pledge_create(actor=request.user, cycle=cycle, organization=organization, member=member)
    return Status(201, pledge)


@router.get("/{int:pledge_id}", response=PledgeDetailOut)
def pledge_detail(request, pledge_id: PledgeId):
    return access.get_pledge_for(request.user, pledge_id)


@router.post("/{int:pledge_id}/items", response={201: ItemOut})
def item_add(request, pledge_id: PledgeId, payload: ItemIn):
    """Add an item to a drafted pledge; a measurable one needs its baseline and target."""
    pledge = access.get_pledge_for(request.user, pledge_id)
    item = services.pledge_item_add(actor=request.user, pledge=pledge, **payload.model_dump(mode="python"))
    return Status(201, item)


@router.post("/{int:pledge_id}/submit", response=PledgeDetailOut)
def pledge_submit(request, pledge_id: PledgeId):
    return services.pledge_submit(actor=request.user, pledge=access.get_pledge_for(request.user, pledge_id))


@router.post("/{int:pledge_id}/approve", response=PledgeDetailOut)
def pledge_approve(request, pledge_id: PledgeId):
    """审核 passed: the pledge is made public on its organization's board."""
    return services.pledge_approve(actor=request.user, pledge=access.get_pledge_for(request.user, pledge_id))


@router.post("/{int:pledge_id}/return", response=PledgeDetailOut)
def pledge_return(request, pledge_id: PledgeId, payload: ReturnIn):
    return services.pledge_return(actor=request.user, pledge=access.get_pledge_for(request.user, pledge_id),
                                  reason=payload.reason)


@router.post("/items/{int:item_id}/progress", response={201: ProgressOut})
def progress_add(request, item_id: ItemId, payload: ProgressIn):
    """践诺: a dated step in keeping an item."""
    item = access.get_item_for(request.user, item_id)
    step = services.progress_add(actor=request.user, item=item, happened_on=payload.happened_on, text=payload.text)
    return Status(201, step)


@router.post("/{int:pledge_id}/evaluate", response=PledgeDetailOut)
def pledge_evaluate(request, pledge_id: PledgeId, payload: EvaluateIn):
    """评诺: the result, the evaluations and the leader's comment; a pledge not kept needs its public explanation."""
    return services.pledge_evaluate(actor=request.user, pledge=access.get_pledge_for(request.user, pledge_id),
                                    **payload.model_dump(mode="python"))


@router.post("/{int:pledge_id}/close", response=PledgeDetailOut)
def pledge_close(request, pledge_id: PledgeId):
    return services.pledge_close(actor=request.user, pledge=access.get_pledge_for(request.user, pledge_id))
