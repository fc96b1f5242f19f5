"""A demo spot check, loaded by ``manage.py load_demo`` after the demo plans (rectification.demo): 成华区 checks
5 % of each sector of its subtree in this year's cycle, drawn with a published lottery number, its inspectors
from the district's 督查组 and organization department and 猛追湾's reviewer (recused from 猛追湾's own
organizations); the observer's findings on the first organization drawn for them, one of which opened a
rectification order on its plan. The check stays open, so that ``chenghua_observer`` can go on inspecting.

Everything goes through the services; safe to run again (a district that has a check is left alone).
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cycles.models import Cycle
from orgs.demo import CHENGHUA_DISTRICT
from spotchecks import services
from spotchecks.choices import FindingResult, Stratification
from spotchecks.models import ChecklistItem, SampledOrganization, SpotCheck

POOL = ("chenghua_observer", "chenghua_admin", "mzw_reviewer")
INSPECTOR = "chenghua_observer"
ENTROPY = "福彩3D 第{year}318期 开奖号码 4 1 7"
FINDINGS = (
    ("台账齐全", FindingResult.MET, "", "查阅本年度台账及基本情况表，项目齐全"),
    ("整改措施落实", FindingResult.PROBLEM, "两项整改措施未按期报告进展，缺少佐证材料",
     "查阅升级办法和进展记录"),
)


@transaction.atomic
def demo_spotchecks_load(*, admin, year: int | None = None) -> int:
    """Draw the demo check and record its findings unless the district has one; returns the checks made."""
    year = year or timezone.localdate().year
    cycle = Cycle.objects.filter(owner__code=CHENGHUA_DISTRICT, year=year).select_related("owner").first()
    users = {user.username: user for user in get_user_model().objects.filter(username__in=POOL)}
    if cycle is None or len(users) < len(POOL) or SpotCheck.objects.filter(level=cycle.owner, cycle=cycle).exists():
        return 0
    actor = users["chenghua_admin"]
    spot_check = services.spotcheck_create(
        actor=actor, cycle=cycle, level=cycle.owner, title=f"{year}年度台账和整改措施落实情况抽查调阅",
        stratify_by=Stratification.SECTOR, pool=[users[name] for name in POOL])
    spot_check = services.spotcheck_freeze(actor=actor, spot_check=spot_check)
    spot_check = services.spotcheck_enter_entropy(actor=actor, spot_check=spot_check, entropy=ENTROPY.format(year=year))
    spot_check = services.spotcheck_draw(actor=actor, spot_check=spot_check)
    inspector = users[INSPECTOR]
    sampled = SampledOrganization.objects.filter(spot_check=spot_check, inspectors__inspector=inspector).order_by(
        "stratum", "rank").first()
    deadline = min(timezone.localdate() + datetime.timedelta(days=45), datetime.date(year, 12, 31))
    for title, result, note, evidence in FINDINGS if sampled else ():
        item = ChecklistItem.objects.get_or_create(title=title)[0]
        services.finding_record(actor=inspector, sampled=sampled, item=item, result=result, note=note,
                                evidence=evidence, deadline=deadline if result == FindingResult.PROBLEM else None)
    return 1
