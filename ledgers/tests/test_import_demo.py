"""The Lanshan sample typed into a workbook in its printed layout imports into the demo county loaded by
``manage.py load_demo``: the ledger rows then read as the sample, and importing it again changes nothing."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from cycles.models import Cycle
from ledgers.importing import ledger_import_commit, ledger_import_preview
from ledgers.selectors import ledger_rows
from ledgers.tests.files.lanshan import ROWS, lanshan_xlsx, workbook_bytes
from orgs.demo import LANSHAN_COUNTY, LANSHAN_FACTS, LANSHAN_LEDGER, LANSHAN_ORGANIZATIONS
from orgs.models import Organization
from rectification import rules
from rectification.models import Plan


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once, in an outer transaction rolled back after the module (as cycles/tests/test_demo.py)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_sample_imports_into_the_demo_county_and_reads_back_as_the_sample(demo):
    county = Organization.objects.get(code=LANSHAN_COUNTY)
    cycle = Cycle.objects.get(owner=county, year=2012)
    admin = get_user_model().objects.get(username="admin")
    checked = ledger_import_preview(actor=admin, cycle=cycle, level=county, filename="蓝山县台账.xlsx",
                                    content=lanshan_xlsx())
    assert checked.problems == []
    # The demo holds the sample's facts, secretaries and (approved) plans already: the file changes nothing.
    assert (checked.counts["matched"], checked.counts["unchanged"], checked.counts["plans_changed"]) == (5, 5, 0)
    ledger_import_commit(actor=admin, cycle=cycle, level=county, filename="蓝山县台账.xlsx", content=lanshan_xlsx())

    rows = {row.code: row for row in ledger_rows(cycle=cycle, organization=county) if not row.is_group}
    assert set(rows) == {sample.code for sample in LANSHAN_LEDGER}
    for sample in LANSHAN_LEDGER:
        row = rows[sample.code]
        assert (row.declared_grade, row.superior_grade, row.target_grade, rules.ledger_items(row.measures),
                row.deadline_display, row.deadline, row.assisting_unit, row.liaison_leader, row.responsible_person) == (
            sample.declared_grade, sample.superior_grade, sample.target_grade, rules.ledger_items(sample.measures),
            sample.deadline_text, sample.deadline, sample.assisting_unit, sample.liaison_leader,
            sample.responsible_person)
    for facts in LANSHAN_FACTS:
        assert {name: getattr(rows[facts.code], name) for name in facts.fields()} == facts.fields()
    for organization in LANSHAN_ORGANIZATIONS:
        if organization.secretary:
            assert rows[organization.code].secretary == organization.secretary

    again = ledger_import_preview(actor=admin, cycle=cycle, level=county, filename="蓝山县台账.xlsx",
                                  content=lanshan_xlsx())
    assert again.counts["unchanged"] == 5 and again.problems == []


@pytest.mark.django_db
def test_a_changed_rectification_cell_of_an_approved_plan_is_a_problem_at_its_cell(demo):
    """The demo's Lanshan plans are approved: a ledger cannot change them behind their superior's back."""
    county = Organization.objects.get(code=LANSHAN_COUNTY)
    cycle = Cycle.objects.get(owner=county, year=2012)
    admin = get_user_model().objects.get(username="admin")
    rows = [list(row) for row in ROWS]
    rows[0][14] = "唐辉"  # 毛俊村's 联系领导 (row 4, column O)
    checked = ledger_import_preview(actor=admin, cycle=cycle, level=county, filename="蓝山县台账.xlsx",
                                    content=workbook_bytes(rows))
    assert [(p.row, p.column, p.header, p.blocking) for p in checked.problems] == [(4, "O", "联系领导", True)]
    assert "修订" in checked.problems[0].message or "revision" in checked.problems[0].message
    plan = Plan.objects.get(cycle=cycle, organization__code="431127-01-001")
    assert plan.state == "approved" and not plan.measures.filter(liaison_leader__name="唐辉").exists()
