"""Demo acceptance, loaded by ``manage.py load_demo`` after the demo plans (rectification.demo):

* Lanshan's 2012 cycle accepted in December 2012: the county's targets for Hunan's four grades, then each of
  the sample ledger's five branches through the round — the self-check report, its score sheet, a satisfaction
  survey through the ballot engine, the county's 认定 at the ledger's 晋位升级目标 for four of them, and one
  (the branch whose measures the mid-year check criticized) not accepted, to be revisited in 2013;
* Chenghua's cycle of this year with the implementation plan's targets (seeds/002) at the district and 猛追湾
  raising one of them, so its page shows its own target beside the district's.

Everything goes through the services, as the demo's superuser; safe to run again (a cycle whose round is open is
left alone).
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from acceptance import services
from acceptance.models import Acceptance, AcceptanceSettings, Target
from ballots import services as ballot_services
from cycles.models import Cycle
from orgs.demo import CHENGHUA_DISTRICT, LANSHAN_COUNTY, LANSHAN_LEDGER, MENGZHUIWAN
from orgs.models import Organization

# Targets the county might commit to for Hunan's grades (seeds/004 has none of its own): 较差 all converted,
# a third of 一般 up to 较好, a fifth of 较好 up to 好.
LANSHAN_TARGETS = (("grade:poor", "grade:average", "1.00"), ("grade:average", "grade:fairly_good", "0.30"),
                   ("grade:fairly_good", "grade:good", "0.20"))
# The branch the 2012 mid-year check criticized (rectification.demo) is the one not accepted.
LANSHAN_NOT_ACCEPTED = "431127-02-001"
SURVEY = {"satisfied": 26, "basically_satisfied": 6, "dissatisfied": 3}
UNHAPPY = {"satisfied": 8, "basically_satisfied": 5, "dissatisfied": 17}


def _survey(admin, acceptance, counts: dict, closes_at) -> None:
    """A survey held on paper in the meeting and counted: scheduled, codes, opened, cast, closed."""
    session = services.acceptance_survey_schedule(actor=admin, acceptance=acceptance,
                                                  opens_at=closes_at - datetime.timedelta(hours=2),
                                                  closes_at=closes_at, voters=sum(counts.values()))
    codes = ballot_services.codes_generate(actor=admin, session=session, count=sum(counts.values()))
    ballot_services.session_open(actor=admin, session=session)
    answers = [answer for answer, n in counts.items() for _n in range(n)]
    for code, answer in zip(codes, answers, strict=True):
        ballot_services.ballot_cast(session_id=session.pk, code=code, answer=answer)
    ballot_services.session_close(actor=admin, session=session)


def _lanshan(admin) -> bool:
    county = Organization.objects.filter(code=LANSHAN_COUNTY).first()
    cycle = Cycle.objects.filter(owner=county, year=2012).first() if county else None
    if cycle is None or AcceptanceSettings.objects.filter(cycle=cycle).exists():
        return False
    for origin, goal, share in LANSHAN_TARGETS:
        services.target_set(actor=admin, cycle=cycle, level=county, sector="", origin=origin, goal=goal, share=share)
    services.acceptance_round_open(actor=admin, cycle=cycle, self_check_due=datetime.date(2012, 11, 30),
                                   decision_due=datetime.date(2012, 12, 3))
    # The survey's times must lie ahead when it opens: the demo holds it now, on the 2012 round.
    closes_at = timezone.now() + datetime.timedelta(minutes=30)
    for row in LANSHAN_LEDGER:
        acceptance = Acceptance.objects.get(cycle=cycle, organization__code=row.code)
        services.acceptance_report_save(actor=admin, acceptance=acceptance, report=(
            f"对照升级办法逐项自查：{row.measures.splitlines()[0].lstrip('1、').rstrip('；;。')}等措施已落实，"
            "经支委会和党员大会自查自评。"))
        services.acceptance_sheet_open(actor=admin, acceptance=acceptance, kind="accept_self")
        failing = row.code == LANSHAN_NOT_ACCEPTED
        _survey(admin, acceptance, UNHAPPY if failing else SURVEY, closes_at)
        acceptance = services.acceptance_submit(actor=admin, acceptance=acceptance)
        grade = row.superior_grade if failing else row.target_grade
        stars = 0 if grade == "poor" else 2 if failing else 3
        services.acceptance_decide(actor=admin, acceptance=acceptance, grade=grade, stars=stars,
                                   reason="党员群众满意度低，活动阵地仍未建成" if failing else "按升级办法验收，达到晋位升级目标")
    return True


def _chenghua(admin) -> bool:
    district = Organization.objects.filter(code=CHENGHUA_DISTRICT).first()
    cycle = Cycle.objects.filter(owner=district, year=timezone.localdate().year).first() if district else None
    if cycle is None or Target.objects.filter(cycle=cycle).exists():
        return False
    services.targets_seed(actor=admin, cycle=cycle)
    street = Organization.objects.get(code=MENGZHUIWAN)
    services.target_set(actor=admin, cycle=cycle, level=street, sector="community", origin="grade:average",
                        goal="title:district", share=Decimal("0.20"), reason="街道党工委承诺高于区委目标")
    return True


@transaction.atomic
def demo_acceptance_load(*, admin) -> int:
    """Load the demo acceptance that is missing; returns how many parts were loaded."""
    return int(_lanshan(admin)) + int(_chenghua(admin))
