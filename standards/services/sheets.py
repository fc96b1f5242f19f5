"""Writes on score sheets: opened, deductions and veto marks, satisfaction, and re-scoring after a change."""

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import audit_record
from core.uploads import attachment_check
from orgs.models import Organization
from standards import access, rules
from standards.choices import AssessorKind, DeductionKind, VetoTrigger
from standards.models import (
    Deduction,
    Item,
    SatisfactionRate,
    ScoreSheet,
    Standard,
    VetoClause,
    VetoMark,
)
from standards.selectors import satisfaction_evidence

SHEET_WRITE_BATCH = 2000


def scheme_of(standard: Standard) -> rules.Scheme:
    return rules.Scheme(standard.scheme, tuple(rules.Band(b["grade"], Decimal(str(b["min_score"]))) for b in standard.bands))


def star_bands_of(standard: Standard) -> tuple[rules.StarBand, ...]:
    return tuple(rules.StarBand(int(b["stars"]), Decimal(str(b["min_score"]))) for b in standard.star_bands)


def sheets_rescore(*, standard: Standard, sheet_ids: list[int] | None = None) -> int:
    """Re-score sheets of a standard from their deductions and veto marks; returns how many changed.

    Deductions are summed per sheet and item by the database; the pure rules score each sheet;
    sheets with the same new result are written together, so a million sheets take a few hundred
    UPDATE statements, not a million.
    """
    scheme, star_bands = scheme_of(standard), star_bands_of(standard)
    maxima = dict(Item.objects.filter(indicator__standard=standard).values_list("pk", "max_points"))
    sheets = ScoreSheet.objects.filter(standard=standard)
    deductions = Deduction.objects.filter(sheet__standard=standard)
    marks = VetoMark.objects.filter(sheet__standard=standard)
    if sheet_ids is not None:
        sheets, deductions, marks = (qs.filter(**{key: sheet_ids}) for qs, key in
                                     ((sheets, "pk__in"), (deductions, "sheet_id__in"), (marks, "sheet_id__in")))
    taken: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for sheet_id, item_id, points in (deductions.values_list("sheet_id", "item_id").annotate(points=Sum("points"))
                                      .order_by().iterator(chunk_size=20000)):
        taken[sheet_id][item_id] = points
    vetoed = set(marks.values_list("sheet_id", flat=True))
    untouched = {False: None, True: None}
    groups: dict[tuple, list[int]] = defaultdict(list)
    for pk, total, grade, stars, was_vetoed in sheets.values_list("pk", "total", "grade", "stars", "vetoed").iterator(
            chunk_size=20000):
        is_vetoed = pk in vetoed
        if pk in taken:
            result = rules.score_from_deductions(maxima, taken[pk], scheme=scheme, star_bands=star_bands, vetoed=is_vetoed)
        else:
            if untouched[is_vetoed] is None:
                untouched[is_vetoed] = rules.score_from_deductions(maxima, {}, scheme=scheme, star_bands=star_bands,
                                                                   vetoed=is_vetoed)
            result = untouched[is_vetoed]
        new = (*result, is_vetoed)
        if new != (total, grade, stars, was_vetoed):
            groups[new].append(pk)
    changed = 0
    for (total, grade, stars, is_vetoed), ids in groups.items():
        for start in range(0, len(ids), SHEET_WRITE_BATCH):
            batch = ids[start:start + SHEET_WRITE_BATCH]
            ScoreSheet.objects.filter(pk__in=batch).update(total=total, grade=grade, stars=stars, vetoed=is_vetoed)
            changed += len(batch)
    return changed


def _rescore(sheet: ScoreSheet) -> ScoreSheet:
    """Re-score one sheet, its data-bound veto clauses read afresh: whatever changed the sheet, they hold."""
    sheets_follow_data(standard=sheet.standard, sheets=ScoreSheet.objects.filter(pk=sheet.pk))
    sheets_rescore(standard=sheet.standard, sheet_ids=[sheet.pk])
    sheet.refresh_from_db(fields=["total", "grade", "stars", "vetoed"])
    return sheet


def _sheet_state(sheet: ScoreSheet) -> dict:
    return {"total": str(sheet.total), "grade": sheet.grade, "stars": sheet.stars, "vetoed": sheet.vetoed}


@transaction.atomic
def score_sheet_open(*, actor, organization: Organization, standard: Standard, assessor_kind: str) -> ScoreSheet:
    """The organization's sheet for this standard and assessor, made on first use; using a standard freezes it."""
    organization = Organization.objects.get(pk=organization.pk)  # its current data sets off data-bound vetoes
    access.check_enter(actor, organization, assessor_kind)
    if assessor_kind not in AssessorKind.values:
        raise ValidationError({"assessor_kind": _("Assessed by: choose one of the kinds of score sheet offered.")})
    if standard.sector != organization.sector:
        raise ValidationError({"standard": _("Standard: %(standard)s is for another sector than %(name)s.")
                               % {"standard": standard.name, "name": organization.name}})
    if not organization.path.startswith(standard.issuer.path):
        raise ValidationError({"standard": _("Standard: %(standard)s was not issued for %(name)s.")
                               % {"standard": standard.name, "name": organization.name}})
    sheet = ScoreSheet.objects.filter(organization=organization, standard=standard, assessor_kind=assessor_kind).first()
    if sheet:
        return sheet
    Standard.objects.filter(pk=standard.pk, frozen_at__isnull=True).update(frozen_at=timezone.now())
    sheet = ScoreSheet.objects.create(organization=organization, standard=standard, assessor_kind=assessor_kind,
                                      grade=scheme_of(standard).top, updated_by=actor)
    sheet = _rescore(sheet)
    audit_record(actor=actor, obj=sheet, organization=organization, action="sheet.open", after=_sheet_state(sheet))
    return sheet


def _locked_sheet(actor, sheet: ScoreSheet) -> ScoreSheet:
    sheet = ScoreSheet.objects.select_for_update(of=("self",)).select_related("organization", "standard").get(pk=sheet.pk)
    access.check_enter(actor, sheet.organization, sheet.assessor_kind)
    return sheet


@transaction.atomic
def deduction_add(*, actor, sheet: ScoreSheet, item: Item, occurrences: int = 1, reason: str, evidence=None) -> Deduction:
    """Take points off an item: occurrences × the item's points, or its fixed amount.

    A deduction past what is left of the item is kept as entered, and the item scores 0
    ("每个项目分值扣完为止", seeds/002): the sheet shows the points beyond it.
    """
    sheet = _locked_sheet(actor, sheet)
    if item.indicator.standard_id != sheet.standard_id:
        raise ValidationError({"item": _("Item %(code)s does not belong to this sheet's standard.") % {"code": item.code}})
    errors = {}
    if not isinstance(occurrences, int) or isinstance(occurrences, bool) or occurrences < 1:
        errors["occurrences"] = _("Item %(code)s: occurrences must be a whole number of 1 or more.") % {"code": item.code}
    if not (reason or "").strip():
        errors["reason"] = _("Item %(code)s: please give the reason for the deduction.") % {"code": item.code}
    if evidence:
        try:
            attachment_check(evidence, label=_("Evidence file"))
        except ValidationError as error:
            errors["evidence"] = error.messages
    if errors:
        raise ValidationError(errors)
    points = rules.deduction_for(
        per_occurrence=item.deduction_points if item.deduction_kind == DeductionKind.PER_OCCURRENCE else None,
        fixed=item.deduction_points if item.deduction_kind == DeductionKind.FIXED else None,
        occurrences=occurrences,
    )
    before = _sheet_state(sheet)
    deduction = Deduction.objects.create(sheet=sheet, item=item, occurrences=occurrences, points=points,
                                         reason=reason.strip(), evidence=evidence or "", created_by=actor)
    sheet = _rescore(sheet)
    ScoreSheet.objects.filter(pk=sheet.pk).update(updated_by=actor, updated_at=timezone.now())
    audit_record(actor=actor, obj=sheet, organization=sheet.organization, action="sheet.deduct", before=before,
                 after=_sheet_state(sheet) | {"item": item.code, "points": str(points)}, reason=deduction.reason)
    return deduction


@transaction.atomic
def deduction_remove(*, actor, deduction: Deduction, reason: str = "") -> ScoreSheet:
    sheet = _locked_sheet(actor, deduction.sheet)
    before = _sheet_state(sheet) | {"item": deduction.item.code, "points": str(deduction.points)}
    deduction.delete()
    sheet = _rescore(sheet)
    audit_record(actor=actor, obj=sheet, organization=sheet.organization, action="sheet.undeduct", before=before,
                 after=_sheet_state(sheet), reason=reason)
    return sheet


@transaction.atomic
def veto_mark(*, actor, sheet: ScoreSheet, clause: VetoClause, evidence: str, evidence_file=None) -> VetoMark:
    """Tick a veto clause with its evidence: the sheet then gets the lowest grade."""
    sheet = _locked_sheet(actor, sheet)
    if clause.standard_id != sheet.standard_id:
        raise ValidationError({"clause": _("This veto clause does not belong to this sheet's standard.")})
    if not (evidence or "").strip():
        raise ValidationError({"evidence": _("Evidence: please say what shows the clause applies.")})
    if evidence_file:
        attachment_check(evidence_file, label=_("Evidence file"), field="evidence_file")
    existing = VetoMark.objects.filter(sheet=sheet, clause=clause).first()
    if existing:
        return existing
    before = _sheet_state(sheet)
    mark = VetoMark.objects.create(sheet=sheet, clause=clause, evidence=evidence.strip(),
                                   evidence_file=evidence_file or "", created_by=actor)
    sheet = _rescore(sheet)
    audit_record(actor=actor, obj=sheet, organization=sheet.organization, action="sheet.veto", before=before,
                 after=_sheet_state(sheet) | {"clause": clause.text[:100]}, reason=mark.evidence)
    return mark


@transaction.atomic
def veto_unmark(*, actor, mark: VetoMark, reason: str = "") -> ScoreSheet:
    sheet = _locked_sheet(actor, mark.sheet)
    if mark.automatic:
        raise PermissionDenied(_("This clause was set off by data; it lifts when the data changes."))
    before = _sheet_state(sheet)
    mark.delete()
    sheet = _rescore(sheet)
    audit_record(actor=actor, obj=sheet, organization=sheet.organization, action="sheet.unveto", before=before,
                 after=_sheet_state(sheet), reason=reason)
    return sheet


def sheets_follow_data(*, standard: Standard, sheets=None) -> set[int]:
    """Veto clauses bound to data follow it on the standard's sheets (all, or the queryset ``sheets``): no
    secretary on record; a satisfaction rate counted below the clause's threshold (``SatisfactionRate``).

    Where the data says a clause applies, the sheet gets an automatic mark; where it no longer does, the
    automatic mark goes. A mark made by hand (a survey on paper) stays either way. The marks only: the
    caller re-scores. Returns the sheets whose marks changed.
    """
    clauses = [clause for clause in standard.vetoes.all() if clause.trigger != VetoTrigger.MANUAL]
    if not clauses:
        return set()
    sheets = ScoreSheet.objects.filter(standard=standard) if sheets is None else sheets.filter(standard=standard)
    wanted: dict[tuple[int, int], str] = {}
    if any(clause.trigger == VetoTrigger.NO_SECRETARY for clause in clauses):
        for pk, name, secretary in sheets.filter(organization__secretary__regex=r"^\s*$").values_list(
                "pk", "organization__name", "organization__secretary"):
            for clause in clauses:
                if clause.trigger == VetoTrigger.NO_SECRETARY and not secretary.strip():
                    wanted[pk, clause.pk] = _("No secretary is on record for %(name)s.") % {"name": name}
    satisfaction = [clause for clause in clauses if clause.trigger == VetoTrigger.SATISFACTION_BELOW]
    if satisfaction:
        rates = {rate.organization_id: rate for rate in SatisfactionRate.objects.filter(
            standard=standard, organization_id__in=sheets.values("organization_id"))}
        for pk, organization_id in sheets.filter(organization_id__in=list(rates)).values_list("pk", "organization_id"):
            rate = rates[organization_id]
            for clause in satisfaction:
                if rate.rate < clause.threshold:
                    wanted[pk, clause.pk] = satisfaction_evidence(rate=rate, threshold=clause.threshold)
    marks = {(mark.sheet_id, mark.clause_id): mark for mark in VetoMark.objects.filter(sheet__in=sheets, clause__in=clauses)}
    changed = set()
    new = []
    for key, evidence in wanted.items():
        mark = marks.get(key)
        if mark is None:
            new.append(VetoMark(sheet_id=key[0], clause_id=key[1], evidence=evidence, automatic=True))
            changed.add(key[0])
        elif mark.automatic and mark.evidence != evidence:
            VetoMark.objects.filter(pk=mark.pk).update(evidence=evidence)
    VetoMark.objects.bulk_create(new, batch_size=SHEET_WRITE_BATCH)
    lifted = [mark.pk for key, mark in marks.items() if mark.automatic and key not in wanted]
    if lifted:
        changed |= {key[0] for key, mark in marks.items() if mark.pk in lifted}
        VetoMark.objects.filter(pk__in=lifted).delete()
    return changed


def _rescore_after_data(*, actor, standard: Standard, sheets, reason: str = "") -> int:
    """The data changed: marks follow it on these sheets, which are re-scored; each whose result changed is audited."""
    before = {sheet.pk: _sheet_state(sheet) for sheet in sheets.filter(standard=standard).select_for_update()}
    if not before:
        return 0
    sheets_follow_data(standard=standard, sheets=sheets)
    sheets_rescore(standard=standard, sheet_ids=list(before))
    changed = 0
    for sheet in ScoreSheet.objects.filter(pk__in=list(before)).select_related("organization", "standard"):
        if _sheet_state(sheet) != before[sheet.pk]:
            changed += 1
            audit_record(actor=actor, obj=sheet, organization=sheet.organization, action="sheet.data_veto",
                         before=before[sheet.pk], after=_sheet_state(sheet), reason=reason)
    return changed


@transaction.atomic
def satisfaction_record(*, actor, organization: Organization, standard: Standard, rate: Decimal,
                        evidence: str) -> SatisfactionRate:
    """Record the satisfaction rate (0–1) counted for an organization under a standard (from an anonymous ballot):
    the satisfaction veto clauses of its sheets follow it, those of a sheet started later too. Recorded by those
    who may enter one of its sheets (its secretary, administrators above, its superior), as run its ballots."""
    if not (access.can_enter(actor, organization, AssessorKind.SELF)
            or access.can_enter(actor, organization, AssessorKind.SUPERIOR)):
        access.check_enter(actor, organization, AssessorKind.SUPERIOR)  # 404 outside the actor's scope, else 403
    if not isinstance(rate, Decimal) or not Decimal(0) <= rate <= Decimal(1):
        raise ValidationError({"rate": _("Satisfaction rate: it must be a share between 0 and 1.")})
    if not (evidence or "").strip():
        raise ValidationError({"evidence": _("Counted by: please say where the rate was counted.")})
    record = SatisfactionRate.objects.select_for_update().filter(organization=organization, standard=standard).first()
    if record is not None and (record.rate, record.evidence) == (rate, evidence.strip()):
        return record
    before = {"rate": str(record.rate), "evidence": record.evidence} if record else None
    if record is None:
        record = SatisfactionRate(organization=organization, standard=standard)
    record.rate, record.evidence, record.recorded_by = rate, evidence.strip(), actor
    record.save()
    audit_record(actor=actor, obj=record, organization=organization, action="satisfaction.record", before=before,
                 after={"rate": str(rate), "evidence": record.evidence})
    _rescore_after_data(actor=actor, standard=standard, sheets=ScoreSheet.objects.filter(organization=organization))
    return record


@transaction.atomic
def organization_sheets_follow(*, actor=None, organization: Organization) -> int:
    """The organization's data changed (its secretary): veto clauses bound to it follow on all its sheets.
    Returns the number of sheets whose result changed."""
    sheets = ScoreSheet.objects.filter(organization=organization)
    changed = 0
    for standard in Standard.objects.filter(pk__in=sheets.values("standard_id")):
        changed += _rescore_after_data(actor=actor, standard=standard, sheets=sheets,
                                       reason=_("The data of %(name)s changed.") % {"name": organization.name})
    return changed
