"""Opening the year-end acceptance round of a cycle: its rules and dates, and one row per organization of either
year, with where it started (this cycle's grading) and where it stood last year."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from acceptance import rules, tallies
from acceptance.choices import AcceptanceState, Presence
from acceptance.models import Acceptance, AcceptanceSettings
from acceptance.services.common import refuse
from core.services import audit_record
from cycles import selectors as cycle_selectors
from cycles.choices import CycleState, GradingState
from cycles.models import Cycle, Grading
from orgs import access as org_access
from orgs import paths
from orgs.models import Organization

DETERMINED = (GradingState.DECIDED, GradingState.APPROVED)


def _decimal(value, field: str, message: str, low: Decimal, high: Decimal) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        number = None
    if number is None or not number.is_finite() or not low <= number <= high:
        refuse(field, message)
    return number


def _presence(organization: Organization, last_year: set[int] | None) -> str:
    if organization.merged_into_id:
        return Presence.MERGED
    if organization.dissolved_on:
        return Presence.DISSOLVED
    return Presence.NEW if last_year is not None and organization.pk not in last_year else Presence.CONTINUING


@transaction.atomic
def acceptance_round_open(*, actor, cycle: Cycle, self_check_due: datetime.date, decision_due: datetime.date,
                          pass_score=rules.SEED_PASS_SCORE,
                          dissatisfied_share=rules.SEED_DISSATISFIED_SHARE) -> AcceptanceSettings:
    """The cycle owner opens 考核验收 (seeds/002 (四), December): every organization of the year gets its row, with
    its grade and stars as the grading determined them and last year's; the merged and dissolved of either year
    stand as rows of the transition only. The counts of every level are written in the same transaction."""
    cycle = Cycle.objects.select_for_update().select_related("owner").get(pk=cycle.pk)
    org_access.check(actor, cycle.owner, org_access.MANAGE)
    if cycle.state != CycleState.OPEN:
        refuse("cycle", _("The cycle %(name)s is closed.") % {"name": cycle.name})
    if AcceptanceSettings.objects.filter(cycle=cycle).exists():
        refuse("cycle", _("The acceptance round of %(name)s is already open.") % {"name": cycle.name})
    pass_score = _decimal(pass_score, "pass_score", _("Pass mark: enter a score from 0 to 100."), Decimal(0),
                          Decimal(100))
    dissatisfied_share = _decimal(dissatisfied_share, "dissatisfied_share",
                                  _("Largest share dissatisfied: enter a percentage from 0 to 100."), Decimal(0),
                                  Decimal(1))
    if not isinstance(self_check_due, datetime.date):
        refuse("self_check_due", _("Self-checks due: enter a date."))
    if not isinstance(decision_due, datetime.date) or decision_due < self_check_due:
        refuse("decision_due", _("Determinations due: enter a date on or after the self-checks' day."))
    terms = AcceptanceSettings.objects.create(cycle=cycle, pass_score=pass_score, dissatisfied_share=dissatisfied_share,
                                              self_check_due=self_check_due, decision_due=decision_due, opened_by=actor)
    low, high = cycle.owner.path, paths.successor(cycle.owner.path)
    previous = cycle_selectors.previous_cycle(owner=cycle.owner, year=cycle.year)
    last_year = set(Grading.objects.filter(cycle=previous).values_list("organization_id", flat=True)) if previous else None
    rows: list[Acceptance] = []
    graded: set[int] = set()
    for grading in Grading.objects.filter(cycle=cycle).select_related("organization").iterator(chunk_size=2000):
        organization = grading.organization
        graded.add(organization.pk)
        presence = _presence(organization, last_year)
        determined = grading.state in DETERMINED
        rows.append(Acceptance(
            cycle=cycle, organization=organization, grading=grading, sector=organization.sector, presence=presence,
            state=AcceptanceState.DEPARTED if presence in (Presence.MERGED, Presence.DISSOLVED)
            else AcceptanceState.SELF_CHECK,
            baseline_grade=grading.baseline_grade, baseline_stars=grading.baseline_stars,
            start_grade=grading.final_grade if determined else "",
            start_stars=(grading.final_stars or 0) if determined else None))
    for organization in Organization.objects.filter(path__gt=low, path__lt=high, dissolved_on__isnull=True).exclude(
            pk__in=graded).iterator(chunk_size=2000):
        graded.add(organization.pk)
        rows.append(Acceptance(cycle=cycle, organization=organization, sector=organization.sector,
                               presence=_presence(organization, last_year)))
    if previous is not None:
        for last in Grading.objects.filter(cycle=previous, state__in=DETERMINED, organization__path__gt=low,
                                           organization__path__lt=high).exclude(
                organization_id__in=graded).select_related("organization").iterator(chunk_size=2000):
            organization = last.organization
            presence = Presence.MERGED if organization.merged_into_id else Presence.DISSOLVED
            rows.append(Acceptance(cycle=cycle, organization=organization, sector=organization.sector,
                                   presence=presence, state=AcceptanceState.DEPARTED, baseline_grade=last.final_grade,
                                   baseline_stars=last.final_stars))
    Acceptance.objects.bulk_create(rows, batch_size=2000)
    tallies.apply(cycle=cycle, changes=[(row.organization.path, set(), tallies.keys_of(row)) for row in rows])
    audit_record(actor=actor, obj=terms, organization=cycle.owner, action="acceptance.open",
                 after={"pass_score": str(pass_score), "dissatisfied_share": str(dissatisfied_share),
                        "self_check_due": self_check_due.isoformat(), "decision_due": decision_due.isoformat(),
                        "organizations": len(rows)})
    return terms
