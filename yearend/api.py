"""The year's end as JSON, on the same services, selectors and access rules as the pages: a level's figures and
each dashboard table, its year summary (write, submit, reopen) and its reports, its commendation shortlist
(propose, add, remove, submit). Outside the user's scope: 404; inside it, an action not the user's: 403."""

import datetime

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema, Status

from orgs import access as org_access
from yearend import access, selectors, services
from yearend.models import Candidate, SecretaryReport, Shortlist, YearSummary

router = Router(tags=["yearend"])


def _title(model, name):
    return model._meta.get_field(name).verbose_name


class TableOut(Schema):
    key: str
    title: str
    columns: list[str]
    rows: list[list]


class ReportOut(Schema):
    id: int
    secretary: str
    post: str
    text: str


class SummaryOut(Schema):
    id: int
    cycle_id: int
    organization_id: int
    state: str
    text: str
    figures: dict
    submitted_at: datetime.datetime | None
    reports: list[ReportOut]

    @staticmethod
    def resolve_reports(summary) -> list:
        return list(summary.reports.all())


class SummaryIn(Schema):
    text: str = Field(title=_title(YearSummary, "text"))


class ReasonIn(Schema):
    reason: str = Field(title=gettext_lazy("Reason"))


class ReportIn(Schema):
    secretary: str = Field(title=_title(SecretaryReport, "secretary"))
    post: str = Field("", title=_title(SecretaryReport, "post"))
    text: str = Field(title=_title(SecretaryReport, "text"))


class CandidateOut(Schema):
    id: int
    organization_id: int
    organization_name: str = Field(alias="organization.name")
    source: str
    reasons: list[dict]
    added_reason: str
    removed_reason: str


class ShortlistOut(Schema):
    id: int
    cycle_id: int
    organization_id: int
    state: str
    rules: list[dict]
    candidates: list[CandidateOut]

    @staticmethod
    def resolve_candidates(shortlist) -> list:
        return list(shortlist.candidates.select_related("organization"))


class CandidateIn(Schema):
    organization: int = Field(title=_title(Candidate, "organization"))
    reason: str = Field(title=_title(Candidate, "added_reason"))


@router.get("/{int:cycle_id}/{int:level_id}/figures", response=dict)
def figures(request, cycle_id: int, level_id: int):
    """The level's figures of the year from the kept-current tallies: gradings, plans and measures, pledges."""
    cycle, level = access.get_level_for(request.user, cycle_id, level_id)
    return selectors.level_figures(cycle=cycle, level=level, today=timezone.localdate())


@router.get("/{int:cycle_id}/{int:level_id}/charts/{chart}", response=TableOut)
def chart(request, cycle_id: int, level_id: int, chart: str):
    """One dashboard table: progress, grades, rectification, pledges or years (side by side)."""
    if chart not in selectors.CHARTS:
        raise Http404
    cycle, level = access.get_level_for(request.user, cycle_id, level_id)
    return selectors.chart_table(user=request.user, cycle=cycle, level=level, chart=chart, today=timezone.localdate())


def _summary(request, cycle_id, level_id) -> YearSummary:
    cycle, level = access.get_level_for(request.user, cycle_id, level_id)
    found = selectors.summary_of(cycle=cycle, level=level)
    if found is None:
        raise Http404
    return found


@router.get("/{int:cycle_id}/{int:level_id}/summary", response=SummaryOut)
def summary_detail(request, cycle_id: int, level_id: int):
    return _summary(request, cycle_id, level_id)


@router.post("/{int:cycle_id}/{int:level_id}/summary/draft", response=SummaryOut)
def summary_draft(request, cycle_id: int, level_id: int):
    """Start the level's summary with a draft written from its figures (its summary as it is, once started)."""
    cycle, level = access.get_level_for(request.user, cycle_id, level_id)
    return services.summary_save(actor=request.user, cycle=cycle, level=level)


@router.put("/{int:cycle_id}/{int:level_id}/summary", response=SummaryOut)
def summary_save(request, cycle_id: int, level_id: int, payload: SummaryIn):
    cycle, level = access.get_level_for(request.user, cycle_id, level_id)
    return services.summary_save(actor=request.user, cycle=cycle, level=level, text=payload.text)


@router.post("/{int:cycle_id}/{int:level_id}/summary/submit", response=SummaryOut)
def summary_submit(request, cycle_id: int, level_id: int):
    """Submit upward, the figures frozen; refused while the text is empty."""
    return services.summary_submit(actor=request.user, summary=_summary(request, cycle_id, level_id))


@router.post("/{int:cycle_id}/{int:level_id}/summary/reopen", response=SummaryOut)
def summary_reopen(request, cycle_id: int, level_id: int, payload: ReasonIn):
    """The superior sends the summary back to its level."""
    return services.summary_reopen(actor=request.user, summary=_summary(request, cycle_id, level_id),
                                   reason=payload.reason)


@router.post("/{int:cycle_id}/{int:level_id}/summary/reports", response={201: ReportOut})
def report_add(request, cycle_id: int, level_id: int, payload: ReportIn):
    """Attach a secretary's 述职 to the level's summary."""
    report = services.report_save(actor=request.user, summary=_summary(request, cycle_id, level_id),
                                  **payload.model_dump())
    return Status(201, report)


def _shortlist(request, cycle_id, level_id) -> Shortlist:
    cycle, level = access.get_level_for(request.user, cycle_id, level_id)
    found = selectors.shortlist_of(cycle=cycle, level=level)
    if found is None:
        raise Http404
    return found


@router.get("/{int:cycle_id}/{int:level_id}/shortlist", response=ShortlistOut)
def shortlist_detail(request, cycle_id: int, level_id: int):
    return _shortlist(request, cycle_id, level_id)


@router.post("/{int:cycle_id}/{int:level_id}/shortlist/propose", response=ShortlistOut)
def shortlist_propose(request, cycle_id: int, level_id: int):
    """Propose candidates by the cycle's rules, keeping what the level added or removed."""
    cycle, level = access.get_level_for(request.user, cycle_id, level_id)
    return services.shortlist_propose(actor=request.user, cycle=cycle, level=level)


@router.post("/{int:cycle_id}/{int:level_id}/shortlist/candidates", response={201: CandidateOut})
def candidate_add(request, cycle_id: int, level_id: int, payload: CandidateIn):
    shortlist = _shortlist(request, cycle_id, level_id)
    organization = org_access.get_organization_for(request.user, payload.organization)
    return Status(201, services.candidate_add(actor=request.user, shortlist=shortlist, organization=organization,
                                              reason=payload.reason))


@router.post("/candidates/{int:candidate_id}/remove", response=CandidateOut)
def candidate_remove(request, candidate_id: int, payload: ReasonIn):
    return services.candidate_remove(actor=request.user, candidate=access.get_candidate_for(request.user, candidate_id),
                                     reason=payload.reason)


@router.post("/{int:cycle_id}/{int:level_id}/shortlist/submit", response=ShortlistOut)
def shortlist_submit(request, cycle_id: int, level_id: int):
    """Submit upward; refused while no candidate is on it."""
    return services.shortlist_submit(actor=request.user, shortlist=_shortlist(request, cycle_id, level_id))
