"""What the cycles API reads and answers: its schemas, each field titled by its model field's verbose_name."""

import datetime
from decimal import Decimal
from typing import Annotated

from django.utils.translation import gettext_lazy
from ninja import Field, Path, Schema
from pydantic import ConfigDict

from core.models import AuditEvent
from cycles import selectors, services
from cycles.choices import Preset, Step
from cycles.models import Cycle, CycleStandard, DeadlineExtension, DepartmentInput, Grading, LevelList, StepRecord
from standards.choices import Grade
from standards.models import ScoreSheet


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


class OverdueListOut(Schema):
    level_id: int
    level_name: str
    state: str
    deadline: datetime.date
