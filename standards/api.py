"""The JSON API of standards and score sheets, on the same services, selectors and access rules as the pages."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from core.api import Pagination
from orgs import access as org_access
from standards import access, selectors, services
from standards.choices import AssessorKind, DeductionKind, SchemeKey, VetoTrigger
from standards.models import Deduction, Item, ScoreSheet, Standard, VetoClause, VetoMark
from standards.structure import IndicatorData, ItemData, StandardData, VetoData

router = Router(tags=["standards"])
sheets_router = Router(tags=["score sheets"])


def label(model, name: str):
    return model._meta.get_field(name).verbose_name


# Schemas ----------------------------------------------------------------------------------------


class ItemSchema(Schema):
    code: str = Field(title=label(Item, "code"))
    text: str = Field(title=label(Item, "text"))
    max_points: Decimal = Field(title=label(Item, "max_points"), ge=0, decimal_places=1)
    deduction_kind: DeductionKind = Field(title=label(Item, "deduction_kind"))
    deduction_points: Decimal = Field(title=label(Item, "deduction_points"), ge=0, decimal_places=1)
    guidance: str = Field("", title=label(Item, "guidance"))


class IndicatorSchema(Schema):
    name: str = Field(title=label(Item, "indicator"))
    items: list[ItemSchema]


class VetoSchema(Schema):
    text: str = Field(title=label(VetoClause, "text"))
    trigger: VetoTrigger = Field(VetoTrigger.MANUAL, title=label(VetoClause, "trigger"))
    threshold: Decimal | None = Field(None, title=label(VetoClause, "threshold"))


class StructureSchema(Schema):
    indicators: list[IndicatorSchema]
    vetoes: list[VetoSchema] = []

    def to_data(self) -> StandardData:
        return StandardData(
            indicators=tuple(IndicatorData(i.name, tuple(ItemData(
                code=item.code, text=item.text, max_points=item.max_points, deduction_kind=str(item.deduction_kind.value),
                deduction_points=item.deduction_points, guidance=item.guidance) for item in i.items)) for i in self.indicators),
            vetoes=tuple(VetoData(v.text, str(v.trigger.value), v.threshold) for v in self.vetoes),
        )


class StandardOut(Schema):
    id: int
    name: str
    issuer_id: int
    sector: str
    year: int
    version: int
    scheme: str
    bands: list[dict]
    star_bands: list[dict]
    quotas: list[dict]
    frozen: bool
    derived_from_id: int | None
    previous_version_id: int | None

    @staticmethod
    def resolve_frozen(standard: Standard) -> bool:
        return standard.is_frozen


class StandardDetailOut(StandardOut):
    structure: StructureSchema

    @staticmethod
    def resolve_structure(standard: Standard) -> dict:
        data = selectors.standard_structure(standard=standard)
        return {
            "indicators": [{"name": i.name, "items": [vars(item) for item in i.items]} for i in data.indicators],
            "vetoes": [vars(v) for v in data.vetoes],
        }


class StandardFilter(Schema):
    sector: str = ""
    year: int | None = None


class StandardCreateIn(Schema):
    issuer: int = Field(title=label(Standard, "issuer"))
    sector: str = Field(title=label(Standard, "sector"))
    year: int = Field(title=label(Standard, "year"))
    name: str = Field("", title=label(Standard, "name"))
    scheme: SchemeKey = Field(SchemeKey.THREE_GRADES, title=label(Standard, "scheme"))
    structure: StructureSchema | None = Field(None, description="Leave out to start from the built-in default of the sector.")


class DeriveIn(Schema):
    issuer: int = Field(title=label(Standard, "issuer"))
    name: str = Field("", title=label(Standard, "name"))


class ReviseIn(Schema):
    structure: StructureSchema
    reason: str = Field("", title=gettext_lazy("reason"))


class ChangeOut(Schema):
    code: str
    change: str
    fields: dict[str, list]


class DiffOut(Schema):
    base_id: int | None
    changes: list[ChangeOut]


class SheetOpenIn(Schema):
    organization: int = Field(title=label(ScoreSheet, "organization"))
    standard: int = Field(title=label(ScoreSheet, "standard"))
    assessor_kind: AssessorKind = Field(title=label(ScoreSheet, "assessor_kind"))


class DeductionOut(Schema):
    id: int
    item_code: str
    occurrences: int
    points: Decimal
    reason: str
    created_by: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_item_code(deduction: Deduction) -> str:
        return deduction.item.code

    @staticmethod
    def resolve_created_by(deduction: Deduction) -> str:
        return deduction.created_by.get_username()


class VetoMarkOut(Schema):
    id: int
    clause: str
    evidence: str
    automatic: bool


class SheetOut(Schema):
    id: int
    organization_id: int
    standard_id: int
    assessor_kind: str
    total: Decimal
    grade: str
    grade_label: str
    stars: int
    vetoed: bool
    deductions: list[DeductionOut]
    vetoes: list[VetoMarkOut]

    @staticmethod
    def resolve_grade_label(sheet: ScoreSheet) -> str:
        return sheet.get_grade_display()

    @staticmethod
    def resolve_deductions(sheet: ScoreSheet) -> list[Deduction]:
        return list(sheet.deductions.select_related("item", "created_by"))

    @staticmethod
    def resolve_vetoes(sheet: ScoreSheet) -> list[dict]:
        return [{"id": m.pk, "clause": m.clause.text, "evidence": m.evidence, "automatic": m.automatic}
                for m in sheet.veto_marks.select_related("clause")]


class DeductionIn(Schema):
    item: str = Field(title=label(Item, "code"))
    occurrences: int = Field(1, title=label(Deduction, "occurrences"))
    reason: str = Field(title=label(Deduction, "reason"))


class VetoIn(Schema):
    clause: int = Field(title=label(VetoMark, "clause"), description="The clause's position in the standard, from 1.")
    evidence: str = Field(title=label(VetoMark, "evidence"))


class ReasonIn(Schema):
    reason: str = Field("", title=gettext_lazy("reason"))


# Standards --------------------------------------------------------------------------------------


@router.get("/", response=list[StandardOut])
@paginate(Pagination)
def standard_list(request, filters: Query[StandardFilter]):
    """Standards issued above you or inside your scope."""
    return selectors.standard_list(user=request.user, sector=filters.sector, year=filters.year)


@router.get("/{standard_id}", response=StandardDetailOut)
def standard_detail(request, standard_id: int):
    """One standard with its indicators, items and veto clauses."""
    return access.get_standard_for(request.user, standard_id)


@router.post("/", response={201: StandardDetailOut})
def standard_create(request, payload: StandardCreateIn):
    """A new standard for a sector and year: from the built-in default, or from the structure sent."""
    issuer = org_access.get_organization_for(request.user, payload.issuer, org_access.MANAGE)
    if payload.structure is None:
        standard = services.standard_create_default(actor=request.user, issuer=issuer, sector=payload.sector, year=payload.year)
    else:
        standard = services.standard_create(actor=request.user, issuer=issuer, sector=payload.sector, year=payload.year,
                                            name=payload.name, data=payload.structure.to_data(),
                                            scheme_key=str(payload.scheme.value))
    return Status(201, standard)


@router.post("/{standard_id}/derive", response={201: StandardDetailOut})
def standard_derive(request, standard_id: int, payload: DeriveIn):
    """Your own standard derived from a superior's, to adjust."""
    source = access.get_standard_for(request.user, standard_id)
    issuer = org_access.get_organization_for(request.user, payload.issuer, org_access.MANAGE)
    return Status(201, services.standard_derive(actor=request.user, source=source, issuer=issuer, name=payload.name))


@router.put("/{standard_id}/structure", response=StandardDetailOut)
def standard_revise(request, standard_id: int, payload: ReviseIn):
    """Replace the content; a standard already in use stays as it is and the answer is its new version."""
    standard = access.get_standard_for(request.user, standard_id, org_access.MANAGE)
    return services.standard_revise(actor=request.user, standard=standard, data=payload.structure.to_data(),
                                    reason=payload.reason)


@router.post("/{standard_id}/correct", response=dict)
def standard_correct(request, standard_id: int, payload: ReviseIn):
    """Correct an error in a standard in use, in place, re-scoring every sheet; item codes stay the same."""
    standard = access.get_standard_for(request.user, standard_id, org_access.MANAGE)
    changed = services.standard_correct(actor=request.user, standard=standard, data=payload.structure.to_data(),
                                        reason=payload.reason)
    return {"sheets_changed": changed}


@router.get("/{standard_id}/diff", response=DiffOut)
def standard_diff(request, standard_id: int):
    """How the standard differs from its parent standard (or previous version), item by item."""
    standard = access.get_standard_for(request.user, standard_id)
    base, changes = selectors.standard_differences(standard=standard)
    return {"base_id": base.pk if base else None,
            "changes": [{"code": c.code, "change": c.change, "fields": {k: list(v) for k, v in c.fields.items()}}
                        for c in changes]}


# Score sheets -----------------------------------------------------------------------------------


@sheets_router.post("/", response={201: SheetOut, 200: SheetOut})
def sheet_open(request, payload: SheetOpenIn):
    """Open (or find) an organization's sheet under a standard, as self-assessment or superior's assessment."""
    organization = org_access.get_organization_for(request.user, payload.organization)
    standard = access.get_standard_for(request.user, payload.standard)
    existed = ScoreSheet.objects.filter(organization=organization, standard=standard,
                                        assessor_kind=payload.assessor_kind.value).exists()
    sheet = services.score_sheet_open(actor=request.user, organization=organization, standard=standard,
                                      assessor_kind=str(payload.assessor_kind.value))
    return Status(200 if existed else 201, sheet)


@sheets_router.get("/{sheet_id}", response=SheetOut)
def sheet_detail(request, sheet_id: int):
    """A sheet with its result, every deduction and every veto that made it."""
    return access.get_sheet_for(request.user, sheet_id)


@sheets_router.post("/{sheet_id}/deductions", response={201: SheetOut})
def sheet_deduct(request, sheet_id: int, payload: DeductionIn):
    """Take points off an item (by its code): occurrences × the item's points, or its fixed amount."""
    sheet = access.get_sheet_for(request.user, sheet_id, "edit")
    item = Item.objects.filter(indicator__standard=sheet.standard_id, code=payload.item.strip()).select_related(
        "indicator").first()
    if item is None:
        raise ValidationError({"item": _("Item %(code)s is not in this sheet's standard.") % {"code": payload.item}})
    services.deduction_add(actor=request.user, sheet=sheet, item=item, occurrences=payload.occurrences, reason=payload.reason)
    sheet.refresh_from_db()
    return Status(201, sheet)


@sheets_router.delete("/{sheet_id}/deductions/{deduction_id}", response=SheetOut)
def sheet_undeduct(request, sheet_id: int, deduction_id: int, payload: ReasonIn | None = None):
    """Remove a deduction."""
    sheet = access.get_sheet_for(request.user, sheet_id, "edit")
    deduction = Deduction.objects.filter(pk=deduction_id, sheet=sheet).first()
    if deduction is None:
        raise Http404
    return services.deduction_remove(actor=request.user, deduction=deduction, reason=payload.reason if payload else "")


@sheets_router.post("/{sheet_id}/vetoes", response={201: SheetOut})
def sheet_veto(request, sheet_id: int, payload: VetoIn):
    """Tick a veto clause with its evidence: the sheet takes the lowest grade."""
    sheet = access.get_sheet_for(request.user, sheet_id, "edit")
    clause = VetoClause.objects.filter(standard=sheet.standard_id, position=payload.clause).first()
    if clause is None:
        raise ValidationError({"clause": _("Veto clause %(number)d is not in this sheet's standard.") % {"number": payload.clause}})
    services.veto_mark(actor=request.user, sheet=sheet, clause=clause, evidence=payload.evidence)
    sheet.refresh_from_db()
    return Status(201, sheet)


@sheets_router.delete("/{sheet_id}/vetoes/{mark_id}", response=SheetOut)
def sheet_unveto(request, sheet_id: int, mark_id: int):
    """Lift a veto ticked by hand."""
    sheet = access.get_sheet_for(request.user, sheet_id, "edit")
    mark = VetoMark.objects.filter(pk=mark_id, sheet=sheet).first()
    if mark is None:
        raise Http404
    return services.veto_unmark(actor=request.user, mark=mark)
