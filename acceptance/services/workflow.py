"""One organization's acceptance: its self-check (report and score sheet on the cycle's standard), its satisfaction
survey through the ballot engine, the submission, the superior's return or 认定; and a level's results reported
upward once every direct subordinate is re-graded."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from acceptance import access, rules, selectors, tallies
from acceptance.choices import DECIDED_STATES, AcceptanceState, LevelState, ModelTitle
from acceptance.models import Acceptance, LevelAcceptance
from acceptance.services.common import locked, refuse, saved, state_of
from ballots import services as ballot_services
from ballots.choices import SessionPurpose
from ballots.models import BallotSession
from core.services import audit_record
from cycles import selectors as cycle_selectors
from cycles.models import Cycle
from orgs.models import Organization
from standards import services as standard_services
from standards.choices import AssessorKind, Grade
from standards.models import ScoreSheet

EDITABLE = (AcceptanceState.SELF_CHECK, AcceptanceState.RETURNED)
# 标兵 and 品牌 continue the ladder above 先进 by designation (seeds/001): the superior may accept them too.
DESIGNATED = (Grade.EXEMPLARY.value, Grade.BRAND.value)


def _standard(acceptance: Acceptance):
    standard = cycle_selectors.cycle_standard(cycle=acceptance.cycle, organization=acceptance.organization)
    if standard is None:
        refuse("sheet", _("The cycle has no standard for the sector of %(name)s.") % {
            "name": acceptance.organization.name})
    return standard


def acceptance_sheet(acceptance: Acceptance, kind: str) -> ScoreSheet | None:
    """The acceptance's score sheet of ``kind`` (accept_self or accept_superior) on the cycle's standard."""
    standard = cycle_selectors.cycle_standard(cycle=acceptance.cycle, organization=acceptance.organization)
    if standard is None:
        return None
    return ScoreSheet.objects.filter(organization=acceptance.organization, standard=standard,
                                     assessor_kind=kind).first()


def _check_editable(acceptance: Acceptance) -> None:
    if acceptance.state not in EDITABLE:
        refuse("state", _("The acceptance of %(name)s is %(state)s; its self-check can change only if it is "
                          "returned.") % {"name": acceptance.organization.name, "state": acceptance.get_state_display()})


@transaction.atomic
def acceptance_report_save(*, actor, acceptance: Acceptance, report: str) -> Acceptance:
    """The self-check report (自查报告): what was done against the plan, in the organization's words."""
    acceptance = locked(acceptance)
    access.require(actor, access.can_self_check(actor, acceptance), acceptance.organization)
    _check_editable(acceptance)
    report = (report or "").strip()
    if report == acceptance.report:
        return acceptance
    before = {"report": acceptance.report}
    acceptance.report = report
    acceptance.save(update_fields=["report", "updated_at"])
    audit_record(actor=actor, obj=acceptance, organization=acceptance.organization, action="acceptance.report",
                 before=before, after={"report": report})
    return acceptance


def acceptance_sheet_open(*, actor, acceptance: Acceptance, kind: str) -> ScoreSheet:
    """The acceptance's new score sheet on the cycle's standard: the self-check's (its organization) or the
    superior's (下管一级); the score-sheet service checks who may enter it."""
    if kind not in (AssessorKind.ACCEPTANCE_SELF, AssessorKind.ACCEPTANCE_SUPERIOR):
        refuse("kind", _("Score sheet: choose the self-check's or the superior's."))
    if acceptance.state == AcceptanceState.DEPARTED:
        refuse("state", _("%(name)s was merged or dissolved; it has no acceptance.") % {
            "name": acceptance.organization.name})
    return standard_services.score_sheet_open(actor=actor, organization=acceptance.organization,
                                              standard=_standard(acceptance), assessor_kind=kind)


@transaction.atomic
def acceptance_survey_schedule(*, actor, acceptance: Acceptance, opens_at: datetime.datetime,
                               closes_at: datetime.datetime, voters: int, quorum: int = 1) -> BallotSession:
    """The satisfaction survey of members and the public (征求党员群众意见) as an anonymous ballot; the ballot
    engine issues its codes, opens, closes and counts it. A void survey (no ballot) may be scheduled again."""
    acceptance = locked(acceptance)
    access.require(actor, access.can_self_check(actor, acceptance), acceptance.organization)
    _check_editable(acceptance)
    if acceptance.grading is None:
        refuse("survey", _("%(name)s has no grading in this cycle to survey.") % {"name": acceptance.organization.name})
    if acceptance.survey is not None and not (acceptance.survey.closed and not acceptance.survey.tallies.get("ballots")):
        refuse("survey", _("A satisfaction survey of %(name)s is already scheduled: %(title)s.") % {
            "name": acceptance.organization.name, "title": acceptance.survey.title})
    session = ballot_services.session_create(
        actor=actor, organization=acceptance.organization, purpose=SessionPurpose.SATISFACTION, opens_at=opens_at,
        closes_at=closes_at, quorum=quorum, grading=acceptance.grading, voters=voters,
        title=_("%(name)s: year-end satisfaction survey %(year)s") % {"name": acceptance.organization.name,
                                                                      "year": acceptance.cycle.year})
    acceptance.survey = session
    acceptance.save(update_fields=["survey", "updated_at"])
    audit_record(actor=actor, obj=acceptance, organization=acceptance.organization, action="acceptance.survey",
                 after={"survey": session.pk})
    return session


@transaction.atomic
def acceptance_submit(*, actor, acceptance: Acceptance) -> Acceptance:
    """Submit the self-check to the superior: the report written, the self-check's score sheet entered, the
    satisfaction survey closed and counted."""
    acceptance = locked(acceptance)
    access.require(actor, access.can_self_check(actor, acceptance), acceptance.organization)
    _check_editable(acceptance)
    if not acceptance.report.strip():
        refuse("report", _("Self-check report: please write it before submitting."))
    sheet = acceptance_sheet(acceptance, AssessorKind.ACCEPTANCE_SELF)
    if sheet is None:
        refuse("sheet", _("Self-check score sheet: enter it on the cycle's standard before submitting."))
    survey = selectors.survey_result(acceptance=acceptance)
    if survey is None:
        refuse("survey", _("Satisfaction survey: schedule it and have it counted before submitting."))
    if not survey.closed:
        refuse("survey", _("Satisfaction survey: it is not closed and counted yet."))
    before, before_keys = state_of(acceptance), tallies.keys_of(acceptance)
    acceptance.state = AcceptanceState.SUBMITTED
    acceptance.score = sheet.total
    acceptance.return_reason = ""
    acceptance.submitted_by, acceptance.submitted_at = actor, timezone.now()
    return saved(actor=actor, acceptance=acceptance, before_keys=before_keys, before=before, action="acceptance.submit",
                 fields=["state", "score", "return_reason", "submitted_by", "submitted_at"])


def _check_level_open(acceptance: Acceptance) -> None:
    parent = acceptance.organization.parent
    if parent and LevelAcceptance.objects.filter(cycle=acceptance.cycle, organization=parent,
                                                 state=LevelState.SUBMITTED).exists():
        refuse("state", _("%(level)s has already submitted its acceptance results.") % {"level": parent.name})


@transaction.atomic
def acceptance_return(*, actor, acceptance: Acceptance, reason: str) -> Acceptance:
    """The superior returns a self-check, saying what needs work."""
    acceptance = locked(acceptance)
    access.require(actor, access.can_decide(actor, acceptance), acceptance.organization)
    if acceptance.state != AcceptanceState.SUBMITTED:
        refuse("state", _("The acceptance of %(name)s is %(state)s; only a submitted one can be returned.") % {
            "name": acceptance.organization.name, "state": acceptance.get_state_display()})
    _check_level_open(acceptance)
    if not (reason or "").strip():
        refuse("reason", _("Reason: say what needs work."))
    before, before_keys = state_of(acceptance), tallies.keys_of(acceptance)
    acceptance.state = AcceptanceState.RETURNED
    acceptance.return_reason = reason.strip()
    return saved(actor=actor, acceptance=acceptance, before_keys=before_keys, before=before, action="acceptance.return",
                 fields=["state", "return_reason"], reason=reason.strip())


@transaction.atomic
def acceptance_decide(*, actor, acceptance: Acceptance, grade: str, stars: int | None = None, title: str = "",
                      reason: str = "", revise: bool = False) -> Acceptance:
    """上级党组织认定: the superior re-grades the organization and assigns its stars anew (seeds/002 "重新评定级次和划分
    “星级”"); the acceptance rules of the round decide whether it passes. One that fails stays in rectification
    and is flagged for 回头看 next year."""
    acceptance = locked(acceptance)
    access.require(actor, access.can_decide(actor, acceptance), acceptance.organization)
    if acceptance.state in DECIDED_STATES and not revise:
        refuse("state", _("%(name)s was already determined as %(grade)s.") % {
            "name": acceptance.organization.name, "grade": acceptance.get_accepted_grade_display()})
    if acceptance.state not in (AcceptanceState.SUBMITTED, *DECIDED_STATES):
        refuse("state", _("The acceptance of %(name)s is %(state)s; it can be determined once its self-check is "
                          "submitted.") % {"name": acceptance.organization.name,
                                           "state": acceptance.get_state_display()})
    _check_level_open(acceptance)
    terms = selectors.settings_of(cycle=acceptance.cycle)
    grades = cycle_selectors.organization_grades(cycle=acceptance.cycle, organization=acceptance.organization)
    if grade not in (*grades, *DESIGNATED):
        refuse("grade", _("Grade: %(value)s is not a grade of this standard.") % {"value": grade or "—"})
    if title and title not in ModelTitle.values:
        refuse("title", _("Model title: choose one of the titles offered."))
    sheet = (acceptance_sheet(acceptance, AssessorKind.ACCEPTANCE_SUPERIOR)
             or acceptance_sheet(acceptance, AssessorKind.ACCEPTANCE_SELF))
    if sheet is None:
        refuse("grade", _("Grade: %(name)s has no acceptance score sheet.") % {"name": acceptance.organization.name})
    if stars in ("", None):
        if sheet.grade != grade and grade not in DESIGNATED:
            refuse("stars", _("Stars: the score sheet gives %(sheet)s, not %(grade)s; enter the stars.") % {
                "sheet": sheet.get_grade_display(), "grade": Grade(grade).label})
        stars = sheet.stars
    try:
        stars = int(stars)
    except (TypeError, ValueError):
        stars = -1
    if not 0 <= stars <= 5:
        refuse("stars", _("Stars: enter a whole number from 0 to 5."))
    if grade == grades[-1] and stars:
        refuse("stars", _("Stars: an organization graded %(grade)s is given no stars.") % {"grade": Grade(grade).label})
    if grade != sheet.grade and not (reason or "").strip():
        refuse("reason", _("Reason: the grade differs from the score sheet's %(sheet)s; please say why.") % {
            "sheet": sheet.get_grade_display()})
    survey = selectors.survey_result(acceptance=acceptance)
    passed = rules.passes(score=sheet.total, dissatisfied=survey.dissatisfied if survey else 0,
                          ballots=survey.ballots if survey else 0, pass_score=terms.pass_score,
                          dissatisfied_share=terms.dissatisfied_share)
    before, before_keys = state_of(acceptance), tallies.keys_of(acceptance)
    acceptance.state = AcceptanceState.PASSED if passed else AcceptanceState.FAILED
    acceptance.revisit = not passed
    acceptance.score = sheet.total
    acceptance.accepted_grade, acceptance.accepted_stars, acceptance.accepted_title = grade, stars, title or ""
    acceptance.decision_reason = (reason or "").strip()
    acceptance.decided_by, acceptance.decided_at = actor, timezone.now()
    return saved(actor=actor, acceptance=acceptance, before_keys=before_keys, before=before, action="acceptance.decide",
                 fields=["state", "revisit", "score", "accepted_grade", "accepted_stars", "accepted_title",
                         "decision_reason", "decided_by", "decided_at"], reason=acceptance.decision_reason)


@transaction.atomic
def acceptance_level_submit(*, actor, cycle: Cycle, level: Organization) -> LevelAcceptance:
    """A level reports its acceptance results upward (逐级验收审定), once every direct subordinate is re-graded."""
    level = Organization.objects.select_for_update().get(pk=level.pk)
    access.require(actor, access.can_run_level(actor, level), level)
    if selectors.settings_of(cycle=cycle) is None:
        refuse("cycle", _("The acceptance round of %(name)s is not open.") % {"name": cycle.name})
    record, _created = LevelAcceptance.objects.select_for_update().get_or_create(cycle=cycle, organization=level)
    if record.state == LevelState.SUBMITTED:
        refuse("state", _("%(name)s has already submitted its acceptance results.") % {"name": level.name})
    waiting = list(selectors.subordinate_acceptances(cycle=cycle, level=level).exclude(state__in=DECIDED_STATES)
                   .values_list("organization__name", flat=True)[:11])
    if waiting:
        names = "、".join(waiting[:10]) + ("…" if len(waiting) > 10 else "")
        refuse("acceptances", _("Acceptances: %(count)s organizations are not re-graded yet: %(names)s.") % {
            "count": selectors.subordinate_acceptances(cycle=cycle, level=level).exclude(
                state__in=DECIDED_STATES).count(), "names": names})
    record.state, record.submitted_by, record.submitted_at = LevelState.SUBMITTED, actor, timezone.now()
    record.save(update_fields=["state", "submitted_by", "submitted_at"])
    audit_record(actor=actor, obj=record, organization=level, action="acceptance.level_submit",
                 after={"state": record.state})
    return record
