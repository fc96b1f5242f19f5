"""seeds/002: satisfaction below the threshold is 直接定为后进. A satisfaction ballot reaches every score sheet of
the branch, those started after it too, and no one grades the branch above the lowest grade once it has closed,
whatever the order in which the year's events come."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ballots import services
from ballots.tests.factories import issue_and_open, make_session
from core.models import AuditEvent
from cycles import services as cycle_services
from cycles.choices import GradingState
from cycles.models import Grading, LevelList
from orgs import services as org_services
from standards import selectors as standard_selectors
from standards import services as standard_services
from standards.models import ScoreSheet
from standards.tests.factories import make_standard

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
# One in five satisfied: 20%, below the clause's 60%.
ANSWERS = ["satisfied", "dissatisfied", "dissatisfied", "dissatisfied", "dissatisfied"]


def open_year(world, *, steps=("self_assessment", "superior_decision", "approval")):
    org_services.organization_update(actor=world.admin_a, organization=world.branch_a1, secretary="廖仁旺")
    standard = make_standard(world.county_admin, world.county)
    cycle = cycle_services.cycle_open(actor=world.county_admin, owner=world.county, year=2026, name="2026年分类定级",
                                      standards={"village": standard}, steps=list(steps), quotas=[])
    return standard, cycle, Grading.objects.get(cycle=cycle, organization=world.branch_a1)


def satisfaction_ballot(world, grading, answers=ANSWERS):
    session = make_session(world.secretary_a1, world.branch_a1, grading=grading)
    for code, answer in zip(issue_and_open(actor=world.secretary_a1, session=session, count=len(answers)),
                            answers, strict=True):
        services.ballot_cast(session_id=session.pk, code=code, answer=answer)
    return session


def test_a_sheet_started_after_the_ballot_closed_meets_its_satisfaction(world):
    standard, _cycle, grading = open_year(world)
    session = services.session_close(actor=world.reviewer_a, session=satisfaction_ballot(world, grading))
    assert session.delivered  # kept for the sheets to come, though there is none yet
    for actor, kind in ((world.secretary_a1, "self"), (world.reviewer_a, "superior")):
        sheet = standard_services.score_sheet_open(actor=actor, organization=world.branch_a1, standard=standard,
                                                   assessor_kind=kind)
        assert (sheet.total, sheet.grade, sheet.stars, sheet.vetoed) == (D(100), "lagging", 0, True)
        mark = sheet.veto_marks.get()
        assert mark.automatic and mark.clause.trigger == "satisfaction_below"
        assert "20%" in mark.evidence and "60%" in mark.evidence and "E+" not in mark.evidence


def test_the_satisfaction_clause_is_marked_by_hand_from_a_survey_on_paper(world):
    standard, cycle, grading = open_year(world)
    sheet = standard_services.score_sheet_open(actor=world.secretary_a1, organization=world.branch_a1,
                                               standard=standard, assessor_kind="self")
    clause = standard.vetoes.get(trigger="satisfaction_below")
    with pytest.raises(ValidationError) as caught:
        standard_services.veto_mark(actor=world.secretary_a1, sheet=sheet, clause=clause, evidence=" ")
    assert "evidence" in caught.value.message_dict
    standard_services.veto_mark(actor=world.secretary_a1, sheet=sheet, clause=clause,
                                evidence="2026年3月纸质测评：满意度45%")
    sheet.refresh_from_db()
    assert sheet.vetoed and sheet.grade == "lagging" and not sheet.veto_marks.get().automatic
    # The mark binds the grading as data does: the superior cannot determine the branch higher.
    cycle_services.step_record(actor=world.secretary_a1, grading=grading, step="self_assessment", held_on=TODAY)
    cycle_services.grading_submit(actor=world.secretary_a1, grading=grading)
    with pytest.raises(ValidationError) as caught:
        cycle_services.grading_decide(actor=world.reviewer_a, grading=grading, grade="average", reason="工作有起色")
    assert "grade" in caught.value.message_dict and "满意度45%" in caught.value.message_dict["grade"][0]
    grading.refresh_from_db()
    assert grading.state == GradingState.SUBMITTED and grading.final_grade == ""
    assert "满意度45%" in standard_selectors.satisfaction_veto(organization=world.branch_a1, standard=standard)


def test_a_ballot_above_the_threshold_leaves_the_branch_free(world):
    standard, _cycle, grading = open_year(world)
    services.session_close(actor=world.reviewer_a,
                           session=satisfaction_ballot(world, grading, ["satisfied", "basically_satisfied", "satisfied"]))
    sheet = standard_services.score_sheet_open(actor=world.secretary_a1, organization=world.branch_a1,
                                               standard=standard, assessor_kind="self")
    assert not sheet.vetoed and sheet.grade == "advanced"
    assert standard_selectors.satisfaction_veto(organization=world.branch_a1, standard=standard) is None


def test_no_secretary_follows_the_organizations_data_on_every_sheet(world):
    standard = make_standard(world.county_admin, world.county)
    sheet = standard_services.score_sheet_open(actor=world.secretary_a1, organization=world.branch_a1,
                                               standard=standard, assessor_kind="self")
    assert sheet.vetoed  # no secretary on record
    org_services.organization_update(actor=world.admin_a, organization=world.branch_a1, secretary="廖仁旺")
    sheet.refresh_from_db()
    assert not sheet.vetoed and sheet.grade == "advanced" and not sheet.veto_marks.exists()
    org_services.organization_update(actor=world.admin_a, organization=world.branch_a1, secretary="")
    sheet.refresh_from_db()
    assert sheet.vetoed and sheet.veto_marks.get().automatic
    assert AuditEvent.objects.filter(action="sheet.data_veto", object_id=str(sheet.pk)).count() == 2


# Every order of events ---------------------------------------------------------------------------

EVENTS = ("ballot", "self_sheet", "deduction", "superior_sheet", "self_assessment", "submit", "decide", "list_submit",
          "approve")
NEEDS = {"deduction": {"self_sheet"}, "submit": {"self_assessment"}, "decide": {"submit"},
         "list_submit": {"decide"}, "approve": {"list_submit"}}
LOWEST = "lagging"


class Year:
    """One branch's year, played event by event. Each grading act tries the top grade first, as a branch hoping
    for 先进 would; a refusal is allowed only once the ballot has closed, and then the lowest grade is given."""

    def __init__(self, world):
        self.world = world
        self.standard, self.cycle, self.grading = open_year(world)
        self.session = satisfaction_ballot(world, self.grading)
        self.done: list[str] = []
        # The other branch of the street is determined, so the street's list can go up whole.
        other = Grading.objects.get(cycle=self.cycle, organization=world.branch_a2)
        cycle_services.step_record(actor=world.admin_a, grading=other, step="self_assessment", held_on=TODAY,
                                   grade="average")
        cycle_services.grading_submit(actor=world.admin_a, grading=other)
        cycle_services.grading_decide(actor=world.reviewer_a, grading=other, grade="average")

    @property
    def closed(self) -> bool:
        return "ballot" in self.done

    def refused(self, call) -> dict | None:
        try:
            call()
        except ValidationError as error:
            assert self.closed, f"refused before the ballot closed, after {self.done}: {error}"
            return error.message_dict
        return None

    def play(self, order) -> None:
        waiting = list(order)
        while waiting:
            event = next(e for e in waiting if NEEDS.get(e, set()) <= set(self.done))
            waiting.remove(event)
            getattr(self, event)()
            self.done.append(event)
            self.check(event)

    def check(self, event: str) -> None:
        if self.closed:
            for sheet in ScoreSheet.objects.filter(organization=self.world.branch_a1, standard=self.standard):
                assert (sheet.grade, sheet.stars, sheet.vetoed) == (LOWEST, 0, True), (self.done, sheet.assessor_kind)
        grading = Grading.objects.get(pk=self.grading.pk)
        acted_after_ballot = self.closed and self.done.index("ballot") < len(self.done) - 1
        if acted_after_ballot and event in ("self_assessment", "submit"):
            assert grading.declared_grade == LOWEST, self.done
        if acted_after_ballot and event in ("decide", "approve"):
            assert grading.final_grade == LOWEST, self.done

    def ballot(self):
        self.session = services.session_close(actor=self.world.reviewer_a, session=self.session)
        assert self.session.delivered

    def self_sheet(self):
        standard_services.score_sheet_open(actor=self.world.secretary_a1, organization=self.world.branch_a1,
                                           standard=self.standard, assessor_kind="self")

    def superior_sheet(self):
        standard_services.score_sheet_open(actor=self.world.reviewer_a, organization=self.world.branch_a1,
                                           standard=self.standard, assessor_kind="superior")

    def deduction(self):
        sheet = ScoreSheet.objects.get(organization=self.world.branch_a1, standard=self.standard, assessor_kind="self")
        item = self.standard.indicators.get(position=2).items.get(code="2.1")
        standard_services.deduction_add(actor=self.world.secretary_a1, sheet=sheet, item=item, reason="一项任务未完成")

    def self_assessment(self):
        record = lambda grade: cycle_services.step_record(  # noqa: E731
            actor=self.world.secretary_a1, grading=self.grading, step="self_assessment", held_on=TODAY, grade=grade)
        if self.refused(lambda: record("advanced")) is not None:
            record(LOWEST)

    def submit(self):
        submit = lambda: cycle_services.grading_submit(actor=self.world.secretary_a1, grading=self.grading)  # noqa: E731
        if (refusal := self.refused(submit)) is not None:
            assert set(refusal) == {"declared_grade"}
            self.self_assessment()
            submit()

    def decide(self, grade="advanced"):
        decide = lambda grade: cycle_services.grading_decide(  # noqa: E731
            actor=self.world.reviewer_a, grading=self.grading, grade=grade, reason="综合评定", revise=True)
        if (refusal := self.refused(lambda: decide(grade))) is not None:
            assert set(refusal) == {"grade"} and "20%" in refusal["grade"][0]
            decide(LOWEST)

    def list_submit(self):
        cycle_services.level_list_submit(actor=self.world.reviewer_a, cycle=self.cycle, level=self.world.town_a)

    def approve(self):
        level_list = LevelList.objects.get(cycle=self.cycle, organization=self.world.town_a)
        approve = lambda: cycle_services.level_list_approve(actor=self.world.county_admin, level_list=level_list)  # noqa: E731
        if self.refused(approve) is not None:
            assert Grading.objects.get(pk=self.grading.pk).state == GradingState.DECIDED  # nothing was approved
            cycle_services.level_list_return(actor=self.world.county_admin, level_list=level_list,
                                             reasons={self.grading.pk: "满意度测评未达标，请重新评定"})
            self.decide(LOWEST)
            self.list_submit()
            approve()
        assert Grading.objects.get(pk=self.grading.pk).state == GradingState.APPROVED


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(EVENTS))
@example(order=EVENTS)  # the ballot first: every sheet is started after it
@example(order=(*EVENTS[1:], "ballot"))  # the ballot last, after the approval
@example(order=("self_sheet", "self_assessment", "submit", "decide", "ballot", "list_submit", "approve", "deduction",
                "superior_sheet"))  # between the determination and the approval
@example(order=("self_assessment", "ballot", "self_sheet", "deduction", "submit", "superior_sheet", "decide",
                "list_submit", "approve"))  # self-assessed without a sheet, then the ballot, then the submission
def test_below_the_threshold_no_step_grades_the_branch_higher_in_any_order(world, order):
    with transaction.atomic():
        year = Year(world)
        year.play(order)
        grading = Grading.objects.get(pk=year.grading.pk)
        assert grading.state == GradingState.APPROVED
        if year.done.index("ballot") < year.done.index("approve"):
            assert grading.final_grade == LOWEST and grading.final_stars == 0
        transaction.set_rollback(True)
