"""Writes on a standard: created (from content or the built-in defaults), derived, revised, corrected."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.utils.translation import gettext as _

from core.services import audit_record
from core.versions import refuse_if_newer
from orgs import access as org_access
from orgs.choices import Sector
from orgs.models import Organization
from standards import defaults, rules
from standards.choices import DeductionKind
from standards.default_items import DEFAULTS
from standards.models import (
    Deduction,
    Indicator,
    Item,
    Standard,
    VetoClause,
)
from standards.selectors import standard_structure
from standards.services.sheets import sheets_follow_data, sheets_rescore
from standards.structure import IndicatorData, ItemData, StandardData, VetoData, replace_item, validate


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
def item_update(*, actor, standard: Standard, code: str, version: str | None = None, reason: str = "",
                **values) -> Standard:
    """Change one item through ``standard_revise``, read under the standard's lock so that a stale edit form
    (``version``, core.versions) does not revert another person's save of the item."""
    standard = Standard.objects.select_for_update().get(pk=standard.pk)
    _check_issuer(actor, standard.issuer)
    item = Item.objects.filter(indicator__standard=standard, code=code).first()
    if item is None:
        raise ValidationError({"structure": [_("Item %(code)s is no longer in this standard.") % {"code": code}]})
    refuse_if_newer(item, version, values)
    data = replace_item(standard_structure(standard=standard), code, **values)
    return standard_revise(actor=actor, standard=standard, data=data, reason=reason)


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
        item.save(update_fields=["text", "max_points", "guidance", "deduction_kind", "deduction_points", "updated_at"])
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
