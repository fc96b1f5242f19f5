"""The JSON API of spot checks, on the same services, selectors and access rules as the pages.

``/spotchecks``: the checks a person sees; a new check with its filters, sample and pool; its freeze, public
value, draw and close; its strata, sample with inspectors and findings; the checklist; an inspector's finding
on a sampled organization. 404 outside the user's scope, 403 inside it when the action is not theirs. Input
fields carry their model field's ``verbose_name`` as title, so a schema error names the field in the user's
language.
"""

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from cycles import access as cycle_access
from orgs import access as org_access
from spotchecks import access, selectors, services
from spotchecks.choices import FindingResult, Stratification
from spotchecks.models import ChecklistItem, Finding, SampledOrganization, SpotCheck

router = Router(tags=["spotchecks"])


def labelled(model, name: str, default=..., **kwargs):
    return Field(default, title=model._meta.get_field(name).verbose_name, **kwargs)


class StratumOut(Schema):
    key: str
    label: str
    population: int
    drawn: int


class SpotCheckOut(Schema):
    id: int
    title: str
    cycle_id: int
    level_id: int
    level_name: str
    state: str
    sectors: list[str]
    grades: list[str]
    depth: int | None
    only_vetoed: bool
    only_overdue: bool
    stratify_by: str
    sample_count: int | None
    sample_share: Decimal
    veto_weight: Decimal
    overdue_weight: Decimal
    inspectors_per_organization: int
    pool: list[str]
    population_hash: str
    population_size: int
    frozen_at: datetime.datetime | None
    entropy: str
    entropy_by: str | None
    entropy_at: datetime.datetime | None
    drawn_at: datetime.datetime | None
    strata: list[StratumOut]

    @staticmethod
    def resolve_level_name(check: SpotCheck) -> str:
        return check.level.name

    @staticmethod
    def resolve_pool(check: SpotCheck) -> list[str]:
        return sorted(check.pool.values_list("username", flat=True))

    @staticmethod
    def resolve_entropy_by(check: SpotCheck) -> str | None:
        return check.entropy_by.username if check.entropy_by else None

    @staticmethod
    def resolve_strata(check: SpotCheck) -> list:
        return selectors.spotcheck_strata(spot_check=check) if check.frozen_at else []


class SpotCheckIn(Schema):
    model_config = ConfigDict(use_enum_values=True)

    cycle_id: int = labelled(SpotCheck, "cycle")
    level_id: int = labelled(SpotCheck, "level")
    title: str = labelled(SpotCheck, "title")
    sectors: list[str] = labelled(SpotCheck, "sectors", default_factory=list)
    grades: list[str] = labelled(SpotCheck, "grades", default_factory=list)
    depth: int | None = labelled(SpotCheck, "depth", None)
    only_vetoed: bool = labelled(SpotCheck, "only_vetoed", False)
    only_overdue: bool = labelled(SpotCheck, "only_overdue", False)
    stratify_by: Stratification = labelled(SpotCheck, "stratify_by", Stratification.NONE)
    sample_count: int | None = labelled(SpotCheck, "sample_count", None)
    sample_share: Decimal = labelled(SpotCheck, "sample_share", Decimal("0.05"), description="A share, 0.05 for 5 %.")
    veto_weight: Decimal = labelled(SpotCheck, "veto_weight", Decimal("2"))
    overdue_weight: Decimal = labelled(SpotCheck, "overdue_weight", Decimal("2"))
    inspectors_per_organization: int = labelled(SpotCheck, "inspectors_per_organization", 2)
    pool: list[str] = labelled(SpotCheck, "pool", default_factory=list, description="Login names.")


class EntropyIn(Schema):
    entropy: str = labelled(SpotCheck, "entropy")


class InspectorOut(Schema):
    username: str
    rank: int
    digest: str


class SampledOut(Schema):
    id: int
    organization_id: int
    code: str
    name: str
    stratum: str
    rank: int
    digest: str
    inspectors: list[InspectorOut]

    @staticmethod
    def resolve_code(row: SampledOrganization) -> str:
        return row.organization.code

    @staticmethod
    def resolve_name(row: SampledOrganization) -> str:
        return row.organization.name

    @staticmethod
    def resolve_inspectors(row: SampledOrganization) -> list[dict]:
        return [{"username": a.inspector.username, "rank": a.rank, "digest": a.digest} for a in row.inspectors.all()]


class ChecklistItemOut(Schema):
    id: int
    position: int
    title: str
    guidance: str


class FindingOut(Schema):
    id: int
    sampled_id: int
    organization_id: int
    item_id: int
    item: str
    result: str
    note: str
    evidence: str
    deadline: datetime.date | None
    measure_id: int | None
    measure_state: str | None
    recorded_by: str

    @staticmethod
    def resolve_organization_id(finding: Finding) -> int:
        return finding.sampled.organization_id

    @staticmethod
    def resolve_item(finding: Finding) -> str:
        return finding.item.title

    @staticmethod
    def resolve_measure_state(finding: Finding) -> str | None:
        return finding.measure.state if finding.measure else None

    @staticmethod
    def resolve_recorded_by(finding: Finding) -> str:
        return finding.recorded_by.username


class FindingIn(Schema):
    model_config = ConfigDict(use_enum_values=True)

    item_id: int = labelled(Finding, "item")
    result: FindingResult = labelled(Finding, "result")
    note: str = labelled(Finding, "note", "")
    evidence: str = labelled(Finding, "evidence", "")
    deadline: datetime.date | None = labelled(Finding, "deadline", None)


def _check(request, spot_check_id: int) -> SpotCheck:
    return access.get_spotcheck_for(request.user, spot_check_id)


@router.get("", response=list[SpotCheckOut])
def spotcheck_list(request):
    """The checks the user sees (their levels', and those they were drawn to inspect), newest first."""
    return selectors.spotcheck_list(user=request.user)[:200]


@router.post("", response={201: SpotCheckOut})
def spotcheck_create(request, payload: SpotCheckIn):
    """A check by a level over its subtree in a cycle: filters, sample, weights and pool."""
    level = org_access.get_organization_for(request.user, payload.level_id)
    cycle = cycle_access.get_cycle_for(request.user, payload.cycle_id)
    values = payload.dict(exclude={"cycle_id", "level_id", "pool"})
    spot_check = services.spotcheck_create(actor=request.user, cycle=cycle, level=level,
                                           pool=services.pool_of(payload.pool), **values)
    return Status(201, _check(request, spot_check.pk))


@router.get("/checklist", response=list[ChecklistItemOut])
def checklist(request):
    """The checklist items in use, in order."""
    return ChecklistItem.objects.filter(active=True)


@router.get("/{spot_check_id}", response=SpotCheckOut)
def spotcheck_detail(request, spot_check_id: int):
    return _check(request, spot_check_id)


@router.post("/{spot_check_id}/freeze", response=SpotCheckOut)
def spotcheck_freeze(request, spot_check_id: int):
    """Freeze the population and compute its hash, to publish before the public value is known."""
    return services.spotcheck_freeze(actor=request.user, spot_check=_check(request, spot_check_id))


@router.post("/{spot_check_id}/entropy", response=SpotCheckOut)
def spotcheck_entropy(request, spot_check_id: int, payload: EntropyIn):
    """The public random value, typed after the freeze; it cannot change."""
    return services.spotcheck_enter_entropy(actor=request.user, spot_check=_check(request, spot_check_id),
                                            entropy=payload.entropy)


@router.post("/{spot_check_id}/draw", response=SpotCheckOut)
def spotcheck_draw(request, spot_check_id: int):
    """Draw the organizations of each stratum and their inspectors."""
    return services.spotcheck_draw(actor=request.user, spot_check=_check(request, spot_check_id))


@router.post("/{spot_check_id}/close", response=SpotCheckOut)
def spotcheck_close(request, spot_check_id: int):
    """Close the check: the inspectors' read access ends."""
    return services.spotcheck_close(actor=request.user, spot_check=_check(request, spot_check_id))


@router.get("/{spot_check_id}/sample", response=list[SampledOut])
def spotcheck_sample(request, spot_check_id: int):
    """The drawn organizations with their inspectors, in rank order per stratum."""
    return selectors.sample_rows(spot_check=_check(request, spot_check_id))


@router.get("/{spot_check_id}/findings", response=list[FindingOut])
def spotcheck_findings(request, spot_check_id: int):
    return selectors.spotcheck_findings(spot_check=_check(request, spot_check_id))


@router.post("/sampled/{sampled_id}/findings", response=FindingOut)
def finding_record(request, sampled_id: int, payload: FindingIn):
    """An inspector's finding on one checklist item; a problem opens a rectification order on the plan."""
    sampled = access.get_sampled_for(request.user, sampled_id)
    item = ChecklistItem.objects.filter(pk=payload.item_id).first()
    if item is None:
        services.refuse("item_id", _("Checklist item: there is no such item."))
    finding = services.finding_record(actor=request.user, sampled=sampled, item=item,
                                      **payload.dict(exclude={"item_id"}))
    return selectors.spotcheck_findings(spot_check=sampled.spot_check).get(pk=finding.pk)
