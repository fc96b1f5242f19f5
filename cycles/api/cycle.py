"""``/cycles``: cycles, their deadlines' extensions, each user's to-dos, an organization's grading in a cycle."""

from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from core.api import Pagination
from cycles import access, selectors, services
from cycles.api.schemas import (
    CycleId,
    CycleOpenIn,
    CycleOut,
    CycleUpdateIn,
    ExtensionIn,
    ExtensionOut,
    GradingDetailOut,
    OrganizationId,
    TodoOut,
)
from cycles.models import Grading
from orgs import access as org_access
from standards import access as standard_access

router = Router(tags=["cycles"])


@router.get("/", response=list[CycleOut])
@paginate(Pagination)
def cycle_list(request):
    """Cycles opened above you or inside your scope, the latest year first."""
    return selectors.cycle_list(user=request.user).select_related("opened_by").prefetch_related("standards")


@router.post("/", response={201: CycleOut})
def cycle_open(request, payload: CycleOpenIn):
    """Open the year's cycle for ``owner``'s subtree: one grading per active organization below it."""
    owner = org_access.get_organization_for(request.user, payload.owner, org_access.MANAGE)
    standards = {sector: standard_access.get_standard_for(request.user, pk) for sector, pk in payload.standards.items()}
    cycle = services.cycle_open(
        actor=request.user, owner=owner, year=payload.year, name=payload.name, preset=payload.preset, steps=payload.steps,
        deadlines=payload.deadlines, list_deadlines=payload.list_deadlines, standards=standards,
        quotas=[quota.as_rule() for quota in payload.quotas] if payload.quotas is not None else None,
        notice=payload.notice, survey_enabled=payload.survey_enabled, lock_after_deadline=payload.lock_after_deadline)
    return Status(201, cycle)


# Declared before "/{cycle_id}" so that "todo" is not read as an id.
@router.get("/todo", response=list[TodoOut])
def todo_list(request):
    """What awaits you now: steps to record, returned gradings to resubmit, submissions to determine, lists to approve."""
    return [{"kind": todo.kind, "cycle_id": todo.cycle.pk, "cycle_name": todo.cycle.name,
             "organization_id": todo.organization.pk, "organization_name": todo.organization.name,
             "grading_id": todo.grading.pk if todo.grading else None, "deadline": todo.deadline, "overdue": todo.overdue,
             "step": todo.due.step if todo.due and todo.due.step else None, "what": todo.due.what if todo.due else None,
             "closed": bool(todo.due and todo.due.closed), "count": todo.count}
            for todo in selectors.todo_list(user=request.user)]


@router.get("/{cycle_id}", response=CycleOut)
def cycle_detail(request, cycle_id: CycleId):
    """One cycle: its steps, deadlines, quota rules, standards and notice."""
    return access.get_cycle_for(request.user, cycle_id)


@router.patch("/{cycle_id}", response=CycleOut)
def cycle_update(request, cycle_id: CycleId, payload: CycleUpdateIn):
    """Change the deadlines (e.g. extend one), the list deadlines, the notice or the quota rules."""
    cycle = access.get_cycle_for(request.user, cycle_id, org_access.MANAGE)
    changes = payload.model_dump(exclude_unset=True, exclude={"quotas"})
    if payload.quotas is not None:
        changes["quotas"] = [quota.as_rule() for quota in payload.quotas]
    return services.cycle_update(actor=request.user, cycle=cycle, **changes)


@router.get("/{cycle_id}/extensions", response=list[ExtensionOut])
@paginate(Pagination)
def extension_list(request, cycle_id: CycleId):
    """The deadlines the cycle's owner extended for single organizations (its administrators see them)."""
    cycle = access.get_cycle_for(request.user, cycle_id, org_access.MANAGE)
    return cycle.extensions.select_related("organization", "granted_by").order_by("organization__path", "step")


@router.post("/{cycle_id}/extensions", response=ExtensionOut)
def deadline_extend(request, cycle_id: CycleId, payload: ExtensionIn):
    """Give one organization a later last day for one step, with a reason (the cycle's owner only)."""
    cycle = access.get_cycle_for(request.user, cycle_id)
    organization = org_access.get_organization_for(request.user, payload.organization)
    return services.deadline_extend(actor=request.user, cycle=cycle, organization=organization, step=payload.step,
                                    until=payload.until, reason=payload.reason)


@router.get("/{cycle_id}/organizations/{organization_id}/grading", response=GradingDetailOut)
def organization_grading(request, cycle_id: CycleId, organization_id: OrganizationId):
    """An organization's grading in the cycle (how a branch finds its own)."""
    cycle = access.get_cycle_for(request.user, cycle_id)
    organization = org_access.get_organization_for(request.user, organization_id)
    grading = get_object_or_404(Grading, cycle=cycle, organization=organization)
    return access.get_grading_for(request.user, grading.pk)
