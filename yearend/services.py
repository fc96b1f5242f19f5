"""Writes of the year's end: the settings, the year summary and its secretaries' reports, the commendation
shortlist. Each runs in one transaction, locks what it changes, checks the actor, and writes its audit event."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import audit_record, snapshot
from cycles import access as cycle_access
from cycles.models import Cycle, Grading
from orgs import access as org_access
from pledges.choices import PledgeKind, PledgeResult
from pledges.models import Pledge
from rectification.models import Plan
from standards.choices import Grade
from standards.models import ScoreSheet
from yearend import access, rules, selectors
from yearend.choices import CandidateSource, ShortlistState, SummaryState
from yearend.models import Candidate, SecretaryReport, Shortlist, YearendSettings, YearSummary

MAX_PROPOSED = 2000  # a shortlist longer than this is no shortlist: the rules are too loose


def _grade_labels() -> dict[str, str]:
    return {**{code: str(label) for code, label in Grade.choices},
            **{code: str(label) for code, label in PledgeResult.choices}}


def settings_update(*, actor, cycle: Cycle, summary_due: datetime.date, commendation_rules) -> YearendSettings:
    """Change the cycle's year-end settings: its owner's administrators."""
    if not org_access.can_manage(actor, cycle.owner):
        raise PermissionDenied(_("You may not do this on %(name)s.") % {"name": cycle.owner.name})
    checked = rules.check_rules(commendation_rules)
    with transaction.atomic():
        current = YearendSettings.objects.select_for_update().filter(cycle=cycle).first()
        stored = current or selectors.settings_of(cycle)
        fields = ["summary_due", "commendation_rules"]
        before = snapshot(stored, fields) if current else None
        if current and current.summary_due == summary_due and current.commendation_rules == checked:
            return current
        stored.summary_due, stored.commendation_rules = summary_due, checked
        stored.save()
        audit_record(actor=actor, obj=stored, action="yearend.settings", organization=cycle.owner, before=before,
                     after={"summary_due": summary_due.isoformat(), "commendation_rules": checked})
    return stored


def _locked_summary(cycle: Cycle, level) -> YearSummary | None:
    return YearSummary.objects.select_for_update().filter(cycle=cycle, organization=level).first()


def summary_save(*, actor, cycle: Cycle, level, text: str | None = None,
                 today: datetime.date | None = None) -> YearSummary:
    """Write the level's year summary: the first call drafts it from the figures (``text`` None), later ones
    save the level's text. A submitted summary is changed only after its superior reopens it."""
    access.check_write(actor, level)
    if not cycle_access.in_cycle(cycle, level):
        raise ValidationError(_("%(name)s is not part of this cycle.") % {"name": level.name})
    today = today or timezone.localdate()
    with transaction.atomic():
        summary = _locked_summary(cycle, level)
        if summary is not None and summary.state == SummaryState.SUBMITTED:
            raise ValidationError(_("The year summary is submitted; its superior may reopen it."))
        if text is None:
            if summary is not None:
                return summary
            figures = selectors.level_figures(cycle=cycle, level=level, today=today)
            text = rules.draft_text(figures, _grade_labels(), selectors.target_lines(cycle=cycle, level=level))
        text = text.strip()
        if summary is None:
            summary = YearSummary(cycle=cycle, organization=level, text=text, updated_by=actor)
            try:
                with transaction.atomic():
                    summary.save()
            except IntegrityError:  # written at the same moment by another of the level's people
                raise ValidationError(_("Someone else has just started this summary; please reload.")) from None
            audit_record(actor=actor, obj=summary, action="summary.save", organization=level,
                         after={"text": text})
            return summary
        if summary.text == text:
            return summary
        before = {"text": summary.text}
        summary.text, summary.updated_by = text, actor
        summary.save(update_fields=["text", "updated_by", "updated_at"])
        audit_record(actor=actor, obj=summary, action="summary.save", organization=level, before=before,
                     after={"text": text})
    return summary


def summary_submit(*, actor, summary: YearSummary, today: datetime.date | None = None) -> YearSummary:
    """Submit the summary to the superior, its figures frozen as they stand; refused while its text is empty."""
    level = summary.organization
    access.check_write(actor, level)
    today = today or timezone.localdate()
    with transaction.atomic():
        summary = _locked_summary(summary.cycle, level)
        if summary.state == SummaryState.SUBMITTED:
            return summary
        if not summary.text.strip():
            raise ValidationError({"text": _("The year summary is empty: write it before submitting it.")})
        summary.figures = selectors.level_figures(cycle=summary.cycle, level=level, today=today)
        summary.state, summary.submitted_by, summary.submitted_at = SummaryState.SUBMITTED, actor, timezone.now()
        summary.save(update_fields=["figures", "state", "submitted_by", "submitted_at", "updated_at"])
        audit_record(actor=actor, obj=summary, action="summary.submit", organization=level,
                     before={"state": SummaryState.DRAFT}, after={"state": SummaryState.SUBMITTED})
    return summary


def summary_reopen(*, actor, summary: YearSummary, reason: str) -> YearSummary:
    """The superior sends a submitted summary back to its level, with the reason."""
    level = summary.organization
    if not access.can_reopen(actor, level):
        raise PermissionDenied(_("You may not do this on %(name)s.") % {"name": level.name})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for reopening.")})
    with transaction.atomic():
        summary = _locked_summary(summary.cycle, level)
        if summary.state != SummaryState.SUBMITTED:
            return summary
        summary.state, summary.figures, summary.submitted_by, summary.submitted_at = SummaryState.DRAFT, {}, None, None
        summary.save(update_fields=["state", "figures", "submitted_by", "submitted_at", "updated_at"])
        audit_record(actor=actor, obj=summary, action="summary.reopen", organization=level,
                     before={"state": SummaryState.SUBMITTED}, after={"state": SummaryState.DRAFT},
                     reason=reason.strip())
    return summary


def report_save(*, actor, summary: YearSummary, secretary: str, post: str, text: str,
                report: SecretaryReport | None = None) -> SecretaryReport:
    """Attach a secretary's 述职 to the level's summary, or change one; refused once the summary is submitted."""
    level = summary.organization
    access.check_write(actor, level)
    values = {"secretary": secretary.strip(), "post": post.strip(), "text": text.strip()}
    if not values["secretary"]:
        raise ValidationError({"secretary": _("Name the secretary.")})
    if not values["text"]:
        raise ValidationError({"text": _("The report is empty.")})
    with transaction.atomic():
        locked = _locked_summary(summary.cycle, level)
        if locked.state == SummaryState.SUBMITTED:
            raise ValidationError(_("The year summary is submitted; its superior may reopen it."))
        if report is None:
            report = SecretaryReport.objects.create(summary=locked, created_by=actor, **values)
            audit_record(actor=actor, obj=report, action="report.save", organization=level, after=values)
            return report
        report = SecretaryReport.objects.select_for_update().get(pk=report.pk, summary=locked)
        before = snapshot(report, list(values))
        if before == values:
            return report
        for name, value in values.items():
            setattr(report, name, value)
        report.save(update_fields=[*values, "updated_at"])
        audit_record(actor=actor, obj=report, action="report.save", organization=level, before=before, after=values)
    return report


def _records(cycle: Cycle, level, rule_list: list[dict]) -> dict[int, rules.Record]:
    """What the rules read of the organizations in the level's subtree that may qualify: those with a grade
    this year (a top one when a rule asks for it), their earlier years, targets, vetoes and pledges."""
    gradings = Grading.objects.filter(selectors.subtree_q(level), cycle=cycle).exclude(final_grade="")
    years = max((rule.get("years", 1) for rule in rule_list if rule["rule"] == "top_grade_years"), default=0)
    if years:
        gradings = gradings.filter(final_grade__in=rules.TOP_GRADES)
    rows = list(gradings.order_by("organization__path").values_list(
        "organization_id", "final_grade", "baseline_grade")[:MAX_PROPOSED])
    ids = [pk for pk, _grade, _baseline in rows]
    history: dict[int, list[str]] = {pk: [grade, baseline] for pk, grade, baseline in rows}
    if years > 2:
        earlier = [c for c in Cycle.objects.filter(owner__path__lte=level.path, year__lt=cycle.year - 1)
                   .order_by("-year") if level.path.startswith(c.owner.path)]
        by_year: dict[int, dict[int, str]] = {}
        for org_id, grade, year in Grading.objects.filter(cycle__in=earlier, organization_id__in=ids).values_list(
                "organization_id", "final_grade", "cycle__year"):
            by_year.setdefault(year, {})[org_id] = grade
        for offset in range(2, years):
            year = cycle.year - offset
            for pk in ids:
                history[pk].append(by_year.get(year, {}).get(pk, ""))
    targets = dict(Plan.objects.filter(cycle=cycle, organization_id__in=ids).values_list(
        "organization_id", "target_grade"))
    standards = cycle.standards.values("standard_id")
    vetoed = set(ScoreSheet.objects.filter(organization_id__in=ids, standard_id__in=standards, vetoed=True)
                 .values_list("organization_id", flat=True))
    pledges = dict(Pledge.objects.filter(cycle=cycle, kind=PledgeKind.ORGANIZATION, organization_id__in=ids)
                   .values_list("organization_id", "result"))
    return {pk: rules.Record(grades=tuple(g or "" for g in history[pk]), target_grade=targets.get(pk, ""),
                             vetoed=pk in vetoed, pledge_result=pledges.get(pk, "")) for pk in ids}


def _locked_shortlist(cycle: Cycle, level) -> Shortlist | None:
    return Shortlist.objects.select_for_update().filter(cycle=cycle, organization=level).first()


def shortlist_propose(*, actor, cycle: Cycle, level) -> Shortlist:
    """Propose the level's candidates by the cycle's rules, each with the rules it met. Run again, it brings
    the proposals up to date and keeps what the level added or removed."""
    access.check_write(actor, level)
    rule_list = rules.check_rules(selectors.settings_of(cycle).commendation_rules)
    with transaction.atomic():
        shortlist = _locked_shortlist(cycle, level)
        if shortlist is not None and shortlist.state == ShortlistState.SUBMITTED:
            raise ValidationError(_("The shortlist is submitted; it can no longer be changed."))
        if shortlist is None:
            shortlist = Shortlist.objects.create(cycle=cycle, organization=level, rules=rule_list)
        else:
            shortlist.rules = rule_list
            shortlist.save(update_fields=["rules"])
        proposed = {pk: reasons for pk, record in _records(cycle, level, rule_list).items()
                    if (reasons := rules.reasons_met(rule_list, record)) is not None}
        existing = {c.organization_id: c for c in shortlist.candidates.all()}
        stale = [c.pk for pk, c in existing.items()
                 if c.source == CandidateSource.RULES and not c.removed and pk not in proposed]
        Candidate.objects.filter(pk__in=stale).delete()
        for pk, reasons in proposed.items():
            if pk in existing:
                if existing[pk].reasons != reasons:
                    existing[pk].reasons = reasons
                    existing[pk].save(update_fields=["reasons"])
            else:
                Candidate.objects.create(shortlist=shortlist, organization_id=pk, source=CandidateSource.RULES,
                                         reasons=reasons)
        audit_record(actor=actor, obj=shortlist, action="shortlist.propose", organization=level,
                     after={"candidates": len(proposed), "rules": rule_list})
    return shortlist


def candidate_add(*, actor, shortlist: Shortlist, organization, reason: str) -> Candidate:
    """The level adds an organization of its subtree to its shortlist, with the reason."""
    level = shortlist.organization
    access.check_write(actor, level)
    if not organization.path.startswith(level.path) or organization.pk == level.pk:
        raise ValidationError({"organization": _("Only an organization below %(name)s may be proposed.")
                               % {"name": level.name}})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for adding it.")})
    with transaction.atomic():
        locked = _locked_shortlist(shortlist.cycle, level)
        if locked.state == ShortlistState.SUBMITTED:
            raise ValidationError(_("The shortlist is submitted; it can no longer be changed."))
        candidate = locked.candidates.filter(organization=organization).first()
        if candidate is not None and not candidate.removed:
            raise ValidationError({"organization": _("%(name)s is on the shortlist already.")
                                   % {"name": organization.name}})
        if candidate is None:
            candidate = Candidate(shortlist=locked, organization=organization, source=CandidateSource.ADDED)
        candidate.added_reason, candidate.removed_reason, candidate.changed_by = reason.strip(), "", actor
        if candidate.source == CandidateSource.RULES:
            candidate.added_reason = ""  # back on the list by its rules, the reason in the audit
        candidate.save()
        audit_record(actor=actor, obj=candidate, action="shortlist.add", organization=level,
                     after={"organization": organization.name}, reason=reason.strip())
    return candidate


def candidate_remove(*, actor, candidate: Candidate, reason: str) -> Candidate:
    """The level takes a candidate off its shortlist, with the reason; it stays, struck out."""
    level = candidate.shortlist.organization
    access.check_write(actor, level)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for removing it.")})
    with transaction.atomic():
        locked = _locked_shortlist(candidate.shortlist.cycle, level)
        if locked.state == ShortlistState.SUBMITTED:
            raise ValidationError(_("The shortlist is submitted; it can no longer be changed."))
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if candidate.removed:
            return candidate
        candidate.removed_reason, candidate.changed_by = reason.strip(), actor
        candidate.save(update_fields=["removed_reason", "changed_by"])
        audit_record(actor=actor, obj=candidate, action="shortlist.remove", organization=level,
                     before={"organization": candidate.organization.name}, reason=reason.strip())
    return candidate


def shortlist_submit(*, actor, shortlist: Shortlist) -> Shortlist:
    """Submit the shortlist upward; refused while no candidate is on it."""
    level = shortlist.organization
    access.check_write(actor, level)
    with transaction.atomic():
        locked = _locked_shortlist(shortlist.cycle, level)
        if locked.state == ShortlistState.SUBMITTED:
            return locked
        if not locked.candidates.filter(removed_reason="").exists():
            raise ValidationError(_("The shortlist is empty: propose or add candidates before submitting it."))
        locked.state, locked.submitted_by, locked.submitted_at = ShortlistState.SUBMITTED, actor, timezone.now()
        locked.save(update_fields=["state", "submitted_by", "submitted_at"])
        audit_record(actor=actor, obj=locked, action="shortlist.submit", organization=level,
                     before={"state": ShortlistState.DRAFT}, after={"state": ShortlistState.SUBMITTED})
    return locked
