"""The ledger's JSON API, on the same access rules, filters, selectors and services as the pages.

Rows (``/ledgers/{cycle}/{organization}/rows``) are filtered by the same ``LedgerFilterForm`` as the
page and the exports, so what a user filters is what they get; their rectification columns come from
the organizations' plans (written through ``/rectification/…``). POST ``/ledgers/imports`` uploads a file (multipart: ``cycle``,
``level``, ``file``) and queues its check; GET ``/ledgers/jobs/{id}`` reads a job's state, progress
and problems (poll it about once a second while it runs: a worker process runs it); POST
``/ledgers/imports/{id}/commit`` imports the checked file: every row, or nothing. POST ``/ledgers/{cycle}/{organization}/exports/{form}`` writes an official
form as .xlsx with the same filters (a job like an import's: poll it), GET ``/ledgers/jobs/{id}/file``
downloads it. A level's summary (by state, sector × grade, stars, own steps) is
``/cycles/{cycle}/levels/{level}/summary``. A cycle, level or job outside the user's scope answers
404; inside it, 403 when not allowed.
"""

import datetime

from django.http import Http404
from django.utils.translation import gettext_lazy
from ninja import Field, File, Form, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile

from core.api import MAX_OFFSET, MAX_PAGE_SIZE
from core.jobs import job_failure, job_status
from cycles import selectors as cycle_selectors
from ledgers import access, exports, importing, jobs, layouts, selectors
from ledgers.forms import ledger_filters
from ledgers.models import LedgerJob
from orgs.models import Organization

router = Router(tags=["ledgers"])

JobId = Path[int, {"title": LedgerJob._meta.verbose_name}]


class ProblemOut(Schema):
    row: int | None = Field(description="The row as the spreadsheet numbers it (1-based); null for the whole file.")
    column: str = Field(description="The column letter, e.g. D.")
    header: str = Field(description="The column's header, e.g. 基本情况.")
    message: str
    blocking: bool = Field(description="false for a warning that does not stop the import.")


def _status(job: LedgerJob):
    """The job's status, read once for the fields of one answer."""
    if not hasattr(job, "_status"):
        job._status = job_status(job)
    return job._status


class JobOut(Schema):
    id: int
    kind: str
    stage: str = Field(description="preview (the check) or commit (the import); export for an export.")
    state: str = Field(description="queued, running, done or failed.")
    done: int
    total: int
    worker_running: bool = Field(description="false while no background worker is there to run the job "
                                             "(后台任务未运行): it starts once one runs.")
    message: str = Field(description="Why the job failed, for people; empty unless it failed.")
    filename: str
    cycle_id: int | None
    level_id: int
    problems: list[ProblemOut]
    result: dict = Field(description="counts: rows, matched, facts_new, facts_changed, plans_new, plans_changed, "
                                     "organizations_changed, unchanged, warnings, problems; committed once imported.")
    created_at: datetime.datetime
    finished_at: datetime.datetime | None

    @staticmethod
    def resolve_level_id(job: LedgerJob) -> int:
        return job.organization_id

    @staticmethod
    def resolve_state(job: LedgerJob) -> str:
        return _status(job).state

    @staticmethod
    def resolve_done(job: LedgerJob) -> int:
        return _status(job).done

    @staticmethod
    def resolve_total(job: LedgerJob) -> int:
        return _status(job).total

    @staticmethod
    def resolve_worker_running(job: LedgerJob) -> bool:
        return not _status(job).worker_missing

    @staticmethod
    def resolve_message(job: LedgerJob) -> str:
        return job_failure(job)


class ImportIn(Schema):
    cycle: int = Field(title=gettext_lazy("cycle"))
    level: int = Field(title=gettext_lazy("level"), description="The organization whose subtree the file covers.")


@router.post("/imports", response={201: JobOut})
def import_upload(request, payload: Form[ImportIn], file: File[UploadedFile]):
    """Upload a ledger file (.xlsx, .xls, .csv) and queue its check; nothing is written. Poll the job
    until its state is done (or failed)."""
    cycle, level = access.get_ledger_for(request.user, payload.cycle, payload.level)
    access.check_import(request.user, cycle, level)
    importing.upload_check(name=file.name, size=file.size)
    job = jobs.ledger_import_start(actor=request.user, cycle=cycle, level=level, upload=file)
    return Status(201, job)


@router.get("/jobs/{job_id}", response=JobOut)
def job_detail(request, job_id: JobId):
    """A job's state, progress and problems (row, column, header, message)."""
    return access.get_ledger_job_for(request.user, job_id)


@router.post("/imports/{job_id}/commit", response=JobOut)
def import_commit(request, job_id: JobId):
    """Queue the import of a checked file without blocking problems: every row in one transaction, or
    nothing. Poll the job until its state is done."""
    job = access.get_ledger_job_for(request.user, job_id)
    return jobs.ledger_import_confirm(actor=request.user, job=job)


# Ledger rows ---------------------------------------------------------

CycleId = Path[int, {"title": LedgerJob._meta.get_field("cycle").verbose_name}]
OrganizationId = Path[int, {"title": Organization._meta.verbose_name}]


class FiltersQuery(Schema):
    """The ledger page's filters: what a user filters is what the rows and the exports hold."""

    sector: str = ""
    declared_grade: str = ""
    superior_grade: str = ""
    target_grade: str = ""
    q: str = ""


class RowsQuery(FiltersQuery):
    limit: int = Field(100, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class LedgerRowOut(Schema):
    organization_id: int
    code: str
    name: str
    parent_name: str
    sector: str
    is_group: bool
    secretary: str
    first_secretary: str
    basic_facts: str
    members_total: int | None
    mobile_members: int | None
    venue: str
    main_features: str
    problems: str
    state: str
    declared_grade: str
    superior_grade: str
    final_stars: int | None
    target_grade: str
    measures: str
    deadline: datetime.date | None
    assisting_unit: str
    liaison_leader: str
    responsible_person: str
    plan_id: int | None = Field(description="The organization's plan (升级办法) the rectification columns come from.")


class RowsOut(Schema):
    count: int
    items: list[LedgerRowOut]


@router.get("/{cycle_id}/{organization_id}/rows", response=RowsOut)
def ledger_rows(request, cycle_id: CycleId, organization_id: OrganizationId, params: Query[RowsQuery]):
    """The ledger's rows under the organization in tree order, filtered as on the ledger page."""
    cycle, organization = access.get_ledger_for(request.user, cycle_id, organization_id)
    filters = ledger_filters(params.dict(), grades=cycle_selectors.cycle_grades(cycle))
    rows, count = selectors.ledger_page(cycle=cycle, organization=organization, filters=filters, offset=params.offset,
                                        limit=params.limit)
    return {"count": count, "items": [
        {**row.__dict__, "is_group": row.is_group, "basic_facts": row.basic_facts, "venue": row.venue} for row in rows]}


# Exports ---------------------------------------------------------------------------------------

FormSlug = Path[str, {"title": "form", "description": "; ".join(
    f"{slug} ({form.title})" for slug, form in layouts.FORMS.items())}]


class ExportQuery(FiltersQuery):
    code: bool = Field(True, description="附件二 only: add the 组织代码 column, so that the file re-imports by code.")


@router.post("/{cycle_id}/{organization_id}/exports/{form}", response={201: JobOut})
def export_start(request, cycle_id: CycleId, organization_id: OrganizationId, form: FormSlug,
                 params: Query[ExportQuery]):
    """Queue the writing of an official form as .xlsx for the organization's subtree, with the ledger's
    filters: poll the job, then GET its file."""
    cycle, level = access.get_ledger_for(request.user, cycle_id, organization_id)
    if form not in layouts.FORMS:
        raise Http404
    filters = ledger_filters(params.dict(), grades=cycle_selectors.cycle_grades(cycle))
    job = jobs.ledger_export_start(actor=request.user, cycle=cycle, level=level, form=layouts.FORMS[form],
                                   filters=filters, code_column=params.code)
    return Status(201, job)


@router.get("/jobs/{job_id}/file")
def export_file(request, job_id: JobId):
    """The .xlsx an export job wrote (404 while it runs or when it failed)."""
    return exports.export_response(access.get_ledger_job_for(request.user, job_id))
