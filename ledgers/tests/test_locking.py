"""An import and the edits under its level run one after the other, so neither writes over the other
with what it read before: real threads on real connections, on PostgreSQL (row locks) and on SQLite
(one write transaction at a time)."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from ledgers.importing import ledger_import_commit
from ledgers.tests.files.builders import build_lanshan
from ledgers.tests.files.lanshan import lanshan_xlsx
from orgs import services as org_services
from orgs.demo import MAOJUN
from orgs.models import OrganizationFacts

pytestmark = pytest.mark.django_db(transaction=True)


def in_thread(call, outcome: dict, key: str) -> threading.Thread:
    def run():
        try:
            outcome[key] = call()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test looks at
            outcome[key] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def import_paused(outcome: dict):
    """The Lanshan ledger's import into its county, in a thread, held once it has locked its level and
    is checking or writing rows; set the returned event to let it go on."""
    cycle, county, admin, orgs = build_lanshan()
    inside, release = threading.Event(), threading.Event()

    def pause_once(done, total):
        if not inside.is_set():
            inside.set()
            release.wait(20)

    importer = in_thread(lambda: ledger_import_commit(actor=admin, cycle=cycle, level=county, filename="台账.xlsx",
                                                      content=lanshan_xlsx(), progress=pause_once), outcome, "import")
    assert inside.wait(20)
    return cycle, admin, orgs[MAOJUN], importer, release


def edit_facts(admin, cycle, maojun):
    return org_services.facts_save(actor=admin, organization=maojun, year=cycle.year, members_total=30,
                                   main_features="秘书处改过的特点")


def test_facts_edited_during_an_import_wait_and_are_kept():
    outcome = {}
    cycle, admin, maojun, importer, release = import_paused(outcome)
    editor = in_thread(lambda: edit_facts(admin, cycle, maojun), outcome, "edit")
    time.sleep(0.5)
    assert editor.is_alive(), outcome  # the edit waits for the import
    release.set()
    importer.join(30)
    editor.join(30)
    assert isinstance(outcome["import"], dict), outcome
    assert isinstance(outcome["edit"], OrganizationFacts), outcome
    # The edit ran after the import, on what the import wrote: the import did not overwrite it.
    assert OrganizationFacts.objects.get(year=cycle.year, organization=maojun).main_features == "秘书处改过的特点"


def test_an_edit_that_waits_too_long_for_an_import_is_asked_to_try_again(settings):
    """PostgreSQL: a change waits for a lock at most LOCK_WAIT_SECONDS, then the person is told to
    try again (in Chinese, naming the organization) and nothing of theirs is written; the import goes on.
    SQLite runs one write transaction at a time and waits with its busy timeout instead."""
    if connection.vendor != "postgresql":
        pytest.skip("lock_timeout is PostgreSQL's")
    settings.LOCK_WAIT_SECONDS = 1
    outcome = {}
    cycle, admin, maojun, importer, release = import_paused(outcome)
    started = time.monotonic()
    editor = in_thread(lambda: edit_facts(admin, cycle, maojun), outcome, "edit")
    editor.join(10)
    waited = time.monotonic() - started
    release.set()
    importer.join(30)
    assert isinstance(outcome["edit"], ValidationError), outcome
    assert maojun.name in outcome["edit"].messages[0] and "请稍后再试" in outcome["edit"].messages[0]
    assert 1 <= waited < 5
    assert isinstance(outcome["import"], dict), outcome
    assert not OrganizationFacts.objects.filter(year=cycle.year, organization=maojun, main_features="秘书处改过的特点").exists()
