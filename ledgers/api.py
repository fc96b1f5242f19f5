"""The ledger's JSON API, on the same access rules, filters, selectors and services as the pages.

Rows are filtered by the same ``LedgerFilterForm`` as the page and the exports, so what a user filters
is what they get; an organization outside the user's scope (or the cycle's subtree) answers 404.
"""

import datetime

from ninja import Field, Path, Query, Router, Schema, Status

from jinwei.api import MAX_PAGE_SIZE
from ledgers import access, selectors, services
from ledgers.forms import ledger_filters
from ledgers.models import LedgerEntry
from standards.choices import Grade

router = Router(tags=["ledgers"])

CycleId = Path[int, {"title": LedgerEntry._meta.get_field("cycle").verbose_name}]
OrganizationId = Path[int, {"title": LedgerEntry._meta.get_field("organization").verbose_name}]


def _title(name: str):
    return LedgerEntry._meta.get_field(name).verbose_name


class RowsQuery(Schema):
    sector: str = ""
    declared_grade: str = ""
    superior_grade: str = ""
    target_grade: str = ""
    q: str = ""
    limit: int = Field(100, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0)


class LedgerRowOut(Schema):
    organization_id: int
    code: str
    name: str
    parent_name: str
    sector: str
    is_group: bool
    secretary: str
    first_secretary: str
    basic_facts: str
    members_total: int | None
    mobile_members: int | None
    venue: str
    main_features: str
    problems: str
    state: str
    declared_grade: str
    superior_grade: str
    final_stars: int | None
    target_grade: str
    measures: str
    deadline: datetime.date | None
    deadline_text: str
    assisting_unit: str
    liaison_leader: str
    responsible_person: str


class RowsOut(Schema):
    count: int
    items: list[LedgerRowOut]


class EntryIn(Schema):
    target_grade: Grade | None = Field(None, title=_title("target_grade"))
    measures: str = Field("", title=_title("measures"))
    deadline: datetime.date | None = Field(None, title=_title("deadline"))
    deadline_text: str = Field("", title=_title("deadline_text"))
    assisting_unit: str = Field("", title=_title("assisting_unit"))
    liaison_leader: str = Field("", title=_title("liaison_leader"))
    responsible_person: str = Field("", title=_title("responsible_person"))


class EntryOut(Schema):
    cycle_id: int
    organization_id: int
    target_grade: str
    measures: str
    deadline: datetime.date | None
    deadline_text: str
    assisting_unit: str
    liaison_leader: str
    responsible_person: str
    updated_at: datetime.datetime


@router.get("/{cycle_id}/{organization_id}/rows", response=RowsOut)
def ledger_rows(request, cycle_id: CycleId, organization_id: OrganizationId, params: Query[RowsQuery]):
    """The ledger's rows under the organization in tree order, filtered as on the ledger page."""
    cycle, organization = access.get_ledger_for(request.user, cycle_id, organization_id)
    filters = ledger_filters(params.dict())
    rows, count = selectors.ledger_page(cycle=cycle, organization=organization, filters=filters, offset=params.offset,
                                        limit=params.limit)
    return {"count": count, "items": [
        {**row.__dict__, "is_group": row.is_group, "basic_facts": row.basic_facts, "venue": row.venue} for row in rows]}


@router.get("/{cycle_id}/{organization_id}/entry", response={200: EntryOut, 204: None})
def entry_get(request, cycle_id: CycleId, organization_id: OrganizationId):
    """The organization's upgrade target and rectification for the cycle; 204 when none is written yet."""
    cycle, organization = access.get_ledger_for(request.user, cycle_id, organization_id)
    entry = LedgerEntry.objects.filter(cycle=cycle, organization=organization).first()
    return Status(200, entry) if entry else Status(204, None)


@router.put("/{cycle_id}/{organization_id}/entry", response=EntryOut)
def entry_save(request, cycle_id: CycleId, organization_id: OrganizationId, payload: EntryIn):
    """Write the organization's upgrade target and rectification (晋位升级目标、整改措施、整改时限、帮扶单位、联系领导、整改责任人)."""
    cycle, organization = access.get_ledger_for(request.user, cycle_id, organization_id)
    values = payload.dict()
    values["target_grade"] = values["target_grade"] or ""
    return services.ledger_entry_save(actor=request.user, cycle=cycle, organization=organization, **values)
