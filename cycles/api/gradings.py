"""``/gradings``: one organization's grading — its steps, submit, return, determine, department inputs, reopen."""

from ninja import Router

from cycles import access, services
from cycles.api.schemas import (
    DecideIn,
    DepartmentInputIn,
    GradingDetailOut,
    GradingId,
    GradingReturnIn,
    ReopenIn,
    StepIn,
)
from cycles.models import Grading

router = Router(tags=["gradings"])


def _grading(request, grading_id: int) -> Grading:
    return access.get_grading_for(request.user, grading_id)


@router.get("/{grading_id}", response=GradingDetailOut)
def grading_detail(request, grading_id: GradingId):
    """One organization's grading with its step records and department inputs."""
    return _grading(request, grading_id)


@router.post("/{grading_id}/steps", response=GradingDetailOut)
def step_record(request, grading_id: GradingId, payload: StepIn):
    """Record (or record again) one of the organization's own steps, in the cycle's order, before its deadline."""
    grading = _grading(request, grading_id)
    services.step_record(actor=request.user, grading=grading, step=payload.step, held_on=payload.held_on,
                         participants=payload.participants, grade=payload.grade or "", votes=payload.votes,
                         notes=payload.notes)
    return _grading(request, grading_id)


@router.post("/{grading_id}/submit", response=GradingDetailOut)
def grading_submit(request, grading_id: GradingId):
    """Submit the declaration to the superior once the organization's own steps are all recorded."""
    return services.grading_submit(actor=request.user, grading=_grading(request, grading_id))


@router.post("/{grading_id}/return", response=GradingDetailOut)
def grading_return(request, grading_id: GradingId, payload: GradingReturnIn):
    """The superior returns a submission with a reason on each step that needs work."""
    return services.grading_return(actor=request.user, grading=_grading(request, grading_id), reasons=payload.reasons)


@router.post("/{grading_id}/decide", response=GradingDetailOut)
def grading_decide(request, grading_id: GradingId, payload: DecideIn):
    """上级党组织评定: the direct superior sets the grade; a grade other than the declared one needs a reason."""
    return services.grading_decide(actor=request.user, grading=_grading(request, grading_id), grade=payload.grade,
                                   reason=payload.reason, revise=payload.revise)


@router.post("/{grading_id}/inputs", response=GradingDetailOut)
def department_input(request, grading_id: GradingId, payload: DepartmentInputIn):
    """Record (or replace) another department's assessment of a street committee (目督办, 信访局, 民政局)."""
    grading = _grading(request, grading_id)
    services.department_input_record(actor=request.user, grading=grading, department=payload.department,
                                     score=payload.score, comment=payload.comment)
    return _grading(request, grading_id)


@router.post("/{grading_id}/reopen", response=GradingDetailOut)
def grading_reopen(request, grading_id: GradingId, payload: ReopenIn):
    """Reopen an approved grading (the level that approved it, with a reason); its list opens again."""
    return services.grading_reopen(actor=request.user, grading=_grading(request, grading_id), reason=payload.reason)
