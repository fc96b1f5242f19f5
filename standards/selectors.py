"""Reads on standards and score sheets."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.formatting import percent
from orgs import access as org_access
from orgs import paths
from standards import access
from standards.choices import AssessorKind, Grade, VetoTrigger
from standards.models import Deduction, Item, SatisfactionRate, ScoreSheet, Standard, VetoClause, VetoMark
from standards.rules import QuotaRule, quota_check
from standards.structure import IndicatorData, ItemChange, ItemData, StandardData, VetoData, diff


def standard_structure(*, standard: Standard) -> StandardData:
    """The standard's content as plain data (for edits, Excel and diffs)."""
    indicators = []
    items_by_indicator: dict[int, list[ItemData]] = {}
    for item in Item.objects.filter(indicator__standard=standard).order_by("indicator__position", "position"):
        items_by_indicator.setdefault(item.indicator_id, []).append(ItemData(
            code=item.code, text=item.text, max_points=item.max_points, deduction_kind=item.deduction_kind,
            deduction_points=item.deduction_points, guidance=item.guidance, is_editable_default=item.is_editable_default))
    for indicator in standard.indicators.order_by("position"):
        indicators.append(IndicatorData(name=indicator.name, items=tuple(items_by_indicator.get(indicator.pk, []))))
    vetoes = tuple(VetoData(text=v.text, trigger=v.trigger, threshold=v.threshold)
                   for v in VetoClause.objects.filter(standard=standard).order_by("position"))
    return StandardData(indicators=tuple(indicators), vetoes=vetoes)


def standard_list(*, user, sector: str = "", year: int | None = None) -> QuerySet[Standard]:
    """Standards the user may see: issued above them or inside their scope."""
    standards = Standard.objects.filter(access.standard_scope_q(user)).select_related("issuer", "derived_from")
    if sector:
        standards = standards.filter(sector=sector)
    if year:
        standards = standards.filter(year=year)
    return standards.order_by("-year", "sector", "issuer__path", "-version")


def standard_differences(*, standard: Standard) -> tuple[Standard | None, list[ItemChange]]:
    """How the standard differs from the one it came from (its parent standard, else its previous version)."""
    base = standard.derived_from or standard.previous_version
    if base is None:
        return None, []
    return base, diff(standard_structure(standard=base), standard_structure(standard=standard))


def standard_for(*, organization, year: int) -> Standard | None:
    """The standard that applies to an organization in a year: the nearest issuer above it, latest version."""
    issuer_ids = [*paths.ancestor_ids(organization.path), organization.pk]
    candidates = Standard.objects.filter(issuer_id__in=issuer_ids, sector=organization.sector, year=year)
    return candidates.select_related("issuer").order_by("-issuer__depth", "-version").first()


ONE_PLACE_ZERO = Decimal("0.0")  # an item run out reads 0.0, as every other score does


@dataclass
class ItemLine:
    item: Item
    deductions: list[Deduction]
    score: Decimal
    other_score: Decimal | None = None  # the other assessor's score of the same item, side by side

    @property
    def deducted(self) -> Decimal:
        return sum((d.points for d in self.deductions), Decimal(0))

    @property
    def beyond(self) -> Decimal:
        """Points deducted past the item's maximum: kept, though the item stops at 0 ("扣完为止")."""
        return max(Decimal(0), self.deducted - self.item.max_points)


@dataclass
class IndicatorLines:
    name: str
    max_points: Decimal
    score: Decimal
    items: list[ItemLine]


@dataclass
class Explanation:
    indicators: list[IndicatorLines]
    vetoes: list[VetoMark]


def sheet_explanation(*, user, sheet: ScoreSheet) -> Explanation:
    """Every item with its deductions and score, and every veto: what made the sheet's result."""
    access.get_sheet_for(user, sheet.pk)
    deductions: dict[int, list[Deduction]] = {}
    for deduction in sheet.deductions.select_related("created_by").order_by("id"):
        deductions.setdefault(deduction.item_id, []).append(deduction)
    indicators: dict[int, IndicatorLines] = {}
    for item in Item.objects.filter(indicator__standard=sheet.standard_id).select_related("indicator").order_by(
            "indicator__position", "position"):
        taken = deductions.get(item.pk, [])
        score = max(ONE_PLACE_ZERO, item.max_points - sum((d.points for d in taken), Decimal(0)))
        line = indicators.setdefault(item.indicator_id, IndicatorLines(item.indicator.name, ONE_PLACE_ZERO,
                                                                       ONE_PLACE_ZERO, []))
        line.items.append(ItemLine(item, taken, score))
        line.max_points += item.max_points
        line.score += score
    vetoes = list(sheet.veto_marks.select_related("clause", "created_by").order_by("clause__position"))
    return Explanation(indicators=list(indicators.values()), vetoes=vetoes)


def satisfaction_evidence(*, rate: SatisfactionRate, threshold: Decimal) -> str:
    """What a satisfaction veto says: the rate, the threshold and where the rate was counted."""
    return _("Satisfaction %(rate)s is below %(threshold)s (%(evidence)s).") % {
        "rate": percent(rate.rate), "threshold": percent(threshold), "evidence": rate.evidence}


def satisfaction_vetoes(*, standard: Standard, organization_ids) -> dict[int, str]:
    """The organizations (of ``organization_ids``) below a satisfaction veto clause of the standard, with why:
    a rate counted below the clause's threshold, or the clause marked by hand on one of their sheets (a
    survey on paper). seeds/002 grades them directly at the lowest grade, at every step and whatever the
    score, so the grading services read this rather than any one sheet.
    """
    clauses = list(VetoClause.objects.filter(standard=standard, trigger=VetoTrigger.SATISFACTION_BELOW))
    if not clauses:
        return {}
    found: dict[int, str] = {}
    for mark in (VetoMark.objects.filter(sheet__standard=standard, sheet__organization_id__in=organization_ids,
                                         clause__in=clauses).select_related("sheet").order_by("automatic", "pk")):
        found.setdefault(mark.sheet.organization_id, mark.evidence)
    for rate in SatisfactionRate.objects.filter(standard=standard, organization_id__in=organization_ids):
        below = [clause.threshold for clause in clauses if rate.rate < clause.threshold]
        if below:
            found[rate.organization_id] = satisfaction_evidence(rate=rate, threshold=max(below))
    return found


def satisfaction_veto(*, organization, standard: Standard) -> str | None:
    """Why the organization is below a satisfaction veto clause of the standard (``satisfaction_vetoes``), or None."""
    return satisfaction_vetoes(standard=standard, organization_ids=[organization.pk]).get(organization.pk)


def sheets_for_organization(*, user, organization, standard: Standard) -> dict[str, ScoreSheet]:
    """The self-assessment and the superior's sheet of an organization under a standard, by assessor kind."""
    org_access.check(user, organization, org_access.VIEW)
    return {sheet.assessor_kind: sheet for sheet in ScoreSheet.objects.filter(organization=organization, standard=standard)}


def standards_used_below(*, organization) -> QuerySet[Standard]:
    """The standards under which the organization's direct subordinates have score sheets."""
    return Standard.objects.filter(sheets__organization__parent=organization).distinct().order_by("sector", "-year")


@dataclass
class QuotaLine:
    grade_label: str
    at_most: bool
    share_percent: str
    count: int
    total: int
    limit: int
    by: int


def quota_report(*, user, organization, standard: Standard) -> list[QuotaLine]:
    """The standard's quota rules over the grades of an organization's direct subordinates.

    Each subordinate counts once, by its superior's sheet where there is one, else its own.
    An empty list means every rule holds.
    """
    org_access.check(user, organization, org_access.VIEW)
    grades: dict[int, str] = {}
    sheets = ScoreSheet.objects.filter(standard=standard, organization__parent=organization,
                                       organization__dissolved_on__isnull=True,
                                       assessor_kind__in=[AssessorKind.SELF, AssessorKind.SUPERIOR])
    for org_id, kind, grade in sheets.values_list("organization_id", "assessor_kind", "grade"):
        if kind == AssessorKind.SUPERIOR or org_id not in grades:
            grades[org_id] = grade
    rules = [QuotaRule(q["grade"], Decimal(str(q["share"])), q["at_most"]) for q in standard.quotas]
    return [QuotaLine(Grade(f.rule.grade).label, f.rule.at_most, percent(f.rule.share), f.count, f.total,
                      f.limit, f.by) for f in quota_check(list(grades.values()), rules)]
