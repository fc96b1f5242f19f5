"""The commit writes its rows in batches while it still checks the rows after them (on PostgreSQL
from a thread of its own). With batches of one or two rows, the Lanshan sample's five rows go out
in several batches before the file is fully checked: every row still arrives, a problem found
after some batches were sent still leaves nothing written, and a database error in the writer
still reaches the import."""

import pytest
from django.db import IntegrityError, transaction

from ledgers import importing
from ledgers.importing import EMPTY_FACTS, ImportRefused, RowPlan, ledger_import_commit
from ledgers.models import LedgerEntry
from ledgers.tests.files.builders import build_lanshan
from ledgers.tests.files.lanshan import ROWS, lanshan_xlsx, workbook_bytes
from orgs.models import Organization, OrganizationFacts


@pytest.fixture
def lanshan(db, monkeypatch):
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)
    return build_lanshan()


def commit(lanshan, content: bytes):
    cycle, county, admin, _orgs = lanshan
    return ledger_import_commit(actor=admin, cycle=cycle, level=county, filename="台账.xlsx", content=content)


def test_rows_sent_in_batches_while_others_are_checked_all_arrive_new_or_changed(lanshan):
    cycle, county, _admin, _orgs = lanshan
    counts = commit(lanshan, lanshan_xlsx())
    assert (counts["facts_new"], counts["entries_new"], counts["organizations_changed"]) == (5, 5, 5)
    assert OrganizationFacts.objects.filter(year=2012).count() == 5
    assert LedgerEntry.objects.filter(cycle=cycle).count() == 5
    assert Organization.objects.get(code="431127-01-001").secretary == "廖仁旺"

    # Changed again: updates, through PostgreSQL's temporary tables, in batches too.
    rows = [list(row) for row in ROWS]
    for row in rows:
        if len(row) > 1:  # not the group row 土市乡
            row[4] = 9  # 流动党员
            row[13] = "县委办"  # 帮扶单位
    counts = commit(lanshan, workbook_bytes(rows))
    assert (counts["facts_changed"], counts["entries_changed"]) == (5, 5)
    assert set(OrganizationFacts.objects.filter(year=2012).values_list("mobile_members", flat=True)) == {9}
    assert set(LedgerEntry.objects.filter(cycle=cycle).values_list("assisting_unit", flat=True)) == {"县委办"}


def test_a_problem_found_after_batches_were_sent_leaves_nothing_written(lanshan, monkeypatch):
    monkeypatch.setattr(importing, "BATCH_SIZE", 1)
    rows = [list(row) for row in ROWS]
    rows[-1][4] = "很多"  # the last row's 流动党员 is not a number
    with pytest.raises(ImportRefused) as refused:
        commit(lanshan, workbook_bytes(rows))
    assert [(problem["row"], problem["column"]) for problem in refused.value.problems] == [(9, "E")]
    assert not OrganizationFacts.objects.exists() and not LedgerEntry.objects.exists()
    assert not Organization.objects.exclude(secretary="").exists()


def test_a_database_error_in_the_writer_reaches_the_import_and_nothing_is_written(lanshan, monkeypatch):
    monkeypatch.setattr(importing, "BATCH_SIZE", 1)
    cycle, county, admin, _orgs = lanshan
    target = importing._targets(cycle, county)[-1]
    # The same organization's facts twice: the second batch breaks the one-per-year constraint.
    plan = RowPlan(row=4, target=target, facts=EMPTY_FACTS | {"members_total": 10})
    with pytest.raises(IntegrityError), transaction.atomic():
        with importing._Writer(actor=admin, cycle=cycle) as writer:
            writer.add(plan)
            writer.add(plan)
            writer.finish()
    assert not OrganizationFacts.objects.exists()


def test_a_reader_that_ends_after_the_rows_were_sent_leaves_nothing_written(lanshan, monkeypatch, tmp_path):
    # The sample's rows all come in the sheets' first frame and go out one batch each; then the
    # reader ends in the middle of its next frame, before its error cells: the file is refused.
    from ledgers import reading
    from ledgers.tests.test_reading import CUT_READER

    monkeypatch.setattr(importing, "BATCH_SIZE", 1)
    script = tmp_path / "cut_reader.py"
    script.write_text(CUT_READER % str(reading.READER))
    monkeypatch.setattr(reading, "READER", script)
    monkeypatch.setenv("JINWEI_TEST_CUT_AFTER", "2")
    with pytest.raises(ImportRefused) as refused:
        commit(lanshan, lanshan_xlsx())
    assert [problem["row"] for problem in refused.value.problems] == [None]
    assert not OrganizationFacts.objects.exists() and not LedgerEntry.objects.exists()
    assert not Organization.objects.exclude(secretary="").exists()
