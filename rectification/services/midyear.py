"""七一前考评 (seeds/001 三3): a level rates the progress of each direct subordinate, all on one page."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.services import audit_record_many
from cycles.models import Cycle
from orgs.models import Organization
from rectification import access, tallies
from rectification.choices import MidyearRating
from rectification.models import MidyearCheck
from rectification.services.common import settings_of


@transaction.atomic
def midyear_rate(*, actor, cycle: Cycle, level: Organization, ratings: list[dict]) -> int:
    """Rate direct subordinates at once: each {"organization_id", "rating", "reason", "new_deadline"}; a
    criticism needs its reason and a new deadline. All or nothing; an unchanged rating writes nothing.
    Returns how many changed."""
    access.require(actor, access.can_rate_below(actor, level), level)
    subordinates = {org.pk: org for org in Organization.objects.filter(parent=level, dissolved_on__isnull=True)}
    ends_on = settings_of(cycle).ends_on
    errors: dict[str, list[str]] = {}
    cleaned = []
    for entry in ratings:
        organization = subordinates.get(int(entry.get("organization_id") or 0))
        if organization is None:
            errors.setdefault("ratings", []).append(_("Ratings: an organization named is not a direct subordinate "
                                                      "of %(level)s.") % {"level": level.name})
            continue
        rating = entry.get("rating") or ""
        if not rating:
            continue
        reason, deadline = (entry.get("reason") or "").strip(), entry.get("new_deadline")
        if isinstance(deadline, str):
            try:
                deadline = datetime.date.fromisoformat(deadline) if deadline else None
            except ValueError:
                errors.setdefault("new_deadline", []).append(_("%(name)s: the new deadline %(value)s is not a date.")
                                                             % {"name": organization.name, "value": deadline})
                continue
        if rating not in MidyearRating.values:
            errors.setdefault("rating", []).append(_("%(name)s: choose praised, average or criticized.") % {
                "name": organization.name})
        elif rating == MidyearRating.CRITICIZE:
            if not reason:
                errors.setdefault("reason", []).append(_("%(name)s: a criticism needs its reason.") % {
                    "name": organization.name})
            if deadline is None:
                errors.setdefault("new_deadline", []).append(_("%(name)s: a criticism needs the new deadline by "
                                                               "which things are put right.") % {"name": organization.name})
            elif deadline > ends_on:
                errors.setdefault("new_deadline", []).append(_("%(name)s: the new deadline is after the end of the "
                                                               "year's rectification (%(end)s).") % {
                    "name": organization.name, "end": ends_on.isoformat()})
        else:
            deadline = None
        cleaned.append((organization, rating, reason, deadline))
    if errors:
        raise ValidationError(errors)
    existing = {check.organization_id: check for check in MidyearCheck.objects.select_for_update().filter(
        cycle=cycle, organization_id__in=[org.pk for org, *_rest in cleaned])}
    changes, audits, new, updated = [], [], [], []
    for organization, rating, reason, deadline in cleaned:
        check = existing.get(organization.pk)
        if check is not None and (check.rating, check.reason, check.new_deadline) == (rating, reason, deadline):
            continue
        before = {"rating": check.rating, "reason": check.reason} if check else None
        changes.append((organization.path, tallies.midyear_keys(rating=check.rating if check else ""),
                        tallies.midyear_keys(rating=rating)))
        if check is None:
            check = MidyearCheck(cycle=cycle, organization=organization)
            new.append(check)
        else:
            updated.append(check)
        check.rating, check.reason, check.new_deadline, check.rated_by = rating, reason, deadline, actor
        audits.append((check, organization, before, {"rating": rating, "reason": reason,
                                                     "new_deadline": deadline.isoformat() if deadline else None}))
    MidyearCheck.objects.bulk_create(new)
    for check in updated:
        check.save()
    tallies.apply(cycle=cycle, changes=changes)
    audit_record_many(actor=actor, action="midyear.rate", changes=audits)
    return len(audits)
