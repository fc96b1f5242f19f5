"""Writes of the roster: add, change and transfer members; the basic facts' counts taken from it.

Every service runs in one transaction, locks what it changes, writes its audit event and does nothing
when nothing changes. Bad input is a ValidationError naming its field in Chinese; nothing is half-saved.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import audit_record, changed_fields, snapshot
from members import selectors
from members.choices import Education, Gender, MemberStatus
from members.models import Member, Transfer
from orgs import access as org_access
from orgs import services as org_services
from orgs.models import Organization, OrganizationFacts

MEMBER_FIELDS = ["name", "gender", "birth_date", "education", "joined_on", "probationary", "mobile",
                 "mobile_where", "phone", "status"]
EARLIEST_DATE = datetime.date(1900, 1, 1)
# Read once: an enum's ``values`` builds a new list on every call, 100,000 times in a roster's import.
CHOICE_VALUES = {Gender: frozenset(Gender.values), Education: frozenset(Education.values),
                 MemberStatus: frozenset(MemberStatus.values)}


def _label(name: str) -> str:
    return str(Member._meta.get_field(name).verbose_name)


def _date(name: str, value, errors: dict, today: datetime.date):
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value or "").strip())
        except ValueError:
            errors[name] = _("%(field)s: %(value)s is not a date (YYYY-MM-DD).") % {"field": _label(name), "value": value}
            return None
    if not EARLIEST_DATE <= value <= today:
        errors[name] = _("%(field)s: %(value)s is not a possible date.") % {"field": _label(name), "value": value}
        return None
    return value


def member_clean(data: dict[str, Any], *, today: datetime.date | None = None) -> dict[str, Any]:
    """A member's fields checked and normalized; a ValidationError names every bad field (also used by the import)."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    cleaned["name"] = str(data.get("name") or "").strip()
    if not cleaned["name"]:
        errors["name"] = _("%(field)s: enter the member's name.") % {"field": _label("name")}
    for name, choices in (("gender", Gender), ("education", Education)):
        value = data.get(name)
        if value not in CHOICE_VALUES[choices]:
            errors[name] = _("%(field)s: choose one of %(choices)s.") % {
                "field": _label(name), "choices": "、".join(str(label) for label in choices.labels)}
        cleaned[name] = value
    status = data.get("status") or MemberStatus.ACTIVE
    if status not in CHOICE_VALUES[MemberStatus]:
        errors["status"] = _("%(field)s: choose one of %(choices)s.") % {
            "field": _label("status"), "choices": "、".join(str(label) for label in MemberStatus.labels)}
    cleaned["status"] = status
    cleaned["birth_date"] = _date("birth_date", data.get("birth_date"), errors, today)
    cleaned["joined_on"] = _date("joined_on", data.get("joined_on"), errors, today)
    if cleaned["birth_date"] and cleaned["joined_on"] and cleaned["joined_on"] <= cleaned["birth_date"]:
        errors["joined_on"] = _("%(field)s: the member joined before being born.") % {"field": _label("joined_on")}
    for flag in ("probationary", "mobile"):
        cleaned[flag] = bool(data.get(flag))
    cleaned["mobile_where"] = str(data.get("mobile_where") or "").strip() if cleaned["mobile"] else ""
    if cleaned["mobile"] and not cleaned["mobile_where"]:
        errors["mobile_where"] = _("%(field)s: say where the mobile member is.") % {"field": _label("mobile_where")}
    phone = str(data.get("phone") or "").strip()
    if phone and not (phone.replace("-", "").replace(" ", "").isdigit() and len(phone) <= 20):
        errors["phone"] = _("%(field)s: %(value)s is not a phone number.") % {"field": _label("phone"), "value": phone}
    cleaned["phone"] = phone
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_unique(organization: Organization, cleaned: dict, exclude: int | None = None) -> None:
    if cleaned["status"] != MemberStatus.ACTIVE:
        return
    twins = Member.objects.filter(organization=organization, name=cleaned["name"], birth_date=cleaned["birth_date"],
                                  status=MemberStatus.ACTIVE)
    if exclude:
        twins = twins.exclude(pk=exclude)
    if twins.exists():
        raise ValidationError({"name": _("%(name)s, born %(date)s, is already on the roster of %(org)s.") % {
            "name": cleaned["name"], "date": cleaned["birth_date"], "org": organization.name}})


@transaction.atomic
def member_create(*, actor, organization: Organization, **data: Any) -> Member:
    """Add a member to a branch's roster."""
    organization = org_services.organization_lock(organization)
    org_access.check(actor, organization, org_access.EDIT_FACTS)
    cleaned = member_clean(data)
    _check_unique(organization, cleaned)
    member = Member.objects.create(organization=organization, **cleaned)
    audit_record(actor=actor, obj=member, organization=organization, action="member.create",
                 after=snapshot(member, [f for f in MEMBER_FIELDS if f != "phone"]))
    return member


@transaction.atomic
def member_update(*, actor, member: Member, **data: Any) -> Member:
    """Change a member's record (the phone is audited as changed, never by its value)."""
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    org_access.check(actor, member.organization, org_access.EDIT_FACTS)
    cleaned = member_clean({**snapshot(member, MEMBER_FIELDS), **data})
    changes = changed_fields(member, cleaned)
    if not changes:
        return member
    _check_unique(member.organization, cleaned, exclude=member.pk)
    shown = [f for f in changes if f != "phone"]
    before = snapshot(member, shown)
    for name, value in changes.items():
        setattr(member, name, value)
    member.save(update_fields=list(changes))
    audit_record(actor=actor, obj=member, organization=member.organization, action="member.update",
                 before=before, after=snapshot(member, shown),
                 reason=_("private phone changed") if "phone" in changes else "")
    return member


@transaction.atomic
def member_transfer(*, actor, member: Member, to_organization: Organization,
                    transferred_on: datetime.date | None = None) -> Transfer:
    """组织关系转接: move a member to another branch, keeping the move as history.

    The sending branch's keepers record it; the receiving branch must be inside the actor's reading scope
    (the move of a member is within a subtree both sides can see)."""
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    org_access.check(actor, member.organization, org_access.EDIT_FACTS)
    if not org_access.can_view(actor, to_organization):
        raise ValidationError({"to_organization": _("Receiving branch: not found.")})
    if to_organization.pk == member.organization_id:
        raise ValidationError({"to_organization": _("Receiving branch: the member is already in %(org)s.") % {
            "org": to_organization.name}})
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError({"to_organization": _("%(name)s is %(status)s and cannot be transferred.") % {
            "name": member.name, "status": member.get_status_display()}})
    _check_unique(to_organization, {"name": member.name, "birth_date": member.birth_date, "status": member.status})
    transfer = Transfer.objects.create(member=member, from_organization=member.organization,
                                       to_organization=to_organization,
                                       transferred_on=transferred_on or timezone.localdate(), recorded_by=actor)
    from_organization = member.organization
    member.organization = to_organization
    member.save(update_fields=["organization"])
    audit_record(actor=actor, obj=member, organization=from_organization, action="member.transfer",
                 before={"from_organization": from_organization.pk}, after={"to_organization": to_organization.pk})
    return transfer


COUNT_FIELDS = ["members_total", "probationary_members", "female_members", "members_under_35", "college_members",
                "mobile_members"]


@transaction.atomic
def facts_from_roster(*, actor, organization: Organization, year: int) -> OrganizationFacts:
    """Write a branch's basic facts' counts from its roster for a year (the rest of the facts stand)."""
    counts = selectors.roster_counts(organization=organization)
    if counts is None:
        raise ValidationError({"members_total": _("%(org)s has no roster to count.") % {"org": organization.name}})
    existing = OrganizationFacts.objects.filter(organization=organization, year=year).first()
    data = {name: getattr(existing, name) for name in org_services.FACT_FIELDS} if existing else {}
    data.update(counts.__dict__)
    return org_services.facts_save(actor=actor, organization=organization, year=year, **data)

