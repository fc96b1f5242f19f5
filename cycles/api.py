"""The JSON API of the yearly cycle and the grading workflow, on the same services, selectors and access rules as the pages.

Two routers: ``/cycles`` for cycles and what happens per level (kept-current summary, the
subordinates' gradings, overdue lists, the level's list and its approval, each user's to-dos),
``/gradings`` for one organization's grading (its steps, submit, return, determine, department
inputs, reopen). Every endpoint is thin: parse, find the objects through ``cycles.access`` and
``orgs.access``, call one service or selector, answer. A cycle, level or grading outside the
user's scope answers 404, the same as a missing one; inside it, an action that is not the user's
answers 403. Input fields carry their model field's ``verbose_name`` as title, so a schema error
names the field in the user's language; the services' refusals come back as 400 in the same format.
"""

import datetime
from decimal import Decimal
from typing import Annotated

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from core.api import Pagination
from core.models import AuditEvent
from cycles import access, selectors, services
from cycles.choices import Preset, Step
from cycles.models import Cycle, CycleStandard, DeadlineExtension, DepartmentInput, Grading, LevelList, StepRecord
from orgs import access as org_access
from standards import access as standard_access
from standards.choices import Grade
from standards.models import ScoreSheet

router = Router(tags=["cycles"])
gradings_router = Router(tags=["gradings"])


def label(model, name: str):
    """A model field's verbose_name, still lazy: it is rendered in the language of each request."""
    return model._meta.get_field(name).verbose_name


def labelled(model, name: str, default=..., **kwargs):
    """A schema field titled with the model field's verbose_name."""
    return Field(default, title=label(model, name), **kwargs)


CycleId = Path[int, {"title": Cycle._meta.verbose_name}]
LevelId = Path[int, {"title": label(LevelList, "organization")}]
OrganizationId = Path[int, {"title": label(Grading, "organization")}]
GradingId = Path[int, {"title": Grading._meta.verbose_name}]


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


# Schemas ----------------------------------------------------------------------------------------


class InputSchema(Schema):
    # Choice fields reach the services as their plain values ("advanced"), as the forms send them.
    model_config = ConfigDict(use_enum_values=True)


class QuotaSchema(InputSchema):
    """One quota rule (seeds/000 先进比例不能过高，确保有一定后进比例): a cap or a floor on one grade's share."""

    grade: Grade = labelled(ScoreSheet, "grade")
    share: Decimal = Field(ge=0, le=1, description="The share, from 0 to 1 (0.30 is 30%).")
    at_most: bool = Field(description="true: at most this share (a cap); false: at least this share (a floor).")

    def as_rule(self) -> dict:
        return {"grade": self.grade, "share": str(self.share), "at_most": self.at_most}


class CycleOut(Schema):
    id: int
    owner_id: int
    owner_name: str
    year: int
    name: str
    state: str
    state_label: str
    steps: list[str] = Field(description="The grading steps this cycle requires, in order.")
    step_labels: list[str]
    deadlines: dict[str, datetime.date] = Field(description="Step → its last day.")
    list_deadlines: dict[str, datetime.date] = Field(description="Depth below the owner (1, 2, …) → last day of its lists.")
    lock_after_deadline: bool
    quotas: list[dict]
    notice: str
    survey_enabled: bool
    standards: dict[str, int] = Field(description="Sector → id of the standard the cycle uses for it.")
    opened_by: str | None
    opened_at: datetime.datetime

    @staticmethod
    def resolve_owner_name(cycle: Cycle) -> str:
        return cycle.owner.name

    @staticmethod
    def resolve_state_label(cycle: Cycle) -> str:
        return cycle.get_state_display()

    @staticmethod
    def resolve_step_labels(cycle: Cycle) -> list[str]:
        return [str(Step(step).label) for step in cycle.steps]

    @staticmethod
    def resolve_standards(cycle: Cycle) -> dict[str, int]:
        return {link.sector: link.standard_id for link in cycle.standards.all()}

    @staticmethod
    def resolve_opened_by(cycle: Cycle) -> str | None:
        return _username(cycle.opened_by)


class CycleOpenIn(InputSchema):
    owner: int = labelled(Cycle, "owner", description="The organization whose subtree the cycle grades.")
    year: int = labelled(Cycle, "year", ge=2000, le=2100)
    name: str = labelled(Cycle, "name", max_length=200)
    preset: Preset = labelled(Cycle, "steps", Preset.CHENGHUA, description="A step chain of the seeds.")
    steps: list[Step] | None = labelled(Cycle, "steps", None,
                                        description="The steps instead of a preset; kept in the seeds' order.")
    deadlines: dict[str, datetime.date] = labelled(Cycle, "deadlines", {},
                                                   description="Step → its last day: every step of the chain needs one.")
    list_deadlines: dict[str, datetime.date] = labelled(Cycle, "list_deadlines", {},
                                                        description="Depth below the owner (1, 2, …) → last day.")
    lock_after_deadline: bool = labelled(Cycle, "lock_after_deadline", True)
    standards: dict[str, int] = labelled(CycleStandard, "standard", {}, description="Sector → standard id.")
    quotas: list[QuotaSchema] | None = labelled(Cycle, "quotas", None,
                                                description="Leave out for the seeds' default (先进 ≤ 30%, 后进 ≥ 5%).")
    notice: str = labelled(Cycle, "notice", "")
    survey_enabled: bool = labelled(Cycle, "survey_enabled", False)


class CycleUpdateIn(InputSchema):
    """Only the fields sent change; deadlines sent replace the cycle's for every organization, and need a
    reason (a step that has a deadline keeps one)."""

    deadlines: dict[str, datetime.date | None] | None = labelled(Cycle, "deadlines", None)
    list_deadlines: dict[str, datetime.date | None] | None = labelled(Cycle, "list_deadlines", None)
    notice: str | None = labelled(Cycle, "notice", None)
    quotas: list[QuotaSchema] | None = labelled(Cycle, "quotas", None)
    reason: str = labelled(AuditEvent, "reason", "")


class GradingOut(Schema):
    id: int
    cycle_id: int
    organization_id: int
    organization_name: str
    organization_code: str
    state: str
    state_label: str
    declared_grade: str
    declared_grade_label: str
    self_total: Decimal | None
    final_grade: str
    final_grade_label: str
    final_stars: int | None
    decision_reason: str
    return_reason: str
    decided_by: str | None
    decided_at: datetime.datetime | None
    approved_at: datetime.datetime | None
    baseline_grade: str = Field(description="The organization's final grade in the owner's previous cycle; empty if none.")
    baseline_stars: int | None
    baseline_year: int | None
    updated_at: datetime.datetime

    @staticmethod
    def resolve_organization_name(grading: Grading) -> str:
        return grading.organization.name

    @staticmethod
    def resolve_organization_code(grading: Grading) -> str:
        return grading.organization.code

    @staticmethod
    def resolve_state_label(grading: Grading) -> str:
        return grading.get_state_display()

    @staticmethod
    def resolve_declared_grade_label(grading: Grading) -> str:
        return grading.get_declared_grade_display()

    @staticmethod
    def resolve_final_grade_label(grading: Grading) -> str:
        return grading.get_final_grade_display()

    @staticmethod
    def resolve_decided_by(grading: Grading) -> str | None:
        return _username(grading.decided_by) if grading.decided_by_id else None

    @staticmethod
    def resolve_baseline_year(grading: Grading) -> int | None:
        return grading.baseline_cycle.year if grading.baseline_cycle_id else None


class StepRecordOut(Schema):
    step: str
    step_label: str
    held_on: datetime.date
    participants: int
    grade: str
    grade_label: str
    votes: dict
    notes: str
    needs_work: str = Field(description="The superior's reason when it returned this step; empty otherwise.")
    recorded_by: str
    recorded_at: datetime.datetime

    @staticmethod
    def resolve_step_label(record: StepRecord) -> str:
        return record.get_step_display()

    @staticmethod
    def resolve_grade_label(record: StepRecord) -> str:
        return record.get_grade_display()

    @staticmethod
    def resolve_recorded_by(record: StepRecord) -> str:
        return record.recorded_by.get_username()


class DepartmentInputOut(Schema):
    department: str
    score: Decimal
    comment: str
    recorded_at: datetime.datetime


class GradingDetailOut(GradingOut):
    steps: list[str] = Field(description="The cycle's steps, in order.")
    next_step: str | None = Field(description="The organization's own step to record next; null once all are recorded.")
    records: list[StepRecordOut]
    inputs: list[DepartmentInputOut]
    combined_score: Decimal | None = Field(description="The self-assessed score and the departments' inputs, averaged.")

    @staticmethod
    def resolve_steps(grading: Grading) -> list[str]:
        return grading.cycle.steps

    @staticmethod
    def resolve_records(grading: Grading) -> list[StepRecord]:
        order = {step: index for index, step in enumerate(grading.cycle.steps)}
        return sorted(grading.records.select_related("recorded_by"), key=lambda record: order.get(record.step, 99))

    @staticmethod
    def resolve_next_step(grading: Grading) -> str | None:
        return selectors.next_step(grading.cycle, grading, set(grading.records.values_list("step", flat=True)))

    @staticmethod
    def resolve_inputs(grading: Grading) -> list[DepartmentInput]:
        return list(grading.inputs.order_by("department"))

    @staticmethod
    def resolve_combined_score(grading: Grading) -> Decimal | None:
        return services.combined_score(grading)


class StepIn(InputSchema):
    step: Step = labelled(StepRecord, "step")
    held_on: datetime.date = labelled(StepRecord, "held_on")
    participants: int = labelled(StepRecord, "participants", 0, ge=0)
    grade: Grade | None = labelled(StepRecord, "grade", None,
                                   description="The result; for a rating it may be left out when vote counts are given.")
    votes: dict[str, Annotated[int, Field(ge=0)]] = labelled(
        StepRecord, "votes", {}, description="Per grade for ratings; agree / disagree / abstain for the meeting's vote.")
    notes: str = labelled(StepRecord, "notes", "")


class GradingReturnIn(InputSchema):
    reasons: dict[str, str] = labelled(StepRecord, "needs_work", description="Step → what needs work; the other steps stand.")


class DecideIn(InputSchema):
    grade: Grade = labelled(Grading, "final_grade")
    reason: str = labelled(Grading, "decision_reason", "", description="Required when the grade differs from the declared one.")
    revise: bool = Field(False, title=gettext_lazy("Change the determination already made"),
                         description="Change a determination already made (otherwise a second one is refused).")


class DepartmentInputIn(InputSchema):
    department: str = labelled(DepartmentInput, "department", max_length=100)
    score: Decimal = labelled(DepartmentInput, "score", ge=0, le=100, decimal_places=1)
    comment: str = labelled(DepartmentInput, "comment", "")


class ReopenIn(InputSchema):
    reason: str = labelled(AuditEvent, "reason")


class SummaryOut(Schema):
    cycle_id: int
    organization_id: int
    total: int = Field(description="Gradings in the level's subtree.")
    state: dict[str, int]
    grade: dict[str, int] = Field(description='"sector:grade" → count.')
    stars: dict[str, int]
    step: dict[str, int] = Field(description="A step of the cycle (its code) → how many of the level's own organizations recorded it.")


class OverdueOut(Schema):
    grading: GradingOut
    step: str = Field(description="The step whose deadline has passed: the grading's current step.")
    what: str
    deadline: datetime.date = Field(description="That step's last day for the organization, its extension included.")


class QuotaProblemOut(Schema):
    grade: str
    grade_label: str
    share: Decimal
    at_most: bool
    count: int
    total: int
    by: int


class LevelListOut(Schema):
    cycle_id: int
    organization_id: int
    state: str
    state_label: str
    exception: str
    return_reason: str
    submitted_by: str | None
    submitted_at: datetime.datetime | None
    decided_by: str | None
    decided_at: datetime.datetime | None
    quota_problems: list[QuotaProblemOut] = Field(description="The cycle's quota rules this level's determinations break now.")


class ListSubmitIn(InputSchema):
    exception: str = labelled(LevelList, "exception", "",
                              description="Needed when a subordinate is not determined or a quota is not kept.")


class ListReturnIn(InputSchema):
    reasons: dict[int, str] = labelled(LevelList, "return_reason",
                                       description="Grading id → what needs work; the other determinations stand.")


class ExtensionIn(InputSchema):
    organization: int = labelled(DeadlineExtension, "organization")
    step: Step = labelled(DeadlineExtension, "step")
    until: datetime.date = labelled(DeadlineExtension, "until")
    reason: str = labelled(DeadlineExtension, "reason", "")


class ExtensionOut(Schema):
    organization_id: int
    organization_name: str
    step: str
    until: datetime.date
    reason: str
    granted_by: str
    granted_at: datetime.datetime

    @staticmethod
    def resolve_organization_name(extension: DeadlineExtension) -> str:
        return extension.organization.name

    @staticmethod
    def resolve_granted_by(extension: DeadlineExtension) -> str:
        return extension.granted_by.get_username()


class TodoOut(Schema):
    kind: str = Field(description="record, resubmit, decide, overdue (direct subordinates of the organization late on "
                                  "their step; count says how many), submit_list or approve.")
    count: int = Field(description="For overdue: how many direct subordinates are late.")
    step: str | None = Field(description="The step whose deadline applies, when there is one.")
    what: str | None = Field(description="What is awaited, in words.")
    closed: bool = Field(description="The step's deadline has passed in a cycle that locks it: ask the owner to extend.")
    cycle_id: int
    cycle_name: str
    organization_id: int
    organization_name: str
    grading_id: int | None
    deadline: datetime.date | None
    overdue: bool


# Helpers ----------------------------------------------------------------------------------------


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


def _grading(request, grading_id: int) -> Grading:
    return access.get_grading_for(request.user, grading_id)


# Cycles -----------------------------------------------------------------------------------------


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
    return _grading(request, grading.pk)


# Levels -----------------------------------------------------------------------------------------


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


class OverdueListOut(Schema):
    level_id: int
    level_name: str
    state: str
    deadline: datetime.date


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


# Gradings ---------------------------------------------------------------------------------------


@gradings_router.get("/{grading_id}", response=GradingDetailOut)
def grading_detail(request, grading_id: GradingId):
    """One organization's grading with its step records and department inputs."""
    return _grading(request, grading_id)


@gradings_router.post("/{grading_id}/steps", response=GradingDetailOut)
def step_record(request, grading_id: GradingId, payload: StepIn):
    """Record (or record again) one of the organization's own steps, in the cycle's order, before its deadline."""
    grading = _grading(request, grading_id)
    services.step_record(actor=request.user, grading=grading, step=payload.step, held_on=payload.held_on,
                         participants=payload.participants, grade=payload.grade or "", votes=payload.votes,
                         notes=payload.notes)
    return _grading(request, grading_id)


@gradings_router.post("/{grading_id}/submit", response=GradingDetailOut)
def grading_submit(request, grading_id: GradingId):
    """Submit the declaration to the superior once the organization's own steps are all recorded."""
    return services.grading_submit(actor=request.user, grading=_grading(request, grading_id))


@gradings_router.post("/{grading_id}/return", response=GradingDetailOut)
def grading_return(request, grading_id: GradingId, payload: GradingReturnIn):
    """The superior returns a submission with a reason on each step that needs work."""
    return services.grading_return(actor=request.user, grading=_grading(request, grading_id), reasons=payload.reasons)


@gradings_router.post("/{grading_id}/decide", response=GradingDetailOut)
def grading_decide(request, grading_id: GradingId, payload: DecideIn):
    """上级党组织评定: the direct superior sets the grade; a grade other than the declared one needs a reason."""
    return services.grading_decide(actor=request.user, grading=_grading(request, grading_id), grade=payload.grade,
                                   reason=payload.reason, revise=payload.revise)


@gradings_router.post("/{grading_id}/inputs", response=GradingDetailOut)
def department_input(request, grading_id: GradingId, payload: DepartmentInputIn):
    """Record (or replace) another department's assessment of a street committee (目督办, 信访局, 民政局)."""
    grading = _grading(request, grading_id)
    services.department_input_record(actor=request.user, grading=grading, department=payload.department,
                                     score=payload.score, comment=payload.comment)
    return _grading(request, grading_id)


@gradings_router.post("/{grading_id}/reopen", response=GradingDetailOut)
def grading_reopen(request, grading_id: GradingId, payload: ReopenIn):
    """Reopen an approved grading (the level that approved it, with a reason); its list opens again."""
    return services.grading_reopen(actor=request.user, grading=_grading(request, grading_id), reason=payload.reason)
