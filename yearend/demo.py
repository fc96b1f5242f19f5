"""The demo's year end: Lanshan's 2012 cycle, whose gradings are all determined, with 土市乡's year summary
drafted from its figures and its secretary's report attached, and the county's commendation shortlist proposed
by rules suited to a first year (no earlier year to be 先进 in: one year, and no veto)."""

import datetime

from django.db import transaction

from cycles.models import Cycle
from orgs.demo.lanshan import LANSHAN_COUNTY, TUSHI
from orgs.models import Organization
from yearend import selectors, services
from yearend.models import YearSummary

FIRST_YEAR_RULES = [{"rule": "top_grade_years", "years": 1}, {"rule": "no_veto"}]
TUSHI_REPORT = ("2012年，乡党委认真履行抓基层党建第一责任人职责，组织各村党支部开展分类定级，"
                "对照“五个好”目标逐项查找问题、制定升级办法，推动后进支部转化升级。")


@transaction.atomic
def demo_yearend_load(*, admin) -> bool:
    """Add what is missing; True when something was added."""
    county = Organization.objects.filter(code=LANSHAN_COUNTY).first()
    town = Organization.objects.filter(code=TUSHI).first()
    cycle = Cycle.objects.filter(owner=county, year=2012).first() if county else None
    if cycle is None or town is None or YearSummary.objects.filter(cycle=cycle, organization=town).exists():
        return False
    services.settings_update(actor=admin, cycle=cycle, summary_due=datetime.date(2012, 12, 3),
                             commendation_rules=FIRST_YEAR_RULES)
    summary = services.summary_save(actor=admin, cycle=cycle, level=town)
    services.report_save(actor=admin, summary=summary, secretary="欧阳明", post="乡党委书记", text=TUSHI_REPORT)
    if selectors.shortlist_of(cycle=cycle, level=county) is None:
        services.shortlist_propose(actor=admin, cycle=cycle, level=county)
    return True
