"""The JSON API of rectification, on the same services, selectors and access rules as the pages.

``/rectification``: an organization's plan in a cycle (read, file problems with measures, submit, return,
approve, revise), a measure's progress and its way to 销号, and per level the kept-current summary, the
overdue measures, approval of its submitted plans at once and the mid-year check. Every endpoint is thin:
parse, find the objects through ``rectification.access`` (404 outside the user's scope, 403 inside it when
the action is not theirs), call one service or selector, answer. Input fields carry their model field's
``verbose_name`` as title, so a schema error names the field in the user's language.
"""

import datetime

from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from cycles import access as cycle_access
from orgs import access as org_access
from rectification import access, selectors, services
from rectification.choices import MeasureKind, MidyearRating, ProblemSource
from rectification.models import Measure, MidyearCheck, Plan, Problem, ProgressReport
from standards.choices import Grade

router = Router(tags=["rectification"])


def labelled(model, name: str, default=..., **kwargs):
    return Field(default, title=model._meta.get_field(name).verbose_name, **kwargs)


class InputSchema(Schema):
    model_config = ConfigDict(use_enum_values=True)


# Schemas ----------------------------------------------------------------------------------------


class MeasureOut(Schema):
    id: int
    text: str
    kind: str
    responsible_person: str
    deadline: datetime.date
    expected_result: str
    assisting_unit: str | None
    liaison_leader: str | None
    review: str
    review_note: str
    state: str
    answer: str
    reopen_reason: str

    @staticmethod
    def resolve_assisting_unit(measure: Measure) -> str | None:
        return measure.assisting_unit.name if measure.assisting_unit else None

    @staticmethod
    def resolve_liaison_leader(measure: Measure) -> str | None:
        return measure.liaison_leader.name if measure.liaison_leader else None


class ProblemOut(Schema):
    id: int
    title: str
    description: str
    causes: str
    source: str
    deduction_id: int | None
    measures: list[MeasureOut]

    @staticmethod
    def resolve_measures(problem: Problem) -> list:
        return list(problem.measures.all())


class PlanOut(Schema):
    id: int
    cycle_id: int
    organization_id: int
    organization_name: str
    state: str
    version: int
    current_grade: str
    target_grade: str
    target_stars: int | None
    overall_targets: list[dict]
    return_reason: str
    problems: list[ProblemOut]

    @staticmethod
    def resolve_organization_name(plan: Plan) -> str:
        return plan.organization.name

    @staticmethod
    def resolve_problems(plan: Plan) -> list:
        return selectors.plan_problems(plan=plan)


class MeasureIn(InputSchema):
    text: str = labelled(Measure, "text")
    kind: MeasureKind = labelled(Measure, "kind", MeasureKind.PLANNED)
    responsible_person: str = labelled(Measure, "responsible_person", "")
    deadline: datetime.date | None = labelled(Measure, "deadline", None)
    expected_result: str = labelled(Measure, "expected_result", "")
    assisting_unit: str = labelled(Measure, "assisting_unit", "", description="A name: named once, then reused.")
    liaison_leader: str = labelled(Measure, "liaison_leader", "")


class ProblemIn(InputSchema):
    title: str = labelled(Problem, "title")
    description: str = labelled(Problem, "description", "")
    causes: str = labelled(Problem, "causes", "")
    source: ProblemSource = labelled(Problem, "source", ProblemSource.OTHER)
    measures: list[MeasureIn] = Field(default_factory=list)


class PlanFileIn(InputSchema):
    target_grade: Grade | None = labelled(Plan, "target_grade", None)
    target_stars: int | None = labelled(Plan, "target_stars", None, ge=0, le=5)
    problems: list[ProblemIn] = Field(default_factory=list)


class ReturnIn(Schema):
    reasons: dict[int, str] = Field(default_factory=dict, description="Measure id → why it is returned.")
    reason: str = Field("", description="About the plan as a whole.")


class ReasonIn(Schema):
    reason: str = ""


class AnswerIn(Schema):
    answer: str = labelled(Measure, "answer")


class ProgressIn(Schema):
    reported_on: datetime.date = labelled(ProgressReport, "reported_on")
    text: str = labelled(ProgressReport, "text")
    evidence_ids: list[int] = Field(default_factory=list, description="Evidence already uploaded for the plan.")


class ProgressOut(Schema):
    id: int
    measure_id: int
    reported_on: datetime.date
    text: str


class RatingIn(InputSchema):
    organization_id: int
    rating: MidyearRating = labelled(MidyearCheck, "rating")
    reason: str = labelled(MidyearCheck, "reason", "")
    new_deadline: datetime.date | None = labelled(MidyearCheck, "new_deadline", None)


class MidyearIn(Schema):
    ratings: list[RatingIn]


class CountOut(Schema):
    count: int


class SummaryOut(Schema):
    plans: dict[str, int]
    measures: dict[str, int]
    midyear: dict[str, int]
    overdue: int
    organizations: int
    without_plan: int


class OverdueOut(Schema):
    id: int
    organization_id: int
    organization_name: str
    text: str
    responsible_person: str
    deadline: datetime.date

    @staticmethod
    def resolve_organization_id(measure: Measure) -> int:
        return measure.plan.organization_id

    @staticmethod
    def resolve_organization_name(measure: Measure) -> str:
        return measure.plan.organization.name


class TodoOut(Schema):
    kind: str
    cycle_id: int
    organization_id: int
    plan_id: int | None
    measure_id: int | None
    count: int
    deadline: datetime.date | None
    overdue: bool

    @staticmethod
    def resolve_cycle_id(todo) -> int:
        return todo.cycle.pk

    @staticmethod
    def resolve_organization_id(todo) -> int:
        return todo.organization.pk

    @staticmethod
    def resolve_plan_id(todo) -> int | None:
        return todo.plan.pk if todo.plan else None

    @staticmethod
    def resolve_measure_id(todo) -> int | None:
        return todo.measure.pk if todo.measure else None


# Helpers ----------------------------------------------------------------------------------------


def _cycle_org(request, cycle_id: int, organization_id: int):
    cycle = cycle_access.get_cycle_for(request.user, cycle_id)
    organization = org_access.get_organization_for(request.user, organization_id)
    if not organization.path.startswith(cycle.owner.path):
        raise Http404
    return cycle, organization


def _plan(request, plan_id: int) -> Plan:
    return access.get_plan_for(request.user, plan_id)


# Plans ------------------------------------------------------------------------------------------


@router.get("/cycles/{cycle_id}/orgs/{organization_id}/plan", response=PlanOut)
def plan_detail(request, cycle_id: int, organization_id: int):
    """The organization's plan in the cycle, with its problems and measures; 404 when none is started."""
    cycle, organization = _cycle_org(request, cycle_id, organization_id)
    plan = selectors.plan_of(cycle=cycle, organization=organization)
    if plan is None:
        raise Http404
    return plan


@router.post("/cycles/{cycle_id}/orgs/{organization_id}/plan", response={201: PlanOut})
def plan_file(request, cycle_id: int, organization_id: int, payload: PlanFileIn):
    """File problems with their measures (and the targets) in one go: all or nothing."""
    cycle, organization = _cycle_org(request, cycle_id, organization_id)
    plan = services.plan_file(actor=request.user, cycle=cycle, organization=organization,
                              target_grade=payload.target_grade or "", target_stars=payload.target_stars,
                              problems=[problem.dict() for problem in payload.problems])
    return Status(201, _plan(request, plan.pk))


@router.post("/plans/{plan_id}/submit", response=PlanOut)
def plan_submit(request, plan_id: int):
    """两诺: submit the plan to the direct superior."""
    return services.plan_submit(actor=request.user, plan=_plan(request, plan_id))


@router.post("/plans/{plan_id}/return", response=PlanOut)
def plan_return(request, plan_id: int, payload: ReturnIn):
    """The superior returns the plan with a reason on each measure that needs work."""
    return services.plan_return(actor=request.user, plan=_plan(request, plan_id), reasons=payload.reasons,
                                reason=payload.reason)


@router.post("/plans/{plan_id}/approve", response=PlanOut)
def plan_approve(request, plan_id: int):
    """两审: the superior approves the plan; it is locked and kept as a version."""
    return services.plan_approve(actor=request.user, plan=_plan(request, plan_id))


@router.post("/plans/{plan_id}/revise", response=PlanOut)
def plan_revise(request, plan_id: int, payload: ReasonIn):
    """Start a new version of an approved plan, reviewed again."""
    return services.plan_revise(actor=request.user, plan=_plan(request, plan_id), reason=payload.reason)


# Measures ---------------------------------------------------------------------------------------


@router.post("/measures/{measure_id}/progress", response={201: ProgressOut})
def measure_progress(request, measure_id: int, payload: ProgressIn):
    """A dated progress report; new files are uploaded on the plan's page, evidence already kept is named by id."""
    measure = access.get_measure_for(request.user, measure_id)
    return Status(201, services.progress_report(actor=request.user, measure=measure, reported_on=payload.reported_on,
                                                text=payload.text, evidence_ids=payload.evidence_ids))


@router.post("/measures/{measure_id}/done", response=MeasureOut)
def measure_done(request, measure_id: int):
    return services.measure_complete(actor=request.user, measure=access.get_measure_for(request.user, measure_id))


@router.post("/measures/{measure_id}/verify", response=MeasureOut)
def measure_verify(request, measure_id: int):
    """销号: the superior strikes off a done measure."""
    return services.measure_verify(actor=request.user, measure=access.get_measure_for(request.user, measure_id))


@router.post("/measures/{measure_id}/reopen", response=MeasureOut)
def measure_reopen(request, measure_id: int, payload: ReasonIn):
    return services.measure_reopen(actor=request.user, measure=access.get_measure_for(request.user, measure_id),
                                   reason=payload.reason)


@router.post("/measures/{measure_id}/answer", response=MeasureOut)
def measure_answer(request, measure_id: int, payload: AnswerIn):
    """The superior answers a measure that needs it."""
    return services.measure_answer(actor=request.user, measure=access.get_measure_for(request.user, measure_id),
                                   answer=payload.answer)


# Levels -----------------------------------------------------------------------------------------


@router.get("/cycles/{cycle_id}/levels/{level_id}/summary", response=SummaryOut)
def level_summary(request, cycle_id: int, level_id: int):
    """The level's subtree counted from the kept-current tallies: plans and measures by state, overdue, ratings."""
    cycle, level = _cycle_org(request, cycle_id, level_id)
    return selectors.level_summary(cycle=cycle, level=level, today=timezone.localdate())


@router.get("/cycles/{cycle_id}/levels/{level_id}/overdue", response=list[OverdueOut])
def level_overdue(request, cycle_id: int, level_id: int):
    """Open measures past their deadline in the level's subtree (the first 200), the earliest first."""
    cycle, level = _cycle_org(request, cycle_id, level_id)
    return selectors.overdue_measures(user=request.user, cycle=cycle, level=level, today=timezone.localdate())


@router.post("/cycles/{cycle_id}/levels/{level_id}/approve", response=CountOut)
def level_approve(request, cycle_id: int, level_id: int):
    """Approve every submitted plan of the level's direct subordinates at once."""
    cycle, level = _cycle_org(request, cycle_id, level_id)
    return {"count": services.plan_approve_many(actor=request.user, cycle=cycle, level=level)}


@router.post("/cycles/{cycle_id}/levels/{level_id}/midyear", response=CountOut)
def level_midyear(request, cycle_id: int, level_id: int, payload: MidyearIn):
    """七一前考评 of the level's direct subordinates, in one call: all or nothing."""
    cycle, level = _cycle_org(request, cycle_id, level_id)
    return {"count": services.midyear_rate(actor=request.user, cycle=cycle, level=level,
                                           ratings=[rating.dict() for rating in payload.ratings])}


@router.get("/todos", response=list[TodoOut])
def todos(request):
    """What rectification asks of the user now."""
    return selectors.todo_list(user=request.user)
