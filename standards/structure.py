"""A standard's structure as plain data: what Excel import/export, editing and diffs exchange.

``StandardData`` is the whole editable content of a standard (indicators, items, veto clauses);
``validate`` names every problem in Chinese by item code; ``diff`` compares two versions item by
item. No database here.
"""

from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from standards.choices import DeductionKind, VetoTrigger
from standards.rules import FULL_MARKS

ITEM_FIELDS = ("text", "max_points", "deduction_kind", "deduction_points", "guidance")


@dataclass(frozen=True)
class ItemData:
    code: str
    text: str
    max_points: Decimal
    deduction_kind: str
    deduction_points: Decimal
    guidance: str = ""
    is_editable_default: bool = False


@dataclass(frozen=True)
class IndicatorData:
    name: str
    items: tuple[ItemData, ...]


@dataclass(frozen=True)
class VetoData:
    text: str
    trigger: str = VetoTrigger.MANUAL
    threshold: Decimal | None = None


@dataclass(frozen=True)
class StandardData:
    indicators: tuple[IndicatorData, ...]
    vetoes: tuple[VetoData, ...] = field(default_factory=tuple)

    def items(self) -> list[ItemData]:
        return [item for indicator in self.indicators for item in indicator.items]


def to_decimal(value) -> Decimal | None:
    """A number typed by a person (12, "12.5", " 3 ") as a Decimal; None when it is not one."""
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def validate(data: StandardData) -> list[str]:
    """Every problem of a standard's structure, each naming the item or indicator, in the user's language."""
    problems = []
    if not data.indicators:
        problems.append(_("The standard has no indicators."))
    seen_codes = set()
    total = Decimal(0)
    for indicator in data.indicators:
        if not indicator.name.strip():
            problems.append(_("An indicator has no name."))
        if not indicator.items:
            problems.append(_("Indicator %(name)s has no items.") % {"name": indicator.name})
        for item in indicator.items:
            label = {"code": item.code or "?", "indicator": indicator.name}
            if not item.code.strip():
                problems.append(_("An item of %(indicator)s has no code.") % label)
            elif item.code in seen_codes:
                problems.append(_("Item %(code)s: the code is used twice.") % label)
            seen_codes.add(item.code)
            if not item.text.strip():
                problems.append(_("Item %(code)s: the scoring point is empty.") % label)
            if item.max_points is None or item.max_points <= 0:
                problems.append(_("Item %(code)s: the maximum points must be more than 0.") % label)
            elif item.max_points != item.max_points.quantize(Decimal("0.1")):
                problems.append(_("Item %(code)s: points have at most one decimal place.") % label)
            if item.deduction_kind not in DeductionKind.values:
                problems.append(_("Item %(code)s: the deduction rule must be per occurrence or fixed.") % label)
            if item.deduction_points is None or item.deduction_points <= 0:
                problems.append(_("Item %(code)s: the points deducted must be more than 0.") % label)
            elif item.max_points is not None and item.deduction_points > item.max_points:
                problems.append(
                    _("Item %(code)s: the points deducted (%(points)s) exceed the item's maximum (%(max)s).")
                    % {**label, "points": item.deduction_points, "max": item.max_points}
                )
            if item.max_points is not None and item.max_points > 0:
                total += item.max_points
    if data.indicators and total != FULL_MARKS:
        problems.append(_("The items' maximum points add up to %(total)s, not 100.") % {"total": total})
    for number, veto in enumerate(data.vetoes, start=1):
        if not veto.text.strip():
            problems.append(_("Veto clause %(number)d is empty.") % {"number": number})
        if veto.trigger not in VetoTrigger.values:
            problems.append(_("Veto clause %(number)d: unknown trigger.") % {"number": number})
        if veto.trigger == VetoTrigger.SATISFACTION_BELOW and (veto.threshold is None or not 0 < veto.threshold <= 1):
            problems.append(_("Veto clause %(number)d: the satisfaction threshold must be a share between 0 and 1.")
                            % {"number": number})
    return problems


@dataclass(frozen=True)
class ItemChange:
    code: str
    change: str  # "added", "removed" or "changed"
    fields: dict[str, tuple]  # field → (before, after)


def diff(before: StandardData, after: StandardData) -> list[ItemChange]:
    """How ``after`` differs from ``before``, item by item (matched by item code)."""
    old = {item.code: item for item in before.items()}
    new = {item.code: item for item in after.items()}
    changes = []
    for code, item in new.items():
        if code not in old:
            changes.append(ItemChange(code, "added", {name: (None, getattr(item, name)) for name in ITEM_FIELDS}))
            continue
        fields = {name: (getattr(old[code], name), getattr(item, name)) for name in ITEM_FIELDS
                  if getattr(old[code], name) != getattr(item, name)}
        if fields:
            changes.append(ItemChange(code, "changed", fields))
    for code, item in old.items():
        if code not in new:
            changes.append(ItemChange(code, "removed", {name: (getattr(item, name), None) for name in ITEM_FIELDS}))
    return changes


def replace_item(data: StandardData, code: str, **changes) -> StandardData:
    """The same standard with one item's fields changed."""
    return replace(data, indicators=tuple(
        replace(indicator, items=tuple(replace(item, **changes) if item.code == code else item for item in indicator.items))
        for indicator in data.indicators))
