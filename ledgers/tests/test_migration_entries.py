"""The migration that removes the ledger's free-text entries keeps what people typed: as an audit event
of the organization, and as the content of a plan that had no measures yet."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cycles import services as cycle_services
from orgs.testing import build_world

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("ledgers", "0006_ledger_jobs_run_by_workers")]
AFTER = [("ledgers", "0008_drop_ledger_entries")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_entries_become_plans_and_audit_events():
    world = build_world()
    cycle = cycle_services.cycle_open(actor=world.county_admin, owner=world.county, year=2026, name="2026年分类定级")
    old = migrate(BEFORE)
    Entry = old.get_model("ledgers", "LedgerEntry")
    Facts = old.get_model("orgs", "OrganizationFacts")
    Facts.objects.create(organization_id=world.branch_a1.pk, year=2026, members_total=30, problems="1、阵地小；\n2、党员老化。")
    Entry.objects.create(cycle_id=cycle.pk, organization_id=world.branch_a1.pk, target_grade="advanced",
                         measures="1、建好阵地；\n2、发展青年党员。", deadline=datetime.date(2026, 10, 31),
                         deadline_text="2026年10月", assisting_unit="县检察院", liaison_leader="杨书郎",
                         responsible_person="黄玉生", updated_by_id=world.admin_a.pk)
    Entry.objects.create(cycle_id=cycle.pk, organization_id=world.branch_a2.pk, liaison_leader="曾强生",
                         updated_by_id=world.admin_a.pk)
    new = migrate(AFTER)
    Plan, Measure = new.get_model("rectification", "Plan"), new.get_model("rectification", "Measure")
    Event, Tally = new.get_model("core", "AuditEvent"), new.get_model("rectification", "Tally")
    plan = Plan.objects.get(cycle_id=cycle.pk, organization_id=world.branch_a1.pk)
    assert (plan.state, plan.target_grade) == ("draft", "advanced")
    measures = list(Measure.objects.filter(plan=plan).order_by("position").select_related(
        "problem", "assisting_unit", "liaison_leader"))
    assert [(m.text, m.problem.title, m.responsible_person, m.deadline, m.assisting_unit.name, m.liaison_leader.name)
            for m in measures] == [
        ("建好阵地", "阵地小", "黄玉生", datetime.date(2026, 10, 31), "县检察院", "杨书郎"),
        ("发展青年党员", "党员老化", "黄玉生", datetime.date(2026, 10, 31), "县检察院", "杨书郎")]
    events = {e.organization_id: e for e in Event.objects.filter(action="ledger.entry_moved")}
    assert events[world.branch_a1.pk].before["deadline_text"] == "2026年10月"
    assert events[world.branch_a2.pk].before["liaison_leader"] == "曾强生"  # no measures: kept in the audit
    assert Tally.objects.get(cycle_id=cycle.pk, organization_id=world.town_a.pk, dimension="measure",
                             key="planned").count == 2
    assert Tally.objects.get(cycle_id=cycle.pk, organization_id=world.county.pk, dimension="plan", key="draft").count == 2
