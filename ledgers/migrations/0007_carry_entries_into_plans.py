"""The ledger's free-text rectification entries go: their text moves into the organizations' plans.

Each entry with any text becomes an audit event of its organization that keeps every field as typed
("ledger.entry_moved"), so nothing is lost. Where the organization's plan of the cycle is a draft without
measures (or there is no plan), the entry becomes its content: the target grade, one measure per item of
整改措施 with the entry's 整改时限, 帮扶单位, 联系领导 and 整改责任人, each answering a problem of the year's
存在问题 (the last one taking the rest). A plan already with measures, with its superior or approved keeps
what it has: its own content is what the ledger shows from now on. The plans' kept-current counts move with
what is added, as rectification.tallies would move them.
"""

import datetime
import re

from django.db import migrations
from django.db.models import F

NUMBERED = re.compile(r"^\s*[(（]?\d+[)）]?[、.．]\s*")
ITEM_SPLIT = re.compile(r"[；;]\s*|\n+")
FIELDS = ("target_grade", "measures", "deadline", "deadline_text", "assisting_unit", "liaison_leader",
          "responsible_person")
FALLBACK_PROBLEM = "台账中的整改情况"
FALLBACK_PERSON = "未填写"


def items(text: str) -> list[str]:
    found = (NUMBERED.sub("", part).strip().rstrip("；;。").strip() for part in ITEM_SPLIT.split(text or ""))
    return [item for item in found if item]


def levels_above(organization):
    """The levels that count the organization's plan: its ancestors inside the cycle's subtree."""
    levels, parent = [], organization.parent
    while parent is not None:
        levels.append(parent)
        parent = parent.parent
    return levels


def carry(apps, schema_editor):
    LedgerEntry = apps.get_model("ledgers", "LedgerEntry")
    Plan = apps.get_model("rectification", "Plan")
    Problem = apps.get_model("rectification", "Problem")
    Measure = apps.get_model("rectification", "Measure")
    Supporter = apps.get_model("rectification", "Supporter")
    Tally = apps.get_model("rectification", "Tally")
    Grading = apps.get_model("cycles", "Grading")
    OrganizationFacts = apps.get_model("orgs", "OrganizationFacts")
    AuditEvent = apps.get_model("core", "AuditEvent")

    def count(cycle, organization, keys):
        for level in levels_above(organization):
            if not level.path.startswith(cycle.owner.path):
                continue
            for dimension, key in keys:
                tally, _created = Tally.objects.get_or_create(cycle=cycle, organization=level, dimension=dimension,
                                                              key=key)
                Tally.objects.filter(pk=tally.pk).update(count=F("count") + 1)

    def supporter(owner, kind, name, user_id):
        if not name:
            return None
        found, _created = Supporter.objects.get_or_create(owner=owner, kind=kind, name=name[:100],
                                                          defaults={"created_by_id": user_id})
        return found

    for entry in LedgerEntry.objects.select_related("cycle__owner", "organization__parent").order_by("pk").iterator():
        typed = {name: getattr(entry, name) for name in FIELDS}
        if not any(typed.values()):
            continue
        cycle, organization = entry.cycle, entry.organization
        kept = {name: value.isoformat() if isinstance(value, datetime.date) else value for name, value in typed.items()}
        plan, measures = None, 0
        inside = organization.pk != cycle.owner_id and organization.path.startswith(cycle.owner.path)
        if inside:
            plan = Plan.objects.filter(cycle=cycle, organization=organization).first()
            if plan is None:
                grading = Grading.objects.filter(cycle=cycle, organization=organization,
                                                 state__in=["decided", "approved"]).first()
                plan = Plan.objects.create(cycle=cycle, organization=organization,
                                           current_grade=grading.final_grade if grading else "")
                count(cycle, organization, [("plan", plan.state)])
            editable = plan.state in ("draft", "returned") and not Measure.objects.filter(plan=plan).exists()
            if editable and entry.target_grade and not plan.target_grade:
                plan.target_grade = entry.target_grade
                plan.save(update_fields=["target_grade"])
            texts = items(entry.measures)
            if editable and texts:
                facts = OrganizationFacts.objects.filter(organization=organization, year=cycle.year).first()
                titles = items(facts.problems if facts else "") or [FALLBACK_PROBLEM]
                owner = organization.parent or organization
                unit = supporter(owner, "unit", entry.assisting_unit, entry.updated_by_id)
                leader = supporter(owner, "leader", entry.liaison_leader, entry.updated_by_id)
                deadline = entry.deadline or datetime.date(cycle.year, 12, 31)
                start = Problem.objects.filter(plan=plan).count()
                problems = []
                for number, title in enumerate(titles[:len(texts)], 1):
                    problems.append(Problem.objects.create(
                        plan=plan, position=start + number, title=title[:200], source="survey",
                        description=entry.measures if title == FALLBACK_PROBLEM else "",
                        created_by_id=entry.updated_by_id))
                for number, text in enumerate(texts):
                    Measure.objects.create(
                        plan=plan, problem=problems[min(number, len(problems) - 1)], position=number + 1, text=text,
                        responsible_person=(entry.responsible_person or organization.secretary
                                            or FALLBACK_PERSON)[:64],
                        deadline=deadline, assisting_unit=unit, liaison_leader=leader)
                    count(cycle, organization, [("measure", "planned"), ("due", deadline.isoformat())])
                measures = len(texts)
        AuditEvent.objects.create(
            actor_id=entry.updated_by_id, organization=organization, object_type="ledgers.ledgerentry",
            object_id=str(entry.pk), object_repr=f"{organization.name}"[:255], action="ledger.entry_moved",
            before=kept, after={"plan": plan.pk if plan else None, "measures_added": measures},
            reason="台账的整改情况改由升级办法填写")


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_task_workers_and_running_jobs"),
        ("ledgers", "0006_ledger_jobs_run_by_workers"),
        ("rectification", "0001_plans_problems_measures_evidence_tallies"),
    ]

    operations = [migrations.RunPython(carry, migrations.RunPython.noop)]
