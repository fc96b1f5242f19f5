"""Fixtures built in code for the import tests: the Lanshan county of the sample with its 2012 cycle
(no facts, no secretaries, no ledger entries yet), and a ledger written from ``ledger_rows`` the way
an export lays it out (the sample's columns, group rows for levels, 组织代码 last)."""

import io

import openpyxl

from cycles import demo as cycles_demo
from cycles.models import Cycle
from ledgers.columns import CODE_COLUMN, HUNAN_COLUMNS
from ledgers.selectors import ledger_rows
from orgs import services as org_services
from orgs.choices import Role
from orgs.demo import LANSHAN_COUNTY, LANSHAN_ORGANIZATIONS
from orgs.models import Organization
from orgs.testing import make_user, system_user
from standards.choices import Grade


def build_lanshan():
    """The Lanshan organizations without the facts and secretaries the sample gives, its 2012 cycle run
    with the sample's grades, and an administrator of the county."""
    admin = system_user()
    created: dict[str, Organization] = {}
    for demo in LANSHAN_ORGANIZATIONS:
        created[demo.code] = org_services.organization_create(
            actor=admin, parent=created.get(demo.parent_code), name=demo.name, code=demo.code, kind=demo.kind,
            sector=demo.sector, short_name=demo.short_name)
    cycles_demo._lanshan_2012(admin)
    county = created[LANSHAN_COUNTY]
    cycle = Cycle.objects.get(owner=county, year=2012)
    county_admin = make_user("lanshan_admin", roles=[(county, Role.ADMIN)])
    return cycle, county, county_admin, created


def _grade(code: str) -> str:
    return str(Grade(code).label) if code else ""


def export_rows(cycle, organization) -> list[list]:
    """The ledger as rows of the sample's columns plus the code: a level is a group row (name and code alone)."""
    rows = []
    for row in ledger_rows(cycle=cycle, organization=organization):
        if row.is_group:
            rows.append([row.name] + [""] * (len(HUNAN_COLUMNS) - 1) + [row.code])
            continue
        rows.append([row.name, row.secretary, row.first_secretary, row.basic_facts,
                     "" if row.mobile_members is None else row.mobile_members, row.venue, row.main_features,
                     row.problems, _grade(row.declared_grade), _grade(row.superior_grade), _grade(row.target_grade),
                     row.measures, row.deadline_display, row.assisting_unit, row.liaison_leader,
                     row.responsible_person, row.code])
    return rows


def export_xlsx(cycle, organization) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([f"{organization.name}基层党组织分类定级晋位升级目标管理工作台账"])
    sheet.append([column.header for column in HUNAN_COLUMNS] + [CODE_COLUMN.header])
    for row in export_rows(cycle, organization):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
