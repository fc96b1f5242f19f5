"""``/cycles/{id}/levels/{level}``: a level's kept-current summary, its subordinates, what is overdue, its list."""

from django.http import Http404
from ninja import Router
from ninja.pagination import paginate

from core.api import Pagination
from cycles import access, selectors, services
from cycles.api.schemas import (
    CycleId,
    GradingOut,
    LevelId,
    LevelListOut,
    ListReturnIn,
    ListSubmitIn,
    OverdueListOut,
    OverdueOut,
    SummaryOut,
    _username,
)
from cycles.models import Cycle, LevelList
from standards.choices import Grade

router = Router(tags=["cycles"])


def _level_list(cycle: Cycle, level) -> LevelList:
    level_list = selectors.level_list_of(cycle=cycle, level=level)
    if level_list is None:
        raise Http404
    return level_list


def _level_list_out(cycle: Cycle, level, level_list: LevelList | None) -> dict:
    level_list = level_list or LevelList(cycle=cycle, organization=level)
    failures = services.list_quota_failures(cycle=cycle, level=level)
    return {
        "cycle_id": cycle.pk, "organization_id": level.pk, "state": level_list.state,
        "state_label": level_list.get_state_display(), "exception": level_list.exception,
        "return_reason": level_list.return_reason, "submitted_by": _username(level_list.submitted_by),
        "submitted_at": level_list.submitted_at, "decided_by": _username(level_list.decided_by),
        "decided_at": level_list.decided_at,
        "quota_problems": [{"grade": f.rule.grade, "grade_label": str(Grade(f.rule.grade).label), "share": f.rule.share,
                            "at_most": f.rule.at_most, "count": f.count, "total": f.total, "by": f.by} for f in failures],
    }


@router.get("/{cycle_id}/levels/{level_id}/summary", response=SummaryOut)
def level_summary(request, cycle_id: CycleId, level_id: LevelId):
    """A level's kept-current counts over its subtree: by state, by sector and grade, by stars, by step."""
    cycle, level = access.get_cycle_organization_for(request.user, cycle_id, level_id)
    counts = selectors.level_summary(user=request.user, cycle=cycle, level=level)
    return {"cycle_id": cycle.pk, "organization_id": level.pk, "total": sum(counts["state"].values()), **counts}


@router.get("/{cycle_id}/levels/{level_id}/gradings", response=list[GradingOut])
@paginate(Pagination)
def subordinate_gradings(request, cycle_id: CycleId, level_id: LevelId):
    """The gradings of the level's direct subordinates, by official code: what the level determines and lists."""
    cycle, level = access.get_cycle_organization_for(request.user, cycle_id, level_id)
    return selectors.subordinate_gradings(user=request.user, cycle=cycle, level=level)


@router.get("/{cycle_id}/levels/{level_id}/overdue", response=list[OverdueOut])
def overdue_list(request, cycle_id: CycleId, level_id: LevelId):
    """Gradings in the level's subtree whose current step is past its deadline (at most 200), extensions included."""
    cycle, level = access.get_cycle_organization_for(request.user, cycle_id, level_id)
    return [{"grading": item.grading, "step": item.step, "what": item.what, "deadline": item.deadline}
            for item in selectors.overdue_list(user=request.user, cycle=cycle, level=level)]


@router.get("/{cycle_id}/levels/{level_id}/overdue-lists", response=list[OverdueListOut])
def overdue_lists(request, cycle_id: CycleId, level_id: LevelId):
    """Levels in the subtree whose list is not submitted past its deadline (at most 200)."""
    cycle, level = access.get_cycle_organization_for(request.user, cycle_id, level_id)
    return [{"level_id": item.level.pk, "level_name": item.level.name, "state": item.state, "deadline": item.deadline}
            for item in selectors.overdue_lists(user=request.user, cycle=cycle, level=level)]


@router.get("/{cycle_id}/levels/{level_id}/list", response=LevelListOut)
def level_list_detail(request, cycle_id: CycleId, level_id: LevelId):
    """The level's list of its subordinates' determinations: where it stands, and the quota rules it breaks now."""
    cycle, level = access.get_cycle_organization_for(request.user, cycle_id, level_id)
    return _level_list_out(cycle, level, selectors.level_list_of(cycle=cycle, level=level))


@router.post("/{cycle_id}/levels/{level_id}/list/submit", response=LevelListOut)
def level_list_submit(request, cycle_id: CycleId, level_id: LevelId, payload: ListSubmitIn):
    """Report the list upward: every subordinate determined and the quotas kept, or a written exception."""
    cycle, level = access.get_cycle_organization_for(request.user, cycle_id, level_id)
    level_list = services.level_list_submit(actor=request.user, cycle=cycle, level=level, exception=payload.exception)
    return _level_list_out(cycle, level, level_list)


@router.post("/{cycle_id}/levels/{level_id}/list/approve", response=LevelListOut)
def level_list_approve(request, cycle_id: CycleId, level_id: LevelId):
    """审核: approve a submitted list; every determination in it is approved and locked at once."""
    cycle, level = access.get_cycle_organization_for(request.user, cycle_id, level_id)
    level_list = services.level_list_approve(actor=request.user, level_list=_level_list(cycle, level))
    return _level_list_out(cycle, level, level_list)


@router.post("/{cycle_id}/levels/{level_id}/list/return", response=LevelListOut)
def level_list_return(request, cycle_id: CycleId, level_id: LevelId, payload: ListReturnIn):
    """Return a submitted list with a reason on each determination that needs work; the others stand."""
    cycle, level = access.get_cycle_organization_for(request.user, cycle_id, level_id)
    level_list = services.level_list_return(actor=request.user, level_list=_level_list(cycle, level),
                                            reasons=payload.reasons)
    return _level_list_out(cycle, level, level_list)
