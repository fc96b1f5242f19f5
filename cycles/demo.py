"""Demo cycles, loaded by ``manage.py load_demo`` after the demo organizations (orgs.demo):

* Lanshan county's 2012 cycle on Hunan's short chain (支部申报 → 上级审核定级), run to the end with the
  sample ledger's real grades (seeds/004): 四村党支部 declared 较好 and was set to 一般.
* This year's open cycle for the Chenghua-shaped district on the full chain of seeds/002, with the
  built-in standard of every sector present, so every demo user has something waiting.

Everything goes through the services, as the demo's superuser; safe to run again (an existing cycle is left alone).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from cycles import services
from cycles.models import Cycle, Grading
from orgs.demo import CHENGHUA_DISTRICT, LANSHAN_COUNTY, LANSHAN_LEDGER
from orgs.models import Organization
from standards import defaults as standard_defaults
from standards import services as standard_services
from standards.default_items import DEFAULTS
from standards.models import Standard
from standards.structure import IndicatorData, ItemData, StandardData, VetoData


def _default_data(sector: str) -> StandardData:
    default = DEFAULTS[sector]
    return StandardData(
        indicators=tuple(IndicatorData(name, tuple(ItemData(i.code, i.text, i.max_points, i.deduction_kind,
                                                            i.deduction_points, i.guidance, i.is_editable_default)
                                                   for i in items)) for name, items in default.indicators),
        vetoes=tuple(VetoData(v.text, v.trigger, v.threshold) for v in default.vetoes))


def _lanshan_2012(admin) -> bool:
    county = Organization.objects.filter(code=LANSHAN_COUNTY).first()
    if county is None or Cycle.objects.filter(owner=county, year=2012).exists():
        return False
    standard = Standard.objects.filter(issuer=county, sector="village", year=2012).first() or \
        standard_services.standard_create(actor=admin, issuer=county, sector="village", year=2012,
                                          name="蓝山县村党组织分类定级标准（2012）", data=_default_data("village"),
                                          scheme_key=standard_defaults.FOUR_GRADES.key)
    cycle = services.cycle_open(
        actor=admin, owner=county, year=2012, name="蓝山县2012年基层党组织分类定级晋位升级", preset="hunan",
        standards={"village": standard}, lock_after_deadline=False, quotas=[],
        deadlines={"self_assessment": "2012-07-31", "superior_decision": "2012-07-31"},  # the notice: "7月底前完成"
        notice="按照湘基组办〔2012〕文件要求，建立基层党组织分类定级晋位升级目标管理工作台账，7月底前完成。")
    held_on = datetime.date(2012, 6, 20)
    towns = set()
    for row in LANSHAN_LEDGER:
        organization = Organization.objects.get(code=row.code)
        grading = Grading.objects.get(cycle=cycle, organization=organization)
        services.step_record(actor=admin, grading=grading, step="self_assessment", held_on=held_on,
                             grade=row.declared_grade, notes="支部申报定级类别")
        services.grading_submit(actor=admin, grading=grading)
        reason = "" if row.superior_grade == row.declared_grade else "上级党组织审核定级：村级活动场所建设进度慢"
        services.grading_decide(actor=admin, grading=grading, grade=row.superior_grade, reason=reason)
        towns.add(organization.parent)
    for town in sorted(towns, key=lambda org: org.code):
        level_list = services.level_list_submit(actor=admin, cycle=cycle, level=town)
        services.level_list_approve(actor=admin, level_list=level_list)
    return True


def _chenghua_this_year(admin, year: int) -> bool:
    district = Organization.objects.filter(code=CHENGHUA_DISTRICT).first()
    if district is None or Cycle.objects.filter(owner=district, year=year).exists():
        return False
    sectors = sorted(set(Organization.objects.subtree(district.path).exclude(pk=district.pk).active()
                         .values_list("sector", flat=True)) & set(DEFAULTS))
    standards = {}
    for sector in sectors:
        standards[sector] = (Standard.objects.filter(issuer=district, sector=sector, year=year).first()
                             or standard_services.standard_create_default(actor=admin, issuer=district, sector=sector,
                                                                          year=year))
    today = timezone.localdate()
    deadlines = {step: (today + datetime.timedelta(days=days)).isoformat() for step, days in (
        ("public_rating", 14), ("member_review", 21), ("self_assessment", 28), ("meeting_review", 35),
        ("superior_decision", 49), ("approval", 63))}
    services.cycle_open(
        actor=admin, owner=district, year=year, name=f"成华区{year}年“三分类三升级”活动", preset="chenghua",
        standards=standards, deadlines=deadlines,
        list_deadlines={"1": (today + datetime.timedelta(days=56)).isoformat()},
        notice="各街道党工委、各系统党委、区直机关工委：请按照群众初评、党员评议、组织自评、党员群众会议审议、"
               "上级党组织评定的程序评定分类级次，按期将分类名单报区委组织部审核。", survey_enabled=True)
    return True


@transaction.atomic
def demo_cycles_load(*, admin, year: int | None = None) -> list[str]:
    """Open the demo cycles that are missing; returns the names of those opened."""
    year = year or timezone.localdate().year
    opened = []
    if _lanshan_2012(admin):
        opened.append("蓝山县2012年基层党组织分类定级晋位升级")
    if _chenghua_this_year(admin, year):
        opened.append(f"成华区{year}年“三分类三升级”活动")
    return opened
