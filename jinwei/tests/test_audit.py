"""The audit reads as sentences: every action of every app has a label, every value a field's label and words."""

import ast
import datetime
import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from ballots import services as ballot_services
from ballots.tests.factories import issue_and_open, make_session
from core import audit
from core.models import AuditEvent
from cycles import services as cycle_services
from cycles.choices import PRESETS
from cycles.models import Grading
from orgs import services as org_services
from standards import services as standard_services
from standards.tests.factories import make_standard

ROOT = Path(settings.BASE_DIR)
# An action code written as an f-string names, for each placeholder, the choices it runs over.
PLACEHOLDER_CHOICES = {"step": ("cycles.choices", "Step")}


def _source_files():
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in (".venv", "bench", "artifacts", "data") or "tests" in parts or "migrations" in parts:
            continue
        yield path


def action_codes_in_the_source() -> dict[str, list[str]]:
    """Every action code the code writes or reads (``action="…"`` in any call), with each place it is written."""
    codes: dict[str, list[str]] = {}
    for path in _source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or getattr(node.func, "attr", None) == "add_argument":
                continue
            for keyword in node.keywords:
                where = f"{path.relative_to(ROOT)}:{keyword.value.lineno}"
                if keyword.arg != "action":
                    continue
                if isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str):
                    codes.setdefault(keyword.value.value, []).append(where)
                elif isinstance(keyword.value, ast.JoinedStr):
                    literal = [part.value for part in keyword.value.values if isinstance(part, ast.Constant)]
                    names = [part.value.id for part in keyword.value.values if isinstance(part, ast.FormattedValue)]
                    assert len(names) == 1 and names[0] in PLACEHOLDER_CHOICES and len(literal) == 1, (
                        f"{where}: say in PLACEHOLDER_CHOICES which choices the action code's placeholder runs over")
                    module, name = PLACEHOLDER_CHOICES[names[0]]
                    for value in getattr(importlib.import_module(module), name).values:
                        codes.setdefault(literal[0] + value, []).append(where)
    return codes


def test_every_action_written_in_the_code_has_a_label():
    codes = action_codes_in_the_source()
    assert {"sheet.deduct", "ballot.close", "step.meeting_review", "ledger.import", "user.create"} <= set(codes)
    labels = audit.action_labels()
    missing = {code: where for code, where in codes.items() if code not in labels}
    assert not missing, f"audit actions without a label in their app's audit_actions: {missing}"
    assert all(str(labels[code]) != code for code in codes)


def test_each_app_declares_its_own_actions():
    owners = {}
    for config in apps.get_app_configs():
        for code in getattr(config, "audit_actions", {}):
            assert code not in owners, f"{code} is declared by {owners[code]} and {config.name}"
            owners[code] = config.name
    assert owners["sheet.deduct"] == "standards" and owners["ballot.close"] == "ballots"
    assert owners["step.public_rating"] == "cycles" and owners["ledger.import"] == "ledgers"
    assert owners["organization.move"] == "orgs"
    written_elsewhere = {code: where for code, places in action_codes_in_the_source().items() for where in places
                         if owners.get(code) != Path(where).parts[0]}
    assert not written_elsewhere, f"actions written outside the app that declares them: {written_elsewhere}"
    assert not getattr(apps.get_app_config("core"), "audit_actions", None)  # core names no app's actions


@pytest.mark.django_db
def test_a_year_of_events_reads_in_words(client, world):
    for user, name in ((world.secretary_a1, "廖仁旺"), (world.admin_a, "王晓燕"), (world.reviewer_a, "陈立新"),
                       (world.county_admin, "李红")):
        user.first_name = name
        user.save()
    AuditEvent.objects.all().delete()  # the world's own events were written before these people had names
    today = timezone.localdate()
    org_services.organization_update(actor=world.admin_a, organization=world.branch_a1, secretary="廖仁旺")
    org_services.role_assignment_create(actor=world.admin_a, user=world.reviewer_a, organization=world.branch_a1,
                                        role="reviewer")
    standard = make_standard(world.county_admin, world.county)
    cycle = cycle_services.cycle_open(actor=world.county_admin, owner=world.county, year=2026, name="2026年分类定级",
                                      standards={"village": standard}, preset="chenghua",
                                      deadlines={step: today + datetime.timedelta(days=30) for step in PRESETS["chenghua"]})
    grading = Grading.objects.get(cycle=cycle, organization=world.branch_a1)
    sheet = standard_services.score_sheet_open(actor=world.secretary_a1, organization=world.branch_a1,
                                               standard=standard, assessor_kind="self")
    item = standard.indicators.get(position=2).items.get()
    deduction = standard_services.deduction_add(actor=world.secretary_a1, sheet=sheet, item=item, reason="任务未完成")
    standard_services.deduction_remove(actor=world.secretary_a1, deduction=deduction)
    rating = make_session(world.secretary_a1, world.branch_a1, purpose="public_rating", grading=grading)
    for code, answer in zip(issue_and_open(actor=world.secretary_a1, session=rating, count=3),
                            ["advanced", "advanced", "average"], strict=True):
        ballot_services.ballot_cast(session_id=rating.pk, code=code, answer=answer)
    tally = ballot_services.paper_tally_enter(actor=world.secretary_a1, session=rating, counts={"advanced": 2})
    ballot_services.paper_tally_confirm(actor=world.admin_a, tally=tally)
    ballot_services.session_close(actor=world.reviewer_a, session=rating)
    survey = make_session(world.secretary_a1, world.branch_a1, grading=grading)
    for code, answer in zip(issue_and_open(actor=world.secretary_a1, session=survey, count=2),
                            ["satisfied", "dissatisfied"], strict=True):
        ballot_services.ballot_cast(session_id=survey.pk, code=code, answer=answer)
    ballot_services.session_close(actor=world.reviewer_a, session=survey)
    cycle_services.step_record(actor=world.secretary_a1, grading=grading, step="member_review", held_on=today,
                               participants=20, grade="advanced")
    cycle_services.step_record(actor=world.secretary_a1, grading=grading, step="self_assessment", held_on=today)
    meeting = make_session(world.secretary_a1, world.branch_a1, purpose="meeting_review", grading=grading)
    ballot_services.session_close(actor=world.reviewer_a, session=meeting)  # void: no ballot
    cycle_services.step_record(actor=world.secretary_a1, grading=grading, step="meeting_review", held_on=today,
                               participants=30, votes={"agree": 28, "disagree": 1, "abstain": 1})
    cycle_services.grading_submit(actor=world.secretary_a1, grading=grading)
    cycle_services.grading_decide(actor=world.reviewer_a, grading=grading, grade="lagging", reason="满意度不达标")
    cycle_services.cycle_update(actor=world.county_admin, cycle=cycle, reason="延期",
                                deadlines={**cycle.deadlines, "self_assessment": today + datetime.timedelta(days=40)})

    events = list(AuditEvent.objects.all())
    assert {"ballot.close", "ballot.paper_confirm", "step.meeting_review", "satisfaction.record", "sheet.data_veto",
            "grading.decide", "cycle.update", "role.assign"} <= {event.action for event in events}
    for event in events:
        assert event.action_label != event.action, event.action
        assert audit.audit_unknown_keys(event) == [], (event.action, event.before, event.after)

    client.force_login(world.county_admin)
    page = client.get(reverse("orgs:audit", args=[world.branch_a1.pk])).content.decode()
    table = page[page.index('<table class="audit">'):]
    # Field labels, choice labels and full names; no code names, raw values or login names.
    for raw in ("final_grade", "declared_grade", "quorum_met", "advanced", "lagging", "meeting_review", "agree",
                "0.5000", "secretary_a1", "reviewer_a", "True", "False", "None"):
        assert raw not in table, raw
    text = re.sub(r"<[^>]+>", "", table)
    for words in ("廖仁旺", "陈立新", "王晓燕", "填报步骤：党员群众会议审议", "上级党组织评定等次 后进", "满意度 50%", "同意 28",
                  "无效：未投出选票 是", "录入人 廖仁旺", "角色 审核人（单位党委）"):
        assert words in text, words
    assert re.search(r"<td class=\"actor\">李红</td>", client.get(reverse("orgs:audit", args=[world.county.pk])).content.decode())


def test_values_read_with_the_models_words():
    event = AuditEvent(object_type="cycles.grading", action="grading.decide",
                       before={"state": "submitted", "final_grade": "", "final_stars": None},
                       after={"state": "decided", "final_grade": "average", "final_stars": 2})
    assert audit.audit_lines(event, event.after) == [("状态", "上级党组织已评定"), ("上级党组织评定等次", "一般"), ("星级", "2")]
    assert audit.audit_lines(event, event.before)[1:] == [("上级党组织评定等次", "—"), ("星级", "—")]
    step = AuditEvent(object_type="cycles.grading", action="step.public_rating",
                      after={"votes": {"advanced": 3, "average": 1}, "held_on": "2026-05-01"})
    assert audit.audit_lines(step, step.after) == [("票数", "先进 3，一般 1"), ("开展日期", "2026-05-01")]
    cycle = AuditEvent(object_type="cycles.cycle", action="cycle.update",
                       after={"quotas": [{"grade": "advanced", "share": "0.3", "at_most": True}]})
    assert "30%" in audit.audit_lines(cycle, cycle.after)[0][1]
    ballot = AuditEvent(object_type="ballots.ballotsession", action="ballot.close",
                        after={"turnout": "0.6667", "satisfaction": "0.2000", "delivered": False})
    assert [text for _label, text in audit.audit_lines(ballot, ballot.after)] == ["66.7%", "20%", "否"]
    assert audit.audit_lines(ballot, None) == []
