"""A ledger row's 整改情况 (seeds/004: 晋位升级目标, 整改措施, 整改时限, 帮扶单位, 联系领导, 整改责任人) as changes
to its organization's plan (升级办法), made through rectification's services with their rules and
permissions.

Only the columns whose cell differs from what the plan gives change anything, so a ledger exported and
sent back changes nothing. The ledger holds one 整改时限, 帮扶单位, 联系领导 and 整改责任人 per row: a changed
one applies to every measure of the plan. 整改措施 "1、…；2、…" are the measures in the plan's order: the
n-th item changes the n-th measure, a further item is a new measure answering the n-th problem, filed
from the row's 存在问题 ("1、…；2、…") when the plan has no n-th problem yet. A file never deletes a
measure: fewer items than the plan has measures is a problem of the row.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from cycles.models import Cycle
from ledgers.importing.matching import name_key
from ledgers.importing.values import BadValue, parse_deadline, parse_grade
from ledgers.reading import Reading, normalizer
from orgs.models import Organization
from rectification import rules
from rectification import services as rectification_services
from rectification.choices import EDITABLE_PLAN_STATES, ProblemSource
from rectification.models import Measure, Supporter
from rectification.selectors import LedgerColumns

PLAN_KEYS = ("target_grade", "measures", "deadline", "assisting_unit", "liaison_leader", "responsible_person")
NAME_KEYS = ("assisting_unit", "liaison_leader", "responsible_person")
SHARED_KEYS = ("deadline", *NAME_KEYS)  # one cell a row, the same for every measure
LIMITS = {"responsible_person": Measure._meta.get_field("responsible_person").max_length,
          "assisting_unit": Supporter._meta.get_field("name").max_length,
          "liaison_leader": Supporter._meta.get_field("name").max_length}
# Where a refusal of the services is shown: the column of the field it names.
FIELD_KEYS = {"target_grade": "target_grade", "text": "measures", "measures": "measures", "kind": "measures",
              "deadline": "deadline", "responsible_person": "responsible_person", "assisting_unit": "assisting_unit",
              "liaison_leader": "liaison_leader", "title": "problems", "problems": "problems"}


@dataclass(slots=True)
class PlanChange:
    """What a row changes of its organization's plan: the changed columns' values (the measures as a list of
    items), the plan's columns before (None: no plan yet) and the problems the row names (存在问题)."""

    values: dict
    before: LedgerColumns | None
    problems: list[str]


def plan_change(reading: Reading, number: int, values: dict, grades: tuple[str, ...], before: LedgerColumns | None,
                problems_text: str) -> PlanChange | None:
    """The row's changes to the plan, its values checked (each problem recorded at its row and column);
    None when the row changes nothing of it."""
    changed: dict = {}
    if "target_grade" in values:
        try:
            grade = parse_grade(values["target_grade"], grades)
        except BadValue as error:
            reading.problem(str(error), row=number, key="target_grade")
        else:
            if grade != (before.target_grade if before else ""):
                changed["target_grade"] = grade
    if "measures" in values:
        items = rules.ledger_items(str(values["measures"]))
        if items != rules.ledger_items(before.measures if before else ""):
            changed["measures"] = items
    if "deadline" in values:
        try:
            deadline = parse_deadline(values["deadline"])[0]
        except BadValue as error:
            reading.problem(str(error), row=number, key="deadline")
        else:
            if deadline != (before.deadline if before else None):
                changed["deadline"] = deadline
    for key in NAME_KEYS:
        if key in values:
            text = str(values[key])
            if before is not None and normalizer(key)(getattr(before, key)) == text:
                continue
            if len(text) > LIMITS[key]:
                reading.problem(_("at most %(limit)d characters.") % {"limit": LIMITS[key]}, row=number, key=key)
            changed[key] = text
    if not changed:
        return None
    if before is not None and before.state not in EDITABLE_PLAN_STATES:
        reading.problem(_("The plan of this organization is with its superior or approved, so the ledger cannot "
                          "change it: ask for it back, or start a revision on the plan's page, then import again.")
                        if before.state != "approved" else
                        _("The plan of this organization is approved and locked: start a revision on the plan's "
                          "page (the approved version stays in force), then import again."),
                        row=number, key=_key(reading, next(iter(changed))))
    elif "measures" in changed and before is not None and len(changed["measures"]) < before.measure_count:
        reading.problem(_("%(count)d measures here, but the plan has %(plan)d: an import does not delete measures. "
                          "Delete them on the plan's page, or list them all.") % {
            "count": len(changed["measures"]), "plan": before.measure_count}, row=number, key="measures")
    return PlanChange(values=changed, before=before, problems=rules.ledger_items(problems_text))


def plan_apply(*, actor, cycle: Cycle, organization_id: int, change: PlanChange, reading: Reading,
               number: int) -> bool:
    """Make the change through rectification's services, in a savepoint of its own: a refusal becomes a
    problem of the row (at the column of the field it names) and leaves nothing of the row written."""
    try:
        with transaction.atomic():
            _apply(actor, cycle, Organization.objects.get(pk=organization_id), change)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            for message in messages:
                reading.problem(message, row=number, key=_key(reading, FIELD_KEYS.get(field, "measures")))
        return False
    except (PermissionDenied, Http404) as error:
        reading.problem(str(error) or _("You may not change the plan of this organization."), row=number,
                        key=name_key(reading))
        return False
    return True


def _key(reading: Reading, key: str) -> str:
    """The column of ``key``, or of the organization's name when the file has no such column."""
    return key if key in reading.columns else name_key(reading)


def _apply(actor, cycle: Cycle, organization: Organization, change: PlanChange) -> None:
    values = change.values
    plan = rectification_services.plan_ensure(actor=actor, cycle=cycle, organization=organization)
    if "target_grade" in values:
        plan = rectification_services.plan_update(actor=actor, plan=plan, target_grade=values["target_grade"])
    measures = list(plan.measures.order_by("problem__position", "position", "pk"))
    shared = {key: values[key] for key in SHARED_KEYS if key in values}
    texts = values.get("measures")
    if texts is None:
        if not shared:
            return
        if not measures:
            raise ValidationError({"measures": _("整改措施: the plan has no measure yet; write them here (1、…；2、…).")})
        texts = [measure.text for measure in measures]
    for measure, text in zip(measures, texts, strict=False):
        rectification_services.measure_update(actor=actor, measure=measure, text=text, **shared)
    if len(texts) <= len(measures):
        return
    template = _template(measures[0]) if measures else {}
    problems = list(plan.problems.order_by("position", "pk"))
    for position in range(len(measures), len(texts)):
        if position < len(problems):
            problem = problems[position]
        elif position < len(change.problems):
            problem = rectification_services.problem_add(actor=actor, plan=plan, title=change.problems[position],
                                                         source=ProblemSource.SURVEY)
            problems.append(problem)
        elif problems:
            problem = problems[-1]
        else:
            raise ValidationError({"problems": _("存在问题: measure %(n)d answers no problem; write the problems the "
                                                 "measures answer (1、…；2、…).") % {"n": position + 1}})
        rectification_services.measure_add(actor=actor, problem=problem, **{**template, "text": texts[position], **shared})


def _template(measure: Measure) -> dict:
    """A new measure's fields that the row leaves out, as the plan's first measure has them."""
    fields: dict = {"responsible_person": measure.responsible_person, "deadline": measure.deadline}
    for key in ("assisting_unit", "liaison_leader"):
        if getattr(measure, f"{key}_id"):
            fields[key] = getattr(measure, key)
    return fields


def shown(key: str, value, grade_label) -> str:
    """A plan column's value for the preview's list of changes."""
    if value in (None, ""):
        return ""
    if key == "target_grade":
        return grade_label(value)
    if key == "measures":
        return rules.ledger_measures(value) if isinstance(value, list) else value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
