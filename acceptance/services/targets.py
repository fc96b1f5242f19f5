"""Targets as data (升级目标): a level sets the least share moving from a grade or star count to a higher one or to
a model title; never below its superiors', other sectors never below the communities'."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from acceptance import access, rules, selectors
from acceptance.choices import TargetSource
from acceptance.models import Target
from acceptance.services.common import percent, refuse
from core.services import audit_record
from cycles import access as cycle_access
from cycles.models import Cycle
from orgs.choices import Sector
from orgs.models import Organization


def _share(value) -> Decimal:
    try:
        share = Decimal(str(value).strip().rstrip("%")) if value not in (None, "") else None
    except InvalidOperation:
        share = None
    if share is None or not share.is_finite():
        refuse("share", _("Least share: enter a percentage from 0 to 100."))
    if isinstance(value, str) and value.strip().endswith("%"):
        share = share / 100
    if share > 1:
        refuse("share", _("Least share: %(value)s is over 100 %%; enter a percentage from 0 to 100.") % {
            "value": percent(share)})
    if share < 0:
        refuse("share", _("Least share: enter a percentage from 0 to 100."))
    return share.quantize(Decimal("0.0001"))


@transaction.atomic
def target_set(*, actor, cycle: Cycle, level: Organization, sector: str, origin: str, goal: str, share,
               reason: str = "") -> Target:
    """Set one target of a level. ``share`` is a fraction (0.25) or a percentage ("25%"). Refused below the
    superiors' share for the same target (seeds/001 逐级承诺), and for another sector than the communities below
    theirs (seeds/002 "其他领域…应高于社区党组织争创目标"); the message names the level it comes from."""
    level = Organization.objects.select_for_update().get(pk=level.pk)
    access.require(actor, access.can_run_level(actor, level), level)
    if not cycle_access.in_cycle(cycle, level):
        refuse("level", _("Level: %(name)s is not in this cycle.") % {"name": level.name})
    if sector and sector not in Sector.values:
        refuse("sector", _("Sector: %(value)s is not a sector.") % {"value": sector})
    if not rules.origin_valid(origin):
        refuse("origin", _("From: choose a grade or a number of stars."))
    if not rules.goal_valid(goal) or not rules.goal_above_origin(origin, goal):
        refuse("goal", _("To: choose a grade above the starting one, more stars, or a model title."))
    share = _share(share)
    floor, source_level, source_sector = selectors.target_floor(cycle=cycle, level=level, sector=sector, origin=origin,
                                                                goal=goal)
    if share < floor:
        start, end = selectors.target_words(origin, goal)
        refuse("share", _("Least share: %(share)s is below the %(floor)s that %(level)s set for %(start)s → %(end)s"
                          "%(sector)s; a level may raise its superior's targets, never lower them.") % {
            "share": percent(share), "floor": percent(floor), "level": source_level.name, "start": start, "end": end,
            "sector": f"（{Sector(source_sector).label}）" if source_sector else ""})
    target = Target.objects.select_for_update().filter(cycle=cycle, organization=level, sector=sector, origin=origin,
                                                       goal=goal).first()
    before = {"share": str(target.share)} if target else {}
    if target is not None and target.share == share:
        return target
    if target is None:
        target = Target(cycle=cycle, organization=level, sector=sector, origin=origin, goal=goal)
    target.share, target.source, target.set_by = share, TargetSource.LEVEL, actor
    target.save()
    audit_record(actor=actor, obj=target, organization=level, action="target.set", before=before,
                 after={"sector": sector, "origin": origin, "goal": goal, "share": str(share)}, reason=reason)
    return target


@transaction.atomic
def targets_seed(*, actor, cycle: Cycle) -> int:
    """The implementation plans' targets (acceptance.rules.SEED_TARGETS) at the cycle's owner, where none is set."""
    owner = Organization.objects.select_for_update().get(pk=cycle.owner_id)
    access.require(actor, access.can_run_level(actor, owner), owner)
    have = set(Target.objects.filter(cycle=cycle, organization=owner).values_list("sector", "origin", "goal"))
    new = [Target(cycle=cycle, organization=owner, sector=sector, origin=origin, goal=goal, share=Decimal(share),
                  source=TargetSource.SEED, set_by=actor)
           for sector, origin, goal, share in rules.SEED_TARGETS if (sector, origin, goal) not in have]
    Target.objects.bulk_create(new)
    if new:
        audit_record(actor=actor, obj=cycle, organization=owner, action="target.seed",
                     after={"targets": len(new)})
    return len(new)
