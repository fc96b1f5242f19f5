"""The JSON API of the acceptance, on the same services, selectors and access rules as the pages.

``/acceptance``: per level of a cycle its targets with their rates, its transition matrix and the organizations
of a cell, setting a target, opening the round, submitting the level; per organization its acceptance, the
report, the submission, the return and the 认定. Every endpoint is thin: parse, find the objects through the
access getters (404 outside the user's scope, 403 inside it when the action is not theirs), call one service or
selector, answer.
"""

import datetime
from decimal import Decimal

from ninja import Field, Router, Schema

from acceptance import access, selectors, services
from acceptance.models import Acceptance, AcceptanceSettings
from cycles import access as cycle_access
from orgs import access as org_access

router = Router(tags=["acceptance"])


def labelled(model, name: str, default=..., **kwargs):
    return Field(default, title=model._meta.get_field(name).verbose_name, **kwargs)


class AcceptanceOut(Schema):
    id: int
    cycle_id: int
    organization_id: int
    organization: str
    sector: str
    presence: str
    state: str
    baseline_grade: str
    start_grade: str
    start_stars: int | None
    report: str
    survey_id: int | None
    score: Decimal | None
    accepted_grade: str
    accepted_stars: int | None
    accepted_title: str
    revisit: bool
    return_reason: str

    @staticmethod
    def resolve_organization(acceptance: Acceptance) -> str:
        return acceptance.organization.name


class TargetOut(Schema):
    sector: str
    origin: str
    goal: str
    share: Decimal
    source: str
    set_at_level_id: int
    base: int
    reached: int
    rate: Decimal | None
    met: bool
    missing: int


class MatrixOut(Schema):
    kind: str
    rows: list[str]
    columns: list[str]
    cells: list[list[int]]
    total: int


class TargetIn(Schema):
    sector: str = Field("", title="sector")
    origin: str = Field(..., title="from")
    goal: str = Field(..., title="to")
    share: str = Field(..., title="least share", description="A fraction (0.25) or a percentage (25%).")


class RoundIn(Schema):
    self_check_due: datetime.date = labelled(AcceptanceSettings, "self_check_due")
    decision_due: datetime.date = labelled(AcceptanceSettings, "decision_due")
    pass_score: Decimal = labelled(AcceptanceSettings, "pass_score", Decimal(70))
    dissatisfied_share: Decimal = labelled(AcceptanceSettings, "dissatisfied_share", Decimal("0.5"))


class ReportIn(Schema):
    report: str = labelled(Acceptance, "report")


class ReasonIn(Schema):
    reason: str = labelled(Acceptance, "return_reason")


class DecideIn(Schema):
    grade: str = labelled(Acceptance, "accepted_grade")
    stars: int | None = labelled(Acceptance, "accepted_stars", None)
    title: str = labelled(Acceptance, "accepted_title", "")
    reason: str = labelled(Acceptance, "decision_reason", "")
    revise: bool = False


class LevelOut(Schema):
    cycle_id: int
    level_id: int
    state: str


def _targets(cycle, level) -> list[dict]:
    return [{"sector": t.sector, "origin": t.origin, "goal": t.goal, "share": t.share, "source": t.source,
             "set_at_level_id": t.level.pk, "base": t.rate.base, "reached": t.rate.reached, "rate": t.rate.rate,
             "met": t.rate.met, "missing": t.rate.missing}
            for t in selectors.target_rates(cycle=cycle, organization=level)]


@router.get("/cycles/{cycle_id}/levels/{level_id}/targets", response=list[TargetOut])
def level_targets(request, cycle_id: int, level_id: int):
    """The targets in force at a level, each with its rate: met, or missed by how many organizations."""
    cycle, level = cycle_access.get_cycle_organization_for(request.user, cycle_id, level_id)
    return _targets(cycle, level)


@router.post("/cycles/{cycle_id}/levels/{level_id}/targets", response=list[TargetOut])
def level_target_set(request, cycle_id: int, level_id: int, payload: TargetIn):
    """Set or raise one of the level's targets; never below its superiors'."""
    cycle, level = cycle_access.get_cycle_organization_for(request.user, cycle_id, level_id)
    services.target_set(actor=request.user, cycle=cycle, level=level, sector=payload.sector, origin=payload.origin,
                        goal=payload.goal, share=payload.share)
    return _targets(cycle, level)


@router.get("/cycles/{cycle_id}/levels/{level_id}/matrix", response=MatrixOut)
def level_matrix(request, cycle_id: int, level_id: int, kind: str = "grade", sector: str = ""):
    """A level's transition matrix (kind: grade, stars, title, years), from its kept-current counts."""
    cycle, level = cycle_access.get_cycle_organization_for(request.user, cycle_id, level_id)
    kind = kind if kind in selectors.MATRIX_KINDS else "grade"
    matrix = selectors.transition_matrix(cycle=cycle, organization=level, kind=kind, sector=sector)
    return {"kind": kind, "rows": matrix.rows, "columns": matrix.columns, "total": matrix.total,
            "cells": [[matrix.count(row, column) for column in matrix.columns] for row in matrix.rows]}


@router.get("/cycles/{cycle_id}/levels/{level_id}/cell", response=list[AcceptanceOut])
def level_cell(request, cycle_id: int, level_id: int, row: str, column: str, kind: str = "grade", sector: str = "",
               offset: int = 0, limit: int = 200):
    """The organizations of one cell of the level's matrix."""
    cycle, level = cycle_access.get_cycle_organization_for(request.user, cycle_id, level_id)
    found = selectors.cell_acceptances(user=request.user, cycle=cycle, organization=level, kind=kind, row=row,
                                       column=column, sector=sector)
    return list(found[max(offset, 0):max(offset, 0) + min(max(limit, 1), 1000)])


@router.post("/cycles/{cycle_id}/round", response=dict)
def round_open(request, cycle_id: int, payload: RoundIn):
    """The cycle owner opens the acceptance round."""
    cycle = cycle_access.get_cycle_for(request.user, cycle_id, org_access.MANAGE)
    terms = services.acceptance_round_open(actor=request.user, cycle=cycle, self_check_due=payload.self_check_due,
                                           decision_due=payload.decision_due, pass_score=payload.pass_score,
                                           dissatisfied_share=payload.dissatisfied_share)
    return {"cycle_id": cycle.pk, "pass_score": terms.pass_score, "dissatisfied_share": terms.dissatisfied_share}


@router.post("/cycles/{cycle_id}/levels/{level_id}/submit", response=LevelOut)
def level_submit(request, cycle_id: int, level_id: int):
    """The level reports its acceptance results upward, once every direct subordinate is re-graded."""
    cycle, level = cycle_access.get_cycle_organization_for(request.user, cycle_id, level_id)
    record = services.acceptance_level_submit(actor=request.user, cycle=cycle, level=level)
    return {"cycle_id": cycle.pk, "level_id": level.pk, "state": record.state}


@router.get("/{acceptance_id}", response=AcceptanceOut)
def acceptance_read(request, acceptance_id: int):
    return access.get_acceptance_for(request.user, acceptance_id)


@router.post("/{acceptance_id}/report", response=AcceptanceOut)
def acceptance_report(request, acceptance_id: int, payload: ReportIn):
    acceptance = access.get_acceptance_for(request.user, acceptance_id)
    return services.acceptance_report_save(actor=request.user, acceptance=acceptance, report=payload.report)


@router.post("/{acceptance_id}/submit", response=AcceptanceOut)
def acceptance_submit(request, acceptance_id: int):
    acceptance = access.get_acceptance_for(request.user, acceptance_id)
    return services.acceptance_submit(actor=request.user, acceptance=acceptance)


@router.post("/{acceptance_id}/return", response=AcceptanceOut)
def acceptance_return(request, acceptance_id: int, payload: ReasonIn):
    acceptance = access.get_acceptance_for(request.user, acceptance_id)
    return services.acceptance_return(actor=request.user, acceptance=acceptance, reason=payload.reason)


@router.post("/{acceptance_id}/decide", response=AcceptanceOut)
def acceptance_decide(request, acceptance_id: int, payload: DecideIn):
    """上级党组织认定: the grade, the stars anew, a model title; the round's rules decide pass or fail."""
    acceptance = access.get_acceptance_for(request.user, acceptance_id)
    return services.acceptance_decide(actor=request.user, acceptance=acceptance, grade=payload.grade,
                                      stars=payload.stars, title=payload.title, reason=payload.reason,
                                      revise=payload.revise)
