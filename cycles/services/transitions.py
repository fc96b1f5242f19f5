"""What the workflow's transitions share: the tallies' contribution, locking, refusing, saving with an
audit row, and the guards several steps ask (a step still open, the list still open, a satisfaction veto)."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.services import audit_record
from cycles import selectors, tallies
from cycles.choices import REPORTED_LIST_STATES, Step
from cycles.models import Cycle, CycleStandard, Grading, LevelList
from orgs.models import Organization
from standards import selectors as standard_selectors
from standards.choices import AssessorKind, Grade
from standards.models import ScoreSheet


def contribution(grading: Grading) -> set:
    return tallies.contribution(state=grading.state, sector=grading.organization.sector,
                                final_grade=grading.final_grade, final_stars=grading.final_stars)


def state_of(grading: Grading) -> dict:
    return {"state": grading.state, "declared_grade": grading.declared_grade, "final_grade": grading.final_grade,
            "final_stars": grading.final_stars}


def grading_locked(grading: Grading) -> Grading:
    return Grading.objects.select_for_update(of=("self",)).select_related("cycle__owner", "organization__parent").get(pk=grading.pk)


def refuse(field: str, message: str) -> None:
    raise ValidationError({field: message})


def transition_save(*, actor, grading: Grading, before_keys: set, before: dict, action: str, reason: str = "",
                     fields: list[str]) -> Grading:
    grading.save(update_fields=[*fields, "updated_at"])
    tallies.apply(cycle=grading.cycle, changes=[(grading.organization.path, before_keys, contribution(grading))])
    audit_record(actor=actor, obj=grading, organization=grading.organization, action=action, before=before,
                 after=state_of(grading), reason=reason)
    return grading


def check_open_step(cycle: Cycle, step: str, today: datetime.date, organization: Organization) -> None:
    deadline = selectors.step_deadline(cycle=cycle, organization=organization, step=step)
    if selectors.step_closed(cycle=cycle, deadline=deadline, today=today):
        refuse("step", _("%(step)s closed on %(date)s; ask %(owner)s to extend the deadline.") % {
            "step": Step(step).label, "date": deadline.isoformat(), "owner": cycle.owner.name})


def satisfaction_vetoed(cycle: Cycle, graded: list[tuple[Organization, str]]) -> list[str]:
    """Why each (organization, grade) cannot be given: the organization is below a satisfaction veto clause,
    which grades it directly at the lowest grade (seeds/002) — at the self-assessment, the determination and
    the approval alike. A few queries per sector, however many organizations."""
    by_sector: dict[str, list[tuple[Organization, str]]] = {}
    for organization, grade in graded:
        by_sector.setdefault(organization.sector, []).append((organization, grade))
    found = []
    for sector, group in by_sector.items():
        link = CycleStandard.objects.filter(cycle=cycle, sector=sector).select_related("standard").first()
        if link is None:
            continue
        lowest = link.standard.bands[-1]["grade"]
        above = [(organization, grade) for organization, grade in group if grade and grade != lowest]
        vetoes = standard_selectors.satisfaction_vetoes(standard=link.standard,
                                                        organization_ids=[org.pk for org, _grade in above])
        found += [_("%(why)s, so %(name)s is graded %(lowest)s whatever the score (veto clause).") % {
            "why": vetoes[org.pk], "name": org.name, "lowest": Grade(lowest).label} for org, _grade in above if org.pk in vetoes]
    return found


def satisfaction_veto(cycle: Cycle, organization: Organization, grade: str) -> str | None:
    vetoed = satisfaction_vetoed(cycle, [(organization, grade)])
    return vetoed[0] if vetoed else None


def self_sheet(cycle: Cycle, organization: Organization) -> ScoreSheet | None:
    standard = selectors.cycle_standard(cycle=cycle, organization=organization)
    if standard is None:
        return None
    return ScoreSheet.objects.filter(organization=organization, standard=standard, assessor_kind=AssessorKind.SELF).first()


def level_list_locked(cycle: Cycle, level_id: int) -> LevelList | None:
    return LevelList.objects.select_for_update().filter(cycle=cycle, organization_id=level_id).first()


def check_list_open(grading: Grading) -> None:
    level_list = level_list_locked(grading.cycle, grading.organization.parent_id)
    if level_list and level_list.state in REPORTED_LIST_STATES:
        refuse("state", _("%(level)s has already submitted its list; it must be returned before a determination changes.")
                % {"level": grading.organization.parent.name})
