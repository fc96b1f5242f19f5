"""Writes of spot checks (抽查调阅): create, freeze the population, enter the entropy, draw the organizations
and their inspectors, record findings (a problem opens a rectification order), close.

Every service runs in one transaction, locks the check it changes and writes its audit event. Refusals are
ValidationError naming the field, or PermissionDenied; everything is checked before the first write, so
nothing is half-saved.
"""

from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import audit_record
from cycles.choices import GradingState
from cycles.models import Cycle, Grading
from orgs import access as org_access
from orgs import paths
from orgs.choices import Sector
from orgs.models import Organization, RoleAssignment
from rectification import services as rectification_services
from rectification.choices import OPEN_MEASURE_STATES
from rectification.models import Measure
from spotchecks import access, rules, selectors
from spotchecks.choices import FindingResult, SpotCheckState, Stratification
from spotchecks.models import (
    ChecklistItem,
    Finding,
    InspectorAssignment,
    PopulationEntry,
    SampledOrganization,
    SpotCheck,
)
from standards.choices import Grade
from standards.models import ScoreSheet


def refuse(field: str, message: str):
    raise ValidationError({field: message})


def _locked(spot_check: SpotCheck) -> SpotCheck:
    return SpotCheck.objects.select_for_update(of=("self",)).select_related("level", "cycle__owner").get(
        pk=spot_check.pk)


def _decimal(value, field: str, label, low: Decimal, high: Decimal) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        refuse(field, _("%(field)s: %(value)s is not a number.") % {"field": label, "value": value})
    if not low <= number <= high:
        refuse(field, _("%(field)s: enter a number from %(low)s to %(high)s.") % {
            "field": label, "low": low, "high": high})
    return number


def pool_of(names) -> list:
    """The active users with these login names, for a check's pool; an unknown name is refused, naming it."""
    names = [name for name in dict.fromkeys(str(name).strip() for name in names) if name]
    users = {user.username: user for user in get_user_model().objects.filter(username__in=names, is_active=True)}
    unknown = [name for name in names if name not in users]
    if unknown:
        refuse("pool", _("Inspector pool: no active user has the login name %(names)s.") % {"names": "、".join(unknown)})
    return [users[name] for name in names]


@transaction.atomic
def spotcheck_create(*, actor, cycle: Cycle, level: Organization, title: str, sectors=(), grades=(),
                     depth: int | None = None, only_vetoed: bool = False, only_overdue: bool = False,
                     stratify_by: str = "", sample_count: int | None = None, sample_share=Decimal("0.05"),
                     veto_weight=Decimal("2"), overdue_weight=Decimal("2"), inspectors_per_organization: int = 2,
                     pool=()) -> SpotCheck:
    """A level's spot check over its subtree in the cycle: the population's filters, the sample's size and
    strata, the risk weights and the inspector pool."""
    org_access.check(actor, level, org_access.MANAGE)
    if not level.path.startswith(cycle.owner.path):
        raise Http404
    title = (title or "").strip()
    if not title:
        refuse("title", _("Title: please name the spot check."))
    sectors, grades = sorted(set(sectors or ())), sorted(set(grades or ()))
    for sector in sectors:
        if sector not in Sector.values:
            refuse("sectors", _("Sectors: %(value)s is not a sector.") % {"value": sector})
    for grade in grades:
        if grade not in Grade.values:
            refuse("grades", _("Grades: %(value)s is not a grade.") % {"value": grade})
    if stratify_by not in Stratification.values:
        refuse("stratify_by", _("Strata: choose by sector, by grade, or none."))
    if depth is not None and not 1 <= int(depth) <= 10:
        refuse("depth", _("Levels below: enter a whole number from 1 to 10, or leave it empty for all."))
    if sample_count is not None and int(sample_count) < 1:
        refuse("sample_count", _("Organizations per stratum: enter a whole number of at least 1, or leave it empty "
                                 "to draw a share."))
    share = _decimal(sample_share, "sample_share", SpotCheck._meta.get_field("sample_share").verbose_name,
                     Decimal("0.0001"), Decimal("1"))
    weights = {name: _decimal(value, name, SpotCheck._meta.get_field(name).verbose_name, Decimal("1"), Decimal("100"))
               for name, value in (("veto_weight", veto_weight), ("overdue_weight", overdue_weight))}
    if not 1 <= int(inspectors_per_organization) <= 10:
        refuse("inspectors_per_organization", _("Inspectors per organization: enter a whole number from 1 to 10."))
    users = list(get_user_model().objects.filter(pk__in=[getattr(user, "pk", user) for user in pool], is_active=True))
    spot_check = SpotCheck.objects.create(
        cycle=cycle, level=level, title=title, sectors=sectors, grades=grades, depth=depth, only_vetoed=only_vetoed,
        only_overdue=only_overdue, stratify_by=stratify_by, sample_count=sample_count, sample_share=share,
        inspectors_per_organization=inspectors_per_organization, created_by=actor, **weights)
    spot_check.pool.set(users)
    audit_record(actor=actor, obj=spot_check, organization=level, action="spotcheck.create",
                 after={"title": title, "sectors": sectors, "grades": grades, "depth": depth,
                        "stratify_by": stratify_by, "sample_count": sample_count, "sample_share": str(share),
                        "inspectors": sorted(user.username for user in users)})
    return spot_check


def population_of(spot_check: SpotCheck) -> list[tuple[int, rules.Candidate]]:
    """The organizations under the level that pass the check's filters now, each as (id, candidate with its
    stratum and weight): what a freeze keeps."""
    level, cycle = spot_check.level, spot_check.cycle
    rows = Organization.objects.filter(path__gt=level.path, path__lt=paths.successor(level.path),
                                       dissolved_on__isnull=True)
    if spot_check.sectors:
        rows = rows.filter(sector__in=spot_check.sectors)
    if spot_check.depth:
        rows = rows.filter(depth=level.depth + spot_check.depth)
    grades = dict(Grading.objects.filter(cycle=cycle, state__in=[GradingState.DECIDED, GradingState.APPROVED])
                  .values_list("organization_id", "final_grade"))
    vetoed = set(ScoreSheet.objects.filter(vetoed=True, standard__year=cycle.year).values_list(
        "organization_id", flat=True))
    overdue = set(Measure.objects.filter(plan__cycle=cycle, state__in=OPEN_MEASURE_STATES,
                                         deadline__lt=timezone.localdate()).values_list(
        "plan__organization_id", flat=True))
    population = []
    for pk, code, sector in rows.values_list("pk", "code", "sector").iterator(chunk_size=5000):
        grade = grades.get(pk, "")
        if spot_check.grades and grade not in spot_check.grades:
            continue
        if (spot_check.only_vetoed and pk not in vetoed) or (spot_check.only_overdue and pk not in overdue):
            continue
        weight = Decimal(1)
        if pk in vetoed:
            weight *= spot_check.veto_weight
        if pk in overdue:
            weight *= spot_check.overdue_weight
        stratum = {Stratification.SECTOR: sector, Stratification.GRADE: grade}.get(spot_check.stratify_by, "")
        population.append((pk, rules.Candidate(code=code, stratum=stratum, weight=weight)))
    return population


def _sizes(spot_check: SpotCheck, strata: dict[str, int]) -> dict[str, int]:
    try:
        return selectors.sample_sizes(spot_check, strata)
    except rules.SampleTooLarge as error:
        refuse("sample_count", _("Organizations per stratum: %(wanted)d are asked for, but the stratum “%(stratum)s” "
                                 "has only %(available)d.") % {
            "wanted": error.wanted, "available": error.available, "stratum": selectors.stratum_label(spot_check, error.stratum)})


@transaction.atomic
def spotcheck_freeze(*, actor, spot_check: SpotCheck) -> SpotCheck:
    """Freeze the population: keep its organizations, strata and weights, and the SHA-256 of their sorted codes,
    to be published before the entropy is known."""
    spot_check = _locked(spot_check)
    access.require_manage(actor, spot_check)
    if spot_check.state != SpotCheckState.DRAFT:
        refuse("population", _("Population: it is already frozen (SHA-256 %(hash)s).") % {
            "hash": spot_check.population_hash})
    population = population_of(spot_check)
    if not population:
        refuse("population", _("Population: no organization under %(name)s passes the filters.") % {
            "name": spot_check.level.name})
    strata: dict[str, int] = {}
    for _pk, candidate in population:
        strata[candidate.stratum] = strata.get(candidate.stratum, 0) + 1
    _sizes(spot_check, strata)
    PopulationEntry.objects.bulk_create(
        [PopulationEntry(spot_check=spot_check, organization_id=pk, code=candidate.code, stratum=candidate.stratum,
                         weight=candidate.weight) for pk, candidate in population], batch_size=5000)
    spot_check.population_hash = rules.population_hash(candidate.code for _pk, candidate in population)
    spot_check.population_size = len(population)
    spot_check.state, spot_check.frozen_by, spot_check.frozen_at = SpotCheckState.FROZEN, actor, timezone.now()
    spot_check.save(update_fields=["population_hash", "population_size", "state", "frozen_by", "frozen_at"])
    audit_record(actor=actor, obj=spot_check, organization=spot_check.level, action="spotcheck.freeze",
                 before={"state": SpotCheckState.DRAFT},
                 after={"state": spot_check.state, "population_hash": spot_check.population_hash,
                        "population_size": spot_check.population_size})
    return spot_check


@transaction.atomic
def spotcheck_enter_entropy(*, actor, spot_check: SpotCheck, entropy: str) -> SpotCheck:
    """Enter the public random value (a lottery number, an index's close) after the freeze; it cannot change."""
    spot_check = _locked(spot_check)
    access.require_manage(actor, spot_check)
    entropy = (entropy or "").strip()
    if spot_check.state == SpotCheckState.DRAFT:
        refuse("entropy", _("Public random value: freeze the population first, so that the value cannot be "
                            "chosen to suit it."))
    if spot_check.entropy:
        refuse("entropy", _("Public random value: %(value)s was entered on %(at)s and cannot change.") % {
            "value": spot_check.entropy, "at": timezone.localtime(spot_check.entropy_at).strftime("%Y-%m-%d %H:%M")})
    if not entropy:
        refuse("entropy", _("Public random value: please type the published value (a lottery draw, an index's "
                            "close)."))
    if len(entropy) > 200:
        refuse("entropy", _("Public random value: at most 200 characters."))
    spot_check.entropy, spot_check.entropy_by, spot_check.entropy_at = entropy, actor, timezone.now()
    spot_check.save(update_fields=["entropy", "entropy_by", "entropy_at"])
    audit_record(actor=actor, obj=spot_check, organization=spot_check.level, action="spotcheck.entropy",
                 after={"entropy": entropy})
    return spot_check


def role_paths_of(users) -> dict[str, list[str]]:
    """username → the paths of the organizations the person holds a role on."""
    found = {user.username: [] for user in users}
    for username, path in RoleAssignment.objects.filter(user__in=users).values_list(
            "user__username", "organization__path"):
        found[username].append(path)
    return found


def draw_of(spot_check: SpotCheck, *, recusal_errors: bool = True) -> tuple[
        dict[str, list[tuple[str, str]]], dict[str, list[tuple[str, str]]]]:
    """The draw the frozen population, the entropy and the pool give: (stratum → [(code, digest)], code →
    [(username, digest)]). What the draw stores and spotcheck_verify recomputes; with ``recusal_errors`` off, an
    organization the pool is too small for gets the inspectors there are."""
    entries = list(spot_check.population.values_list("code", "stratum", "weight"))
    candidates = [rules.Candidate(code=code, stratum=stratum, weight=weight) for code, stratum, weight in entries]
    strata: dict[str, int] = {}
    for candidate in candidates:
        strata[candidate.stratum] = strata.get(candidate.stratum, 0) + 1
    drawn = rules.draw(candidates, population=spot_check.population_hash, entropy=spot_check.entropy,
                       sizes=_sizes(spot_check, strata))
    codes = [code for rows in drawn.values() for code, _digest in rows]
    paths_by_code = dict(Organization.objects.filter(code__in=codes).values_list("code", "path"))
    pool = role_paths_of(list(spot_check.pool.all()))
    inspectors = {}
    for code in sorted(codes):
        arguments = {"population": spot_check.population_hash, "entropy": spot_check.entropy, "code": code,
                     "organization_path": paths_by_code[code], "level_path": spot_check.level.path, "pool": pool}
        try:
            inspectors[code] = rules.draw_inspectors(**arguments, per_organization=spot_check.inspectors_per_organization)
        except rules.PoolTooSmall as error:
            if not recusal_errors:
                inspectors[code] = rules.draw_inspectors(**arguments, per_organization=error.available)
                continue
            name = Organization.objects.get(code=code).name
            refuse("pool", _("Inspector pool: %(name)s needs %(wanted)d inspectors with no role on it or above it, "
                             "but the pool has only %(available)d.") % {
                "name": name, "wanted": error.wanted, "available": error.available})
    return drawn, inspectors


@transaction.atomic
def spotcheck_draw(*, actor, spot_check: SpotCheck) -> SpotCheck:
    """Draw the organizations of each stratum and the inspectors of each (双随机), from the frozen population and
    the entropy; the draw is the same whoever runs it."""
    spot_check = _locked(spot_check)
    access.require_manage(actor, spot_check)
    if spot_check.state == SpotCheckState.DRAFT:
        refuse("population", _("Population: freeze it before the draw."))
    if spot_check.state != SpotCheckState.FROZEN:
        refuse("state", _("The sample of this spot check is already drawn."))
    if not spot_check.entropy:
        refuse("entropy", _("Public random value: enter it before the draw."))
    drawn, inspectors = draw_of(spot_check)
    organization_ids = dict(spot_check.population.values_list("code", "organization_id"))
    users = {user.username: user for user in spot_check.pool.all()}
    SampledOrganization.objects.bulk_create(
        [SampledOrganization(spot_check=spot_check, organization_id=organization_ids[code], stratum=stratum,
                             rank=rank, digest=hexdigest)
         for stratum, rows in sorted(drawn.items()) for rank, (code, hexdigest) in enumerate(rows, start=1)])
    by_org = {row.organization_id: row for row in SampledOrganization.objects.filter(spot_check=spot_check)}
    InspectorAssignment.objects.bulk_create(
        [InspectorAssignment(sampled=by_org[organization_ids[code]], inspector=users[username], rank=rank,
                             digest=hexdigest)
         for code, rows in inspectors.items() for rank, (username, hexdigest) in enumerate(rows, start=1)])
    spot_check.state, spot_check.drawn_by, spot_check.drawn_at = SpotCheckState.DRAWN, actor, timezone.now()
    spot_check.save(update_fields=["state", "drawn_by", "drawn_at"])
    audit_record(actor=actor, obj=spot_check, organization=spot_check.level, action="spotcheck.draw",
                 before={"state": SpotCheckState.FROZEN},
                 after={"state": spot_check.state, "sample": sorted(code for rows in drawn.values() for code, _d in rows),
                        "inspectors": {code: [username for username, _d in rows] for code, rows in inspectors.items()}})
    return spot_check


@transaction.atomic
def spotcheck_close(*, actor, spot_check: SpotCheck) -> SpotCheck:
    """Close the check: the inspectors' read access ends; the findings and their orders stay."""
    spot_check = _locked(spot_check)
    access.require_manage(actor, spot_check)
    if spot_check.state != SpotCheckState.DRAWN:
        refuse("state", _("Only a drawn spot check can be closed."))
    spot_check.state = SpotCheckState.CLOSED
    spot_check.save(update_fields=["state"])
    audit_record(actor=actor, obj=spot_check, organization=spot_check.level, action="spotcheck.close",
                 before={"state": SpotCheckState.DRAWN}, after={"state": spot_check.state})
    return spot_check


@transaction.atomic
def finding_record(*, actor, sampled: SampledOrganization, item: ChecklistItem, result: str, note: str = "",
                   evidence: str = "", deadline=None) -> Finding:
    """An inspector's finding on one checklist item of a sampled organization, with the evidence seen; a
    problem, with its deadline, opens a rectification order (限期整改) on the organization's plan, once."""
    sampled = SampledOrganization.objects.select_for_update(of=("self",)).select_related(
        "spot_check__level", "spot_check__cycle__owner", "organization").get(pk=sampled.pk)
    access.require_inspector(actor, sampled)
    if result not in FindingResult.values:
        refuse("result", _("Result: choose in order or problem found."))
    note, evidence = (note or "").strip(), (evidence or "").strip()
    if result == FindingResult.PROBLEM:
        if not note:
            refuse("note", _("What was found: please describe the problem."))
        if not deadline:
            refuse("deadline", _("To be put right by: please give the deadline of the rectification order."))
    else:
        deadline = None
    finding = Finding.objects.filter(sampled=sampled, item=item).first()
    before = ({"result": finding.result, "note": finding.note, "deadline": finding.deadline and finding.deadline.isoformat()}
              if finding else None)
    if finding is None:
        finding = Finding(sampled=sampled, item=item)
    finding.result, finding.note, finding.evidence, finding.deadline = result, note, evidence, deadline
    finding.recorded_by = actor
    if result == FindingResult.PROBLEM and finding.measure_id is None:
        finding.measure = rectification_services.order_open(
            actor=actor, cycle=sampled.spot_check.cycle, organization=sampled.organization,
            title=_("Spot check: %(item)s") % {"item": item.title}, description=note, deadline=deadline,
            text=_("Put right by the deadline what the spot check “%(check)s” found: %(note)s") % {
                "check": sampled.spot_check.title, "note": note})
    finding.save()
    audit_record(actor=actor, obj=finding, organization=sampled.organization, action="finding.record", before=before,
                 after={"item": item.pk, "result": result, "note": note,
                        "deadline": deadline.isoformat() if deadline else None, "measure": finding.measure_id})
    return finding


@transaction.atomic
def inspection_read(*, actor, sampled: SampledOrganization, what: str, evidence_id: int | None = None) -> None:
    """Record that an inspector read a sampled organization's records through the check's grant (seeds/004
    抽查调阅): the page of its ledger, plan, evidence and audit, or one evidence file. Others read them under their
    own roles, which need no record here."""
    access.require_inspector(actor, sampled)
    audit_record(actor=actor, obj=sampled, organization=sampled.organization, action="spotcheck.read",
                 after={"read": what, **({"evidence": evidence_id} if evidence_id else {})})
