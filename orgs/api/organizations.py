"""The JSON API of the organization tree: organizations, their basic facts and role assignments.

Every endpoint is thin: parse, authorize through ``orgs.access``, call one service or selector,
return. An object outside the user's scope answers 404, the same as a missing one; one inside
it that the user may not act on answers 403. Input fields carry their model field's
``verbose_name`` as title, so a schema error names the field in the user's language.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from core.api import Pagination
from core.models import AuditEvent
from orgs import access, selectors, services
from orgs.choices import OrganizationKind, Role, Sector, VenueStatus
from orgs.models import Organization, OrganizationFacts, RoleAssignment

router = Router(tags=["organizations"])
roles_router = Router(tags=["role assignments"])


def label(model, name: str):
    """A model field's verbose_name, still lazy: it is rendered in the language of each request."""
    return model._meta.get_field(name).verbose_name


def labelled(model, name: str, default=..., **kwargs):
    """A schema field titled with the model field's verbose_name."""
    return Field(default, title=label(model, name), **kwargs)


OrganizationId = Path[int, {"title": label(RoleAssignment, "organization")}]
Year = Path[int, {"title": label(OrganizationFacts, "year")}]
AssignmentId = Path[int, {"title": RoleAssignment._meta.verbose_name}]


# Schemas ----------------------------------------------------------------------------------------


class InputSchema(Schema):
    # Choice fields reach the services as their plain values ("branch"), as the forms send them.
    model_config = ConfigDict(use_enum_values=True)


class OrganizationOut(Schema):
    id: int
    name: str
    short_name: str
    code: str
    kind: OrganizationKind
    kind_label: str
    sector: Sector
    sector_label: str
    parent_id: int | None
    depth: int
    established_on: datetime.date | None
    dissolved_on: datetime.date | None
    merged_into_id: int | None
    secretary: str
    first_secretary: str
    children_count: int = Field(description="Active direct subordinates.")
    subtree_count: int = Field(description="Active organizations in the subtree, this one included.")

    @staticmethod
    def resolve_kind_label(organization: Organization) -> str:
        return organization.get_kind_display()

    @staticmethod
    def resolve_sector_label(organization: Organization) -> str:
        return organization.get_sector_display()

    @staticmethod
    def resolve_subtree_count(organization: Organization) -> int:
        return selectors.organization_subtree_count(organization=organization)


class OrganizationPage(Schema):
    items: list[OrganizationOut]
    count: int


class OrganizationFilter(InputSchema):
    parent: int | None = labelled(Organization, "parent", None)
    q: str = Field("", title=gettext_lazy("name or official code"),
                   description="Name contains, or official code starts with, this text.")
    sector: Sector | None = labelled(Organization, "sector", None)
    kind: OrganizationKind | None = labelled(Organization, "kind", None)
    include_dissolved: bool = Field(False, title=gettext_lazy("include dissolved organizations"))


class OrganizationIn(InputSchema):
    parent: int | None = labelled(Organization, "parent", None,
                                  description="Required, except for a system administrator creating a top-level organization.")
    name: str = labelled(Organization, "name")
    short_name: str = labelled(Organization, "short_name", "")
    code: str = labelled(Organization, "code")
    kind: OrganizationKind = labelled(Organization, "kind")
    sector: Sector = labelled(Organization, "sector")
    established_on: datetime.date | None = labelled(Organization, "established_on", None)
    secretary: str = labelled(Organization, "secretary", "")
    first_secretary: str = labelled(Organization, "first_secretary", "")


class OrganizationPatch(InputSchema):
    """Only the fields sent are changed."""

    name: str | None = labelled(Organization, "name", None)
    short_name: str | None = labelled(Organization, "short_name", None)
    code: str | None = labelled(Organization, "code", None)
    kind: OrganizationKind | None = labelled(Organization, "kind", None)
    sector: Sector | None = labelled(Organization, "sector", None)
    established_on: datetime.date | None = labelled(Organization, "established_on", None)
    secretary: str | None = labelled(Organization, "secretary", None)
    first_secretary: str | None = labelled(Organization, "first_secretary", None)
    reason: str = labelled(AuditEvent, "reason", "")


class MoveIn(InputSchema):
    parent: int = labelled(Organization, "parent")
    reason: str = labelled(AuditEvent, "reason", "")


class DissolveIn(InputSchema):
    dissolved_on: datetime.date = labelled(Organization, "dissolved_on")
    reason: str = labelled(AuditEvent, "reason")


class MergeIn(InputSchema):
    target: int = labelled(Organization, "merged_into", description="The organization that takes this one in.")
    merged_on: datetime.date = Field(title=gettext_lazy("merged on"))
    reason: str = labelled(AuditEvent, "reason")


class FactsIn(InputSchema):
    members_total: int = labelled(OrganizationFacts, "members_total")
    probationary_members: int = labelled(OrganizationFacts, "probationary_members", 0)
    female_members: int = labelled(OrganizationFacts, "female_members", 0)
    members_under_35: int = labelled(OrganizationFacts, "members_under_35", 0)
    college_members: int = labelled(OrganizationFacts, "college_members", 0)
    leadership_size: int = labelled(OrganizationFacts, "leadership_size", 0)
    mobile_members: int = labelled(OrganizationFacts, "mobile_members", 0)
    venue_status: VenueStatus = labelled(OrganizationFacts, "venue_status", VenueStatus.NONE)
    venue_expected_completion: datetime.date | None = labelled(OrganizationFacts, "venue_expected_completion", None)
    main_features: str = labelled(OrganizationFacts, "main_features", "")
    problems: str = labelled(OrganizationFacts, "problems", "")


class FactsOut(Schema):
    organization_id: int
    year: int
    members_total: int
    probationary_members: int
    female_members: int
    members_under_35: int
    college_members: int
    leadership_size: int
    mobile_members: int
    venue_status: VenueStatus
    venue_status_label: str
    venue_expected_completion: datetime.date | None
    main_features: str
    problems: str
    updated_at: datetime.datetime

    @staticmethod
    def resolve_venue_status_label(facts: OrganizationFacts) -> str:
        return facts.get_venue_status_display()


class AuditFilter(InputSchema):
    actor: str = Field("", title=gettext_lazy("actor (user name)"))
    action: str = labelled(AuditEvent, "action", "")
    date_from: datetime.date | None = Field(None, title=gettext_lazy("from"))
    date_to: datetime.date | None = Field(None, title=gettext_lazy("to"))


class AuditEventOut(Schema):
    id: int
    time: datetime.datetime
    actor: str | None
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: dict | None
    after: dict | None
    reason: str

    @staticmethod
    def resolve_actor(event: AuditEvent) -> str | None:
        return event.actor.get_username() if event.actor else None


class RoleFilter(InputSchema):
    organization: int | None = labelled(RoleAssignment, "organization", None)


class RoleAssignmentIn(InputSchema):
    username: str = Field(title=gettext_lazy("user name"))
    organization: int = labelled(RoleAssignment, "organization")
    role: Role = labelled(RoleAssignment, "role")


class RoleAssignmentOut(Schema):
    id: int
    user_id: int
    username: str
    organization_id: int
    organization_name: str
    role: Role
    role_label: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_username(assignment: RoleAssignment) -> str:
        return assignment.user.get_username()

    @staticmethod
    def resolve_organization_name(assignment: RoleAssignment) -> str:
        return assignment.organization.name

    @staticmethod
    def resolve_role_label(assignment: RoleAssignment) -> str:
        return assignment.get_role_display()


# Organizations ----------------------------------------------------------------------------------


@router.get("/", response=list[OrganizationOut])
@paginate(Pagination)
def organization_list(request, filters: Query[OrganizationFilter]):
    """The organizations in your scope, in tree order, filtered by parent, name or code, sector and kind."""
    if filters.parent is not None:
        access.get_organization_for(request.user, filters.parent)
    return selectors.organization_list(
        user=request.user,
        parent_id=filters.parent,
        query=filters.q.strip(),
        sector=filters.sector or "",
        kind=filters.kind or "",
        include_dissolved=filters.include_dissolved,
    )


@router.get("/{organization_id}", response=OrganizationOut)
def organization_detail(request, organization_id: OrganizationId):
    """One organization."""
    return access.get_organization_for(request.user, organization_id)


@router.get("/{organization_id}/children", response=OrganizationPage)
def organization_children(request, organization_id: OrganizationId, page: Query[Pagination.Input]):
    """One page of an organization's active direct subordinates, by official code.

    ``count`` is the kept-current number of active subordinates, read rather than counted.
    """
    parent = access.get_organization_for(request.user, organization_id)
    children = selectors.organization_children(user=request.user, parent=parent, offset=page.offset, limit=page.limit)
    return {"items": children, "count": parent.children_count}


@router.get("/{organization_id}/ancestors", response=list[OrganizationOut])
def organization_ancestors(request, organization_id: OrganizationId):
    """The organization's superiors inside your scope, the top first (the breadcrumbs)."""
    organization = access.get_organization_for(request.user, organization_id)
    return selectors.organization_ancestors(user=request.user, organization=organization)


@router.post("/", response={201: OrganizationOut})
def organization_create(request, payload: OrganizationIn):
    """Create an organization under ``parent``; only a system administrator may leave it out to create a top level."""
    if payload.parent is not None:
        parent = access.get_organization_for(request.user, payload.parent, access.MANAGE)
    elif access.can_create_root(request.user):
        parent = None
    else:
        raise ValidationError({"parent": _("%(field)s: this field is required.") % {
            "field": capfirst(label(Organization, "parent"))}})
    data = payload.model_dump(exclude={"parent"})
    return Status(201, services.organization_create(actor=request.user, parent=parent, **data))


@router.patch("/{organization_id}", response=OrganizationOut)
def organization_update(request, organization_id: OrganizationId, payload: OrganizationPatch):
    """Rename or edit an organization: only the fields sent change. Its place in the tree changes with /move."""
    organization = access.get_organization_for(request.user, organization_id, access.MANAGE)
    return services.organization_update(
        actor=request.user, organization=organization, **payload.model_dump(exclude_unset=True)
    )


@router.post("/{organization_id}/move", response=OrganizationOut)
def organization_move(request, organization_id: OrganizationId, payload: MoveIn):
    """Move an organization with its whole subtree under another parent in your managing scope."""
    organization = access.get_organization_for(request.user, organization_id, access.MANAGE)
    new_parent = access.get_organization_for(request.user, payload.parent, access.MANAGE)
    return services.organization_move(
        actor=request.user, organization=organization, new_parent=new_parent, reason=payload.reason
    )


@router.post("/{organization_id}/dissolve", response=OrganizationOut)
def organization_dissolve(request, organization_id: OrganizationId, payload: DissolveIn):
    """Dissolve an organization that has no active subordinates; it stays in the tree for history."""
    organization = access.get_organization_for(request.user, organization_id, access.MANAGE)
    return services.organization_dissolve(
        actor=request.user, organization=organization, dissolved_on=payload.dissolved_on, reason=payload.reason
    )


@router.post("/{organization_id}/merge", response=OrganizationOut)
def organization_merge(request, organization_id: OrganizationId, payload: MergeIn):
    """Merge an organization into ``target``: its subordinates move under the target, then it is dissolved."""
    source = access.get_organization_for(request.user, organization_id, access.MANAGE)
    target = access.get_organization_for(request.user, payload.target, access.MANAGE)
    return services.organization_merge(
        actor=request.user, source=source, target=target, merged_on=payload.merged_on, reason=payload.reason
    )


# Basic facts ------------------------------------------------------------------------------------


@router.get("/{organization_id}/facts", response=list[FactsOut])
def facts_list(request, organization_id: OrganizationId):
    """An organization's basic facts, one entry per year, the latest first."""
    organization = access.get_organization_for(request.user, organization_id)
    return selectors.facts_list(user=request.user, organization=organization)


@router.get("/{organization_id}/facts/{year}", response=FactsOut)
def facts_detail(request, organization_id: OrganizationId, year: Year):
    """An organization's basic facts for one year."""
    organization = access.get_organization_for(request.user, organization_id)
    return get_object_or_404(selectors.facts_list(user=request.user, organization=organization), year=year)


@router.put("/{organization_id}/facts/{year}", response=FactsOut)
def facts_save(request, organization_id: OrganizationId, year: Year, payload: FactsIn):
    """Create or replace an organization's basic facts for one year (administrators above it, or its secretary)."""
    organization = access.get_organization_for(request.user, organization_id, access.EDIT_FACTS)
    return services.facts_save(actor=request.user, organization=organization, year=year, **payload.model_dump())


# Audit ------------------------------------------------------------------------------------------


@router.get("/{organization_id}/audit", response=list[AuditEventOut])
@paginate(Pagination)
def audit_event_list(request, organization_id: OrganizationId, filters: Query[AuditFilter]):
    """The changes made to an organization, newest first, filtered by actor, action and dates."""
    organization = access.get_organization_for(request.user, organization_id)
    return selectors.audit_event_list(user=request.user, organization=organization, **filters.model_dump())


# Role assignments -------------------------------------------------------------------------------


@roles_router.get("/", response=list[RoleAssignmentOut])
@paginate(Pagination)
def role_assignment_list(request, filters: Query[RoleFilter]):
    """Role assignments on the organizations in your scope, or on one organization."""
    organization = None
    if filters.organization is not None:
        organization = access.get_organization_for(request.user, filters.organization)
    return selectors.role_assignment_list(user=request.user, organization=organization)


@roles_router.post("/", response={201: RoleAssignmentOut})
def role_assignment_create(request, payload: RoleAssignmentIn):
    """Give a user a role on an organization in your managing scope."""
    organization = access.get_organization_for(request.user, payload.organization, access.MANAGE)
    username = payload.username.strip()
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError({"username": _("User name: no user is called %(name)s.") % {"name": username}})
    return Status(201, services.role_assignment_create(
        actor=request.user, user=user, organization=organization, role=payload.role
    ))


@roles_router.delete("/{assignment_id}", response={204: None})
def role_assignment_delete(request, assignment_id: AssignmentId,
                           reason: str = Query("", title=label(AuditEvent, "reason"))):
    """Take a role away."""
    assignment = access.get_role_assignment_for(request.user, assignment_id, access.MANAGE)
    services.role_assignment_delete(actor=request.user, assignment=assignment, reason=reason)
    return Status(204, None)
