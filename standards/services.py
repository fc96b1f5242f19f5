"""Writes on standards and score sheets.

A standard's content changes through ``standard_revise`` (a new version once frozen) or, for an
error found after sheets were entered, ``standard_correct`` (in place, with a reason, re-scoring
every sheet). Sheets change through deductions and veto marks; each change re-scores the sheet
with the pure rules of ``standards.rules`` and writes its audit event in the same transaction.
"""

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Sum, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import audit_record
from orgs import access as org_access
from orgs.choices import Sector
from orgs.models import Organization
from standards import access, defaults, rules
from standards.choices import AssessorKind, DeductionKind, VetoTrigger
from standards.default_items import DEFAULTS
from standards.models import (
    Deduction,
    Indicator,
    Item,
    SatisfactionRate,
    ScoreSheet,
    Standard,
    VetoClause,
    VetoMark,
)
from standards.selectors import satisfaction_evidence, standard_structure
from standards.structure import IndicatorData, ItemData, StandardData, VetoData, validate

SHEET_WRITE_BATCH = 2000


def scheme_of(standard: Standard) -> rules.Scheme:
    return rules.Scheme(standard.scheme, tuple(rules.Band(b["grade"], Decimal(str(b["min_score"]))) for b in standard.bands))


def star_bands_of(standard: Standard) -> tuple[rules.StarBand, ...]:
    return tuple(rules.StarBand(int(b["stars"]), Decimal(str(b["min_score"]))) for b in standard.star_bands)


def _bands_json(scheme: rules.Scheme) -> list[dict]:
    return [{"grade": band.grade, "min_score": str(band.min_score)} for band in scheme.bands]


def _stars_json(star_bands) -> list[dict]:
    return [{"stars": band.stars, "min_score": str(band.min_score)} for band in star_bands]


def _quotas_json(quotas) -> list[dict]:
    return [{"grade": q.grade, "share": str(q.share), "at_most": q.at_most} for q in quotas]


def _raise_problems(problems: list[str]) -> None:
    if problems:
        raise ValidationError({"structure": problems})


def _write_structure(standard: Standard, data: StandardData) -> None:
    """Replace a (not yet used) standard's indicators, items and veto clauses."""
    standard.indicators.all().delete()
    standard.vetoes.all().delete()
    for position, indicator_data in enumerate(data.indicators, start=1):
        indicator = Indicator.objects.create(standard=standard, position=position, name=indicator_data.name.strip())
        Item.objects.bulk_create(
            Item(indicator=indicator, position=n, code=item.code.strip(), text=item.text.strip(),
                 max_points=item.max_points, deduction_kind=item.deduction_kind, deduction_points=item.deduction_points,
                 guidance=item.guidance.strip(), is_editable_default=item.is_editable_default)
            for n, item in enumerate(indicator_data.items, start=1)
        )
    VetoClause.objects.bulk_create(
        VetoClause(standard=standard, position=n, text=veto.text.strip(), trigger=veto.trigger, threshold=veto.threshold)
        for n, veto in enumerate(data.vetoes, start=1)
    )


def _check_issuer(actor, issuer: Organization) -> None:
    org_access.check(actor, issuer, org_access.MANAGE)


@transaction.atomic
def standard_create(*, actor, issuer: Organization, sector: str, year: int, name: str, data: StandardData,
                    scheme_key: str = defaults.THREE_GRADES.key, reason: str = "") -> Standard:
    """A new standard (the next version for its issuer, sector and year) from its content."""
    _check_issuer(actor, issuer)
    errors = {}
    if sector not in Sector.values:
        errors["sector"] = _("Sector: %(value)s is not a sector.") % {"value": sector}
    if scheme_key not in defaults.SCHEMES:
        errors["scheme"] = _("Grade scheme: %(value)s is not a grade scheme.") % {"value": scheme_key}
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = _("Year: %(value)s is not a valid year.") % {"value": year}
    if not name.strip():
        errors["name"] = _("Name: please name the standard.")
    problems = validate(data)
    if problems:
        errors["structure"] = problems
    if errors:
        raise ValidationError(errors)
    scheme = defaults.SCHEMES[scheme_key]
    standard = Standard.objects.create(
        issuer=issuer, sector=sector, year=year, version=_next_version(issuer, sector, year), name=name.strip(),
        scheme=scheme.key, bands=_bands_json(scheme), star_bands=_stars_json(defaults.STAR_BANDS),
        quotas=_quotas_json(defaults.QUOTAS[scheme.key]),
    )
    _write_structure(standard, data)
    audit_record(actor=actor, obj=standard, organization=issuer, action="standard.create",
                 after={"sector": sector, "year": year, "version": standard.version}, reason=reason)
    return standard


def standard_create_default(*, actor, issuer: Organization, sector: str, year: int) -> Standard:
    """A new standard for a sector and year from the built-in defaults (standards/default_items.py)."""
    if sector not in DEFAULTS:
        raise ValidationError({"sector": _("Sector: there is no default standard for %(sector)s.") % {"sector": sector}})
    default = DEFAULTS[sector]
    data = StandardData(
        indicators=tuple(_indicator_data(name, items) for name, items in default.indicators),
        vetoes=tuple(_veto_data(veto) for veto in default.vetoes),
    )
    return standard_create(actor=actor, issuer=issuer, sector=sector, year=year, name=default.name, data=data,
                           scheme_key=default.scheme)


def _indicator_data(name, items):
    return IndicatorData(name=name, items=tuple(
        ItemData(code=i.code, text=i.text, max_points=i.max_points, deduction_kind=i.deduction_kind,
                 deduction_points=i.deduction_points, guidance=i.guidance, is_editable_default=i.is_editable_default)
        for i in items))


def _veto_data(veto):
    return VetoData(text=veto.text, trigger=veto.trigger, threshold=veto.threshold)


def _next_version(issuer, sector, year) -> int:
    latest = Standard.objects.filter(issuer=issuer, sector=sector, year=year).order_by("-version").first()
    return latest.version + 1 if latest else 1


def _copy(standard: Standard, *, issuer: Organization, year: int, name: str, derived_from, previous_version) -> Standard:
    copy = Standard.objects.create(
        issuer=issuer, sector=standard.sector, year=year, version=_next_version(issuer, standard.sector, year),
        name=name, derived_from=derived_from, previous_version=previous_version, scheme=standard.scheme,
        bands=standard.bands, star_bands=standard.star_bands, quotas=standard.quotas, notes=standard.notes,
    )
    _write_structure(copy, standard_structure(standard=standard))
    return copy


@transaction.atomic
def standard_derive(*, actor, source: Standard, issuer: Organization, name: str = "") -> Standard:
    """A lower level's own standard, derived from its superior's (seeds/002: "可结合工作实际…调整")."""
    _check_issuer(actor, issuer)
    if not issuer.path.startswith(source.issuer.path) or issuer.pk == source.issuer_id:
        raise ValidationError({"issuer": _("Issued by: %(name)s is not below the issuer of the standard it derives from.")
                               % {"name": issuer.name}})
    derived = _copy(source, issuer=issuer, year=source.year, name=name or f"{source.name}（{issuer.display_name}）",
                    derived_from=source, previous_version=None)
    audit_record(actor=actor, obj=derived, organization=issuer, action="standard.derive", after={"derived_from": source.pk})
    return derived


@transaction.atomic
def standard_revise(*, actor, standard: Standard, data: StandardData, reason: str = "") -> Standard:
    """Change a standard's content. A frozen standard is left as it is and a new version takes the change."""
    standard = Standard.objects.select_for_update().get(pk=standard.pk)
    _check_issuer(actor, standard.issuer)
    _raise_problems(validate(data))
    before = standard_structure(standard=standard)
    if before == data:
        return standard
    target = standard
    if standard.is_frozen:
        target = _copy(standard, issuer=standard.issuer, year=standard.year, name=standard.name,
                       derived_from=standard.derived_from, previous_version=standard)
    _write_structure(target, data)
    audit_record(actor=actor, obj=target, organization=standard.issuer, action="standard.revise",
                 before={"version": standard.version}, after={"version": target.version}, reason=reason)
    return target


@transaction.atomic
def standard_correct(*, actor, standard: Standard, data: StandardData, reason: str) -> int:
    """Correct an error in a standard already in use, in place, and re-score every sheet that uses it.

    The items keep their codes (only texts, points and rules change), so every deduction still
    points at its item. Returns the number of sheets whose result changed.
    """
    standard = Standard.objects.select_for_update().get(pk=standard.pk)
    _check_issuer(actor, standard.issuer)
    if not reason.strip():
        raise ValidationError({"reason": _("Reason: please say what the correction fixes.")})
    _raise_problems(validate(data))
    before = standard_structure(standard=standard)
    new_items = {item.code: item for item in data.items()}
    if {item.code for item in before.items()} != set(new_items):
        raise ValidationError({"structure": [_("A correction keeps the same item codes; add or remove items in a new version.")]})
    items = {item.code: item for item in Item.objects.filter(indicator__standard=standard)}
    for code, item in items.items():
        new = new_items[code]
        rule_changed = (item.deduction_kind, item.deduction_points) != (new.deduction_kind, new.deduction_points)
        item.text, item.max_points, item.guidance = new.text, new.max_points, new.guidance
        item.deduction_kind, item.deduction_points = new.deduction_kind, new.deduction_points
        item.save(update_fields=["text", "max_points", "guidance", "deduction_kind", "deduction_points"])
        if rule_changed:
            _reprice_deductions(item)
    for clause, veto in zip(standard.vetoes.order_by("position"), data.vetoes, strict=False):
        if (clause.text, clause.trigger, clause.threshold) != (veto.text, veto.trigger, veto.threshold):
            clause.text, clause.trigger, clause.threshold = veto.text, veto.trigger, veto.threshold
            clause.save(update_fields=["text", "trigger", "threshold"])
    sheets_follow_data(standard=standard)  # a threshold may have changed
    changed = sheets_rescore(standard=standard)
    audit_record(actor=actor, obj=standard, organization=standard.issuer, action="standard.correct",
                 after={"sheets_changed": changed}, reason=reason)
    return changed


def _reprice_deductions(item: Item) -> None:
    """Deductions follow their item's rule: occurrences × points, or the fixed amount."""
    deductions = Deduction.objects.filter(item=item)
    if item.deduction_kind == DeductionKind.PER_OCCURRENCE:
        deductions.update(points=F("occurrences") * Value(item.deduction_points))
    else:
        deductions.update(points=item.deduction_points)


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
        raise ValidationError({"assessor_kind": _("Assessed by: choose self-assessment or the superior's assessment.")})
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
