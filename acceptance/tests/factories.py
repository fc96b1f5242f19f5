"""A cycle graded at the start of the year, its acceptance round opened, and an acceptance taken through its
self-check, survey and submission the way a branch secretary does it."""

import datetime

from django.utils import timezone

from acceptance import services
from acceptance.models import Acceptance
from ballots import services as ballot_services
from ballots.tests.factories import issue_and_open, superior_of
from cycles import services as cycle_services
from cycles.models import Grading
from orgs.models import Organization
from standards import services as standard_services
from standards.tests.factories import make_standard

TODAY = timezone.localdate()
YEAR = TODAY.year


def graded_cycle(world, *, year: int = YEAR, grades: dict | None = None):
    """A cycle (Hunan's short chain) over the world's county, each branch determined by its town: by default
    branch_a1 一般, branch_a2 后进, branch_b1 先进, branch_b2 一般."""
    standard = make_standard(world.county_admin, world.county, year=year)
    # Every branch has its secretary: the standard's "no secretary" veto clause is set off by data.
    Organization.objects.filter(path__startswith=world.county.path).update(secretary="张书记")
    cycle = cycle_services.cycle_open(actor=world.county_admin, owner=world.county, year=year, name=f"{year}年晋位升级",
                                      preset="hunan", standards={"village": standard})
    grades = grades or {world.branch_a1: "average", world.branch_a2: "lagging", world.branch_b1: "advanced",
                        world.branch_b2: "average"}
    for organization, grade in grades.items():
        grade_at_start(world, cycle, organization, grade)
    return cycle


def grade_at_start(world, cycle, organization, grade):
    grading = Grading.objects.get(cycle=cycle, organization=organization)
    cycle_services.step_record(actor=world.county_admin, grading=grading, step="self_assessment", held_on=TODAY,
                               grade=grade)
    cycle_services.grading_submit(actor=world.county_admin, grading=grading)
    return cycle_services.grading_decide(actor=superior_of(organization), grading=grading, grade=grade)


def open_round(world, cycle, **kwargs):
    kwargs.setdefault("self_check_due", TODAY + datetime.timedelta(days=10))
    kwargs.setdefault("decision_due", TODAY + datetime.timedelta(days=20))
    return services.acceptance_round_open(actor=world.county_admin, cycle=cycle, **kwargs)


def acceptance(cycle, organization) -> Acceptance:
    return Acceptance.objects.get(cycle=cycle, organization=organization)


def surveyed(world, acc: Acceptance, *, satisfied: int = 3, dissatisfied: int = 1, actor=None):
    """A satisfaction survey scheduled, its codes issued, opened by the superior, voted and closed: counted."""
    actor = actor or world.county_admin
    now = timezone.now()
    session = services.acceptance_survey_schedule(actor=actor, acceptance=acc, opens_at=now - datetime.timedelta(minutes=5),
                                                  closes_at=now + datetime.timedelta(hours=1),
                                                  voters=satisfied + dissatisfied)
    codes = issue_and_open(actor=actor, session=session, count=satisfied + dissatisfied)
    for number, code in enumerate(codes):
        ballot_services.ballot_cast(session_id=session.pk, code=code,
                                    answer="satisfied" if number < satisfied else "dissatisfied")
    ballot_services.session_close(actor=superior_of(acc.organization), session=session)
    return session


def self_checked(world, acc: Acceptance, *, deductions: int = 0, actor=None, **survey):
    """The self-check done and submitted: the report, the sheet (``deductions`` × 10 points off item 2.1), the survey."""
    actor = actor or world.county_admin
    services.acceptance_report_save(actor=actor, acceptance=acc, report="对照整改措施逐项自查，问题已整改到位。")
    sheet = services.acceptance_sheet_open(actor=actor, acceptance=acc, kind="accept_self")
    if deductions:
        item = sheet.standard.indicators.get(position=2).items.get(code="2.1")
        standard_services.deduction_add(actor=actor, sheet=sheet, item=item, occurrences=deductions, reason="未完成")
    surveyed(world, acc, **survey)
    return services.acceptance_submit(actor=actor, acceptance=acc)
