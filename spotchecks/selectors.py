"""Reads of spot checks: the lists a person sees, a check's strata, sample and findings, and what an inspector
reads of a sampled organization (its ledger row, plan, evidence and audit) for the check's duration."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from core.models import AuditEvent
from cycles.models import Cycle
from ledgers import selectors as ledger_selectors
from orgs import access as org_access
from orgs.choices import Sector
from orgs.models import Organization
from rectification import selectors as rectification_selectors
from spotchecks import access, rules
from spotchecks.choices import FindingResult, SpotCheckState, Stratification
from spotchecks.models import ChecklistItem, Finding, InspectorAssignment, SampledOrganization, SpotCheck
from standards.choices import Grade


def spotcheck_list(*, user) -> QuerySet[SpotCheck]:
    """The checks the user may see, newest first."""
    return SpotCheck.objects.filter(access.spotcheck_visible_q(user)).select_related("level", "cycle").distinct()


def checking_levels(*, user) -> list[Organization]:
    """The organizations whose administrators the user is among: where a check can be opened."""
    pks = [pk for _path, role, pk in org_access.user_roles(user) if role in org_access.MANAGING_ROLES]
    if user.is_superuser:
        return list(Organization.objects.filter(parent=None).order_by("path")[:50])
    return list(Organization.objects.filter(pk__in=pks).order_by("path"))


def cycles_of(*, level: Organization) -> QuerySet[Cycle]:
    """The cycles the level lies in (opened by it or above it), the latest year first."""
    above = [level.path[:n] for n in range(len(level.path), 0, -1)]
    return Cycle.objects.filter(owner__path__in=above).select_related("owner").order_by("-year", "-pk")


def stratum_label(spot_check: SpotCheck, stratum: str) -> str:
    """A stratum's name for people: its sector or grade, or the whole population."""
    if spot_check.stratify_by == Stratification.SECTOR:
        return str(Sector(stratum).label) if stratum in Sector.values else stratum
    if spot_check.stratify_by == Stratification.GRADE:
        return str(Grade(stratum).label) if stratum in Grade.values else _("not graded")
    return _("whole population")


def sample_sizes(spot_check: SpotCheck, strata: dict[str, int]) -> dict[str, int]:
    """How many of each stratum the check draws (rules.sample_sizes; raises rules.SampleTooLarge)."""
    return rules.sample_sizes(strata, count=spot_check.sample_count, share=spot_check.sample_share)


@dataclass
class Stratum:
    key: str
    label: str
    population: int
    drawn: int


def spotcheck_strata(*, spot_check: SpotCheck) -> list[Stratum]:
    """Each stratum of a frozen population: its size and how many of it are (or will be) drawn."""
    counts = dict(spot_check.population.values_list("stratum").annotate(n=Count("pk")).values_list("stratum", "n"))
    sizes = sample_sizes(spot_check, counts) if counts else {}
    return [Stratum(key, stratum_label(spot_check, key), counts[key], sizes.get(key, 0)) for key in sorted(counts)]


def sample_rows(*, spot_check: SpotCheck) -> QuerySet[SampledOrganization]:
    """The drawn organizations in rank order per stratum, with their inspectors and the number of problems found."""
    return (SampledOrganization.objects.filter(spot_check=spot_check)
            .select_related("organization__parent")
            .prefetch_related(Prefetch("inspectors", InspectorAssignment.objects.select_related("inspector")))
            .annotate(findings_count=Count("findings", distinct=True),
                      problems_count=Count("findings", filter=Q(findings__result=FindingResult.PROBLEM), distinct=True))
            .order_by("stratum", "rank"))


def spotcheck_findings(*, spot_check: SpotCheck) -> QuerySet[Finding]:
    """Every finding of the check, by organization and checklist item, with its order."""
    return (Finding.objects.filter(sampled__spot_check=spot_check)
            .select_related("sampled__organization", "item", "recorded_by", "measure")
            .order_by("sampled__stratum", "sampled__rank", "item__position", "item__pk"))


def checklist(*, sampled: SampledOrganization) -> list[tuple[ChecklistItem, Finding | None]]:
    """The checklist items in use, each with the finding recorded on it for the organization (or None); an item
    with a finding stays listed after it is retired."""
    findings = {finding.item_id: finding for finding in sampled.findings.select_related("measure", "recorded_by")}
    items = ChecklistItem.objects.filter(Q(active=True) | Q(pk__in=list(findings)))
    return [(item, findings.get(item.pk)) for item in items]


@dataclass
class Inspection:
    """What an inspector reads of a sampled organization: its ledger row, its plan's problems and measures, its
    evidence and its recent audit events."""

    ledger_row: object
    plan: object
    problems: list
    evidence: list
    events: list


def inspection_of(*, sampled: SampledOrganization, events: int = 50) -> Inspection:
    """The sampled organization's records in the check's cycle. The caller has checked access (spotchecks.access)."""
    cycle, organization = sampled.spot_check.cycle, sampled.organization
    first = ledger_selectors.ledger_page(cycle=cycle, organization=organization, limit=1)[0]  # itself first, if graded
    ledger_row = first[0] if first and first[0].organization_id == organization.pk else None
    plan = rectification_selectors.plan_of(cycle=cycle, organization=organization)
    return Inspection(
        ledger_row=ledger_row, plan=plan,
        problems=rectification_selectors.plan_problems(plan=plan) if plan else [],
        evidence=list(rectification_selectors.plan_evidence(plan=plan)) if plan else [],
        events=list(AuditEvent.objects.filter(organization=organization).select_related("actor").order_by("-time")[:events]))


def inspector_todos(*, user, limit: int = 50) -> list[SampledOrganization]:
    """The sampled organizations the user was drawn to inspect in checks still open, those with the fewest
    findings first."""
    if not user.is_authenticated:
        return []
    return list(SampledOrganization.objects.filter(inspectors__inspector=user, spot_check__state=SpotCheckState.DRAWN)
                .select_related("organization", "spot_check").annotate(findings_count=Count("findings"))
                .order_by("findings_count", "spot_check_id", "stratum", "rank")[:limit])
