"""The Lanshan sample typed into a workbook in its printed layout imports into the demo county loaded by
``manage.py load_demo``: the ledger rows then read as the sample, and importing it again changes nothing."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from cycles.models import Cycle
from ledgers.importing import ledger_import_commit, ledger_import_preview
from ledgers.models import LedgerEntry
from ledgers.selectors import ledger_rows
from ledgers.tests.files.lanshan import lanshan_xlsx
from orgs.demo import LANSHAN_COUNTY, LANSHAN_FACTS, LANSHAN_LEDGER, LANSHAN_ORGANIZATIONS
from orgs.models import Organization


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
    LedgerEntry.objects.filter(cycle=cycle).delete()  # the demo writes the sample's entries; the file brings them back
    checked = ledger_import_preview(actor=admin, cycle=cycle, level=county, filename="蓝山县台账.xlsx",
                                    content=lanshan_xlsx())
    assert checked.problems == []
    # The demo holds the sample's facts and secretaries already; the file adds the rectification columns.
    assert (checked.counts["matched"], checked.counts["facts_new"], checked.counts["facts_changed"],
            checked.counts["organizations_changed"], checked.counts["entries_new"]) == (5, 0, 0, 0, 5)
    ledger_import_commit(actor=admin, cycle=cycle, level=county, filename="蓝山县台账.xlsx", content=lanshan_xlsx())

    rows = {row.code: row for row in ledger_rows(cycle=cycle, organization=county) if not row.is_group}
    assert set(rows) == {sample.code for sample in LANSHAN_LEDGER}
    for sample in LANSHAN_LEDGER:
        row = rows[sample.code]
        assert (row.declared_grade, row.superior_grade, row.target_grade, row.measures, row.deadline_text,
                row.deadline, row.assisting_unit, row.liaison_leader, row.responsible_person) == (
            sample.declared_grade, sample.superior_grade, sample.target_grade, sample.measures, sample.deadline_text,
            sample.deadline, sample.assisting_unit, sample.liaison_leader, sample.responsible_person)
    for facts in LANSHAN_FACTS:
        assert {name: getattr(rows[facts.code], name) for name in facts.fields()} == facts.fields()
    for organization in LANSHAN_ORGANIZATIONS:
        if organization.secretary:
            assert rows[organization.code].secretary == organization.secretary

    again = ledger_import_preview(actor=admin, cycle=cycle, level=county, filename="蓝山县台账.xlsx",
                                  content=lanshan_xlsx())
    assert again.counts["unchanged"] == 5 and again.problems == []
