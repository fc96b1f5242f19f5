"""Progress (seeds/001 五 集中力量进行全面整改): evidence entered once, dated reports on each measure, and
the measure's way to 销号 — done by the organization, verified or reopened by the superior; the
superior's answer to a measure that needs it; the signed responsibility letter."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import audit_record
from rectification import access, tallies
from rectification.choices import MeasureKind, MeasureState
from rectification.models import Evidence, Measure, Plan, ProgressReport
from rectification.services.common import locked_measure, locked_plan, measure_keys, refuse
from rectification.uploads import evidence_check


def _check_approved_once(plan: Plan) -> None:
    if plan.approved_at is None:
        refuse("state", _("Progress is reported once the superior has approved the plan of %(name)s.") % {
            "name": plan.organization.name})


def _evidence_create(*, actor, plan: Plan, upload, description: str = "", field: str = "files") -> Evidence:
    sniffed = evidence_check(upload, field=field)
    name = (getattr(upload, "name", "") or "evidence").rsplit("/", 1)[-1][:255]
    evidence = Evidence(plan=plan, filename=name, content_type=sniffed.content_type, size=upload.size,
                        description=(description or "").strip()[:200], uploaded_by=actor)
    evidence.file.save(f"{plan.organization_id}-{timezone.now():%Y%m%d%H%M%S}.{sniffed.extension}", upload,
                       save=False)
    evidence.save()
    audit_record(actor=actor, obj=evidence, organization=plan.organization, action="evidence.add",
                 after={"filename": evidence.filename, "content_type": evidence.content_type, "size": evidence.size})
    return evidence


@transaction.atomic
def evidence_add(*, actor, plan: Plan, upload, description: str = "") -> Evidence:
    """Keep one evidence file for the plan (its type read from its content, its size limited)."""
    plan = locked_plan(plan)
    access.require(actor, access.can_edit(actor, plan), plan.organization)
    return _evidence_create(actor=actor, plan=plan, upload=upload, description=description)


@transaction.atomic
def progress_report(*, actor, measure: Measure, reported_on: datetime.date, text: str, files=(),
                    evidence_ids=()) -> ProgressReport:
    """A dated report on a measure, with new evidence files and/or evidence already kept for the plan;
    the first report puts a planned measure in progress."""
    measure = locked_measure(measure)
    plan = measure.plan
    access.require(actor, access.can_edit(actor, plan), plan.organization)
    _check_approved_once(plan)
    errors = {}
    if not (text or "").strip():
        errors["text"] = _("What was done: please describe the progress.")
    if not isinstance(reported_on, datetime.date):
        errors["reported_on"] = _("Date: enter a date (YYYY-MM-DD).")
    elif reported_on > timezone.localdate():
        errors["reported_on"] = _("Date: %(date)s is in the future.") % {"date": reported_on.isoformat()}
    if measure.state == MeasureState.VERIFIED:
        errors["state"] = _("This measure is verified (销号); the superior must reopen it before more is reported.")
    reused = list(Evidence.objects.filter(plan=plan, pk__in=[int(pk) for pk in evidence_ids or ()]))
    if len(reused) != len(set(evidence_ids or ())):
        errors["evidence"] = _("Evidence: some of the files chosen are not this plan's.")
    for upload in files or ():
        try:
            evidence_check(upload)
        except ValidationError as error:
            errors.setdefault("files", []).extend(error.message_dict["files"])
    if errors:
        raise ValidationError(errors)
    created = [_evidence_create(actor=actor, plan=plan, upload=upload) for upload in files or ()]
    report = ProgressReport.objects.create(measure=measure, reported_on=reported_on, text=text.strip(),
                                           created_by=actor)
    report.evidence.set([*reused, *created])
    if measure.state == MeasureState.PLANNED:
        before_keys = measure_keys(measure)
        measure.state = MeasureState.IN_PROGRESS
        measure.save(update_fields=["state", "updated_at"])
        tallies.apply(cycle=plan.cycle, changes=[(plan.organization.path, before_keys, measure_keys(measure))])
    audit_record(actor=actor, obj=measure, organization=plan.organization, action="measure.progress",
                 after={"reported_on": reported_on.isoformat(), "evidence": [e.filename for e in [*reused, *created]]},
                 reason=report.text)
    return report


def _move(*, actor, measure: Measure, to: str, action: str, fields: list[str], reason: str = "") -> Measure:
    plan = measure.plan
    before_keys, before = measure_keys(measure), measure.state
    measure.state = to
    measure.save(update_fields=["state", *fields, "updated_at"])
    tallies.apply(cycle=plan.cycle, changes=[(plan.organization.path, before_keys, measure_keys(measure))])
    audit_record(actor=actor, obj=measure, organization=plan.organization, action=action,
                 before={"state": before}, after={"state": to}, reason=reason)
    return measure


@transaction.atomic
def measure_complete(*, actor, measure: Measure, done_on: datetime.date | None = None) -> Measure:
    """The organization reports the measure done, once progress with evidence shows it."""
    measure = locked_measure(measure)
    access.require(actor, access.can_edit(actor, measure.plan), measure.plan.organization)
    _check_approved_once(measure.plan)
    if measure.state not in (MeasureState.PLANNED, MeasureState.IN_PROGRESS):
        refuse("state", _("This measure is %(state)s already.") % {"state": measure.get_state_display()})
    if not measure.reports.filter(evidence__isnull=False).exists():
        refuse("state", _("Report the progress with at least one evidence file before the measure is done."))
    measure.done_on = done_on or timezone.localdate()
    measure.reopen_reason = ""
    return _move(actor=actor, measure=measure, to=MeasureState.DONE, action="measure.done",
                 fields=["done_on", "reopen_reason"])


@transaction.atomic
def measure_verify(*, actor, measure: Measure) -> Measure:
    """销号: the superior checks a done measure and strikes it off."""
    measure = locked_measure(measure)
    access.require(actor, access.can_review(actor, measure.plan), measure.plan.organization)
    if measure.state == MeasureState.VERIFIED:
        refuse("state", _("This measure was already verified by %(user)s.") % {
            "user": measure.verified_by.get_username() if measure.verified_by else "—"})
    if measure.state != MeasureState.DONE:
        refuse("state", _("Only a measure reported done is verified; this one is %(state)s.") % {
            "state": measure.get_state_display()})
    measure.verified_by, measure.verified_at = actor, timezone.now()
    return _move(actor=actor, measure=measure, to=MeasureState.VERIFIED, action="measure.verify",
                 fields=["verified_by", "verified_at"])


@transaction.atomic
def measure_reopen(*, actor, measure: Measure, reason: str) -> Measure:
    """The superior sends a done or verified measure back to work, with a reason."""
    measure = locked_measure(measure)
    access.require(actor, access.can_review(actor, measure.plan), measure.plan.organization)
    if measure.state not in (MeasureState.DONE, MeasureState.VERIFIED):
        refuse("state", _("Only a done or verified measure is reopened; this one is %(state)s.") % {
            "state": measure.get_state_display()})
    if not (reason or "").strip():
        refuse("reason", _("Reason: please say why the measure is reopened."))
    measure.reopen_reason = reason.strip()
    measure.verified_by, measure.verified_at, measure.done_on = None, None, None
    return _move(actor=actor, measure=measure, to=MeasureState.IN_PROGRESS, action="measure.reopen",
                 fields=["reopen_reason", "verified_by", "verified_at", "done_on"], reason=measure.reopen_reason)


@transaction.atomic
def measure_answer(*, actor, measure: Measure, answer: str) -> Measure:
    """The superior answers a measure that needs it (需上级协调): what it will do. It leaves the to-do list."""
    measure = locked_measure(measure)
    access.require(actor, access.can_review(actor, measure.plan), measure.plan.organization)
    if measure.kind != MeasureKind.SUPERIOR:
        refuse("answer", _("This measure does not ask for the superior."))
    answer = (answer or "").strip()
    if not answer:
        refuse("answer", _("Answer: please say what the superior will do."))
    if answer == measure.answer:
        return measure
    before = measure.answer
    measure.answer, measure.answered_by, measure.answered_at = answer, actor, timezone.now()
    measure.save(update_fields=["answer", "answered_by", "answered_at", "updated_at"])
    audit_record(actor=actor, obj=measure, organization=measure.plan.organization, action="measure.answer",
                 before={"answer": before}, after={"answer": answer})
    return measure


@transaction.atomic
def letter_sign(*, actor, plan: Plan, upload, signed_on: datetime.date) -> Plan:
    """目标责任书: the signed scan completes the letter (an approved plan only)."""
    plan = locked_plan(plan)
    access.require(actor, access.can_edit(actor, plan), plan.organization)
    if plan.approved_at is None:
        refuse("letter_scan", _("The responsibility letter is signed once the plan is approved."))
    if not isinstance(signed_on, datetime.date):
        refuse("letter_signed_on", _("Signed on: enter a date (YYYY-MM-DD)."))
    if not upload:
        refuse("letter_scan", _("Signed letter: please choose the scan of the signed letter."))
    evidence = _evidence_create(actor=actor, plan=plan, upload=upload, description=_("Signed responsibility letter"),
                                field="letter_scan")
    plan.letter_scan, plan.letter_signed_on = evidence, signed_on
    plan.save(update_fields=["letter_scan", "letter_signed_on", "updated_at"])
    audit_record(actor=actor, obj=plan, organization=plan.organization, action="letter.sign",
                 after={"letter_signed_on": signed_on.isoformat(), "filename": evidence.filename})
    return plan
