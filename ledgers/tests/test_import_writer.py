"""The commit writes its rows in batches while it still checks the rows after them. With batches of
one or two rows, the Lanshan sample's five rows go out in several batches before the file is fully
checked: every row still arrives, new or changed, and a problem found after some batches were
written still leaves nothing written."""

import pytest

from core.models import AuditEvent
from core.tests.test_workbooks import cut_reader
from ledgers.importing import ImportRefused, ledger_import_commit, writing
from ledgers.tests.files.builders import build_lanshan
from ledgers.tests.files.lanshan import ROWS, lanshan_xlsx, workbook_bytes
from orgs.models import Organization, OrganizationFacts
from rectification.models import Measure, Plan


@pytest.fixture
def lanshan(db, monkeypatch):
    monkeypatch.setattr(writing, "BATCH_SIZE", 2)
    return build_lanshan()


def commit(lanshan, content: bytes):
    cycle, county, admin, _orgs = lanshan
    return ledger_import_commit(actor=admin, cycle=cycle, level=county, filename="台账.xlsx", content=content)


def test_rows_written_in_batches_while_others_are_checked_all_arrive_new_or_changed(lanshan):
    cycle, county, _admin, _orgs = lanshan
    counts = commit(lanshan, lanshan_xlsx())
    assert (counts["facts_new"], counts["plans_new"], counts["organizations_changed"]) == (5, 5, 5)
    assert OrganizationFacts.objects.filter(year=2012).count() == 5
    assert Plan.objects.filter(cycle=cycle).count() == 5
    assert Organization.objects.get(code="431127-01-001").secretary == "廖仁旺"
    assert AuditEvent.objects.filter(action="organization.update").count() == 5

    # Changed again: the same upserts update what the first import wrote.
    rows = [list(row) for row in ROWS]
    for row in rows:
        if len(row) > 1:  # not the group row 土市乡
            row[4] = 9  # 流动党员
            row[13] = "县委办"  # 帮扶单位
    counts = commit(lanshan, workbook_bytes(rows))
    assert (counts["facts_changed"], counts["plans_changed"], counts["organizations_changed"]) == (5, 5, 0)
    assert set(OrganizationFacts.objects.filter(year=2012).values_list("mobile_members", flat=True)) == {9}
    assert set(Measure.objects.filter(plan__cycle=cycle).values_list("assisting_unit__name", flat=True)) == {"县委办"}
    assert Plan.objects.filter(cycle=cycle).count() == 5
    assert OrganizationFacts.objects.filter(year=2012).count() == 5  # updated, not added
    assert AuditEvent.objects.filter(action="organization.update").count() == 5


def test_a_problem_found_after_batches_were_written_leaves_nothing_written(lanshan, monkeypatch):
    monkeypatch.setattr(writing, "BATCH_SIZE", 1)
    rows = [list(row) for row in ROWS]
    rows[-1][4] = "很多"  # the last row's 流动党员 is not a number
    with pytest.raises(ImportRefused) as refused:
        commit(lanshan, workbook_bytes(rows))
    assert [(problem["row"], problem["column"]) for problem in refused.value.problems] == [(9, "E")]
    assert not OrganizationFacts.objects.exists() and not Plan.objects.exists()
    assert not Organization.objects.exclude(secretary="").exists()
    assert not AuditEvent.objects.filter(action__in=["organization.update", "ledger.import"]).exists()


def test_a_reader_that_dies_leaves_nothing_written(lanshan, monkeypatch, tmp_path):
    cut_reader(monkeypatch, tmp_path, writes=1)
    with pytest.raises(ImportRefused) as refused:
        commit(lanshan, lanshan_xlsx())
    assert [problem["row"] for problem in refused.value.problems] == [None]
    assert not OrganizationFacts.objects.exists() and not Plan.objects.exists()
    assert not Organization.objects.exclude(secretary="").exists()
