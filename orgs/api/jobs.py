"""The organization list's and the people list's imports, and the tree's export, as JSON: the same
jobs, access rules and services as the pages (orgs.jobs).

POST ``/orgs/{level}/tree-imports`` or ``/orgs/{level}/people-imports`` uploads a file (multipart
``file``) and queues its check; nothing is written. GET ``/orgs/tree-jobs/{id}`` or
``/orgs/people-jobs/{id}`` reads the job: state, progress, problems by row and column, and the
preview (poll it about once a second while it runs); POST ``…/{id}/commit`` imports the checked file,
every row or nothing. POST ``/orgs/{level}/tree-exports`` writes the level's tree as .xlsx, GET
``/orgs/tree-jobs/{id}/file`` downloads it. Initial passwords are not given out here: they are printed
on slips from the people import's page. Only administrators of the level: 404 outside it, 403 inside.
"""

import datetime

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy
from ninja import Field, File, Path, Router, Schema, Status
from ninja.files import UploadedFile

from core.jobs import job_failure, job_status
from orgs import access, jobs
from orgs.forms import PeopleImportForm, TreeImportForm
from orgs.models import PeopleJob, TreeJob

jobs_router = Router(tags=["organization and people imports"])

LevelId = Path[int, {"title": gettext_lazy("level")}]
TreeJobId = Path[int, {"title": TreeJob._meta.verbose_name}]
PeopleJobId = Path[int, {"title": PeopleJob._meta.verbose_name}]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ProblemOut(Schema):
    row: int | None = Field(description="The row as the spreadsheet numbers it (1-based); null for the whole file.")
    column: str = Field(description="The column letter, e.g. D.")
    header: str = Field(description="The column's header, e.g. 组织代码.")
    message: str
    blocking: bool = Field(description="false for a warning that does not stop the import.")


def _status(job):
    """The job's status, read once for the fields of one answer."""
    if not hasattr(job, "_status"):
        job._status = job_status(job)
    return job._status


class JobOut(Schema):
    id: int
    level_id: int
    stage: str = Field(description="preview (the check) or commit (the import); export for an export.")
    state: str = Field(description="queued, running, done or failed.")
    done: int
    total: int
    worker_running: bool = Field(description="false while no background worker is there to run the job "
                                             "(后台任务未运行): it starts once one runs.")
    message: str = Field(description="Why the job failed, for people; empty unless it failed.")
    filename: str
    problems: list[ProblemOut]
    result: dict = Field(description="The preview (counts and what the import will do) once checked; the counts "
                                     "once imported; an export's rows.")

    @staticmethod
    def resolve_level_id(job) -> int:
        return job.organization_id

    @staticmethod
    def resolve_state(job) -> str:
        return _status(job).state

    @staticmethod
    def resolve_done(job) -> int:
        return _status(job).done

    @staticmethod
    def resolve_total(job) -> int:
        return _status(job).total

    @staticmethod
    def resolve_worker_running(job) -> bool:
        return not _status(job).worker_missing

    @staticmethod
    def resolve_message(job) -> str:
        return job_failure(job)

    @staticmethod
    def resolve_result(job) -> dict:
        return job.result or {}


class TreeJobOut(JobOut):
    kind: str = Field(description="import or export.")


class TreeCommitIn(Schema):
    dissolve: list[str] = Field([], title=gettext_lazy("Dissolve these organizations the file leaves out"),
                                description="Codes, among those the preview lists as left out and offered.")
    dissolved_on: datetime.date | None = Field(None, title=gettext_lazy("Dissolved on"))
    reason: str = Field("", title=gettext_lazy("Reason"), max_length=500)


class ExportIn(Schema):
    year: int | None = Field(None, title=gettext_lazy("year"), description="With it, the basic facts of that year.")


def _checked(form_class, file) -> UploadedFile:
    form = form_class(files={"file": file})
    if not form.is_valid():
        raise ValidationError({"file": list(form.errors["file"])})
    return form.cleaned_data["file"]


@jobs_router.post("/{level_id}/tree-imports", response={201: TreeJobOut})
def tree_import_upload(request, level_id: LevelId, file: File[UploadedFile]):
    """Upload an organization list (.xlsx, .xls, .csv) for the level and queue its check; nothing is written."""
    level = access.get_organization_for(request.user, level_id, access.MANAGE)
    return Status(201, jobs.tree_import_start(actor=request.user, level=level, upload=_checked(TreeImportForm, file)))


@jobs_router.post("/{level_id}/tree-exports", response={201: TreeJobOut})
def tree_export_start(request, level_id: LevelId, payload: ExportIn = None):
    """Queue the writing of the level's tree as .xlsx, in the columns the import reads."""
    level = access.get_organization_for(request.user, level_id, access.MANAGE)
    return Status(201, jobs.tree_export_start(actor=request.user, level=level, year=payload.year if payload else None))


@jobs_router.get("/tree-jobs/{job_id}", response=TreeJobOut)
def tree_job_detail(request, job_id: TreeJobId):
    """An organization-list job: its state, progress, problems and preview or result."""
    return jobs.get_tree_job_for(request.user, job_id)


@jobs_router.post("/tree-jobs/{job_id}/commit", response=TreeJobOut)
def tree_import_commit(request, job_id: TreeJobId, payload: TreeCommitIn):
    """Import a checked organization list: every row, or nothing; with the dissolving chosen."""
    job = jobs.get_tree_job_for(request.user, job_id)
    return jobs.tree_import_confirm(actor=request.user, job=job, dissolve=payload.dissolve,
                                    dissolved_on=payload.dissolved_on, reason=payload.reason)


@jobs_router.get("/tree-jobs/{job_id}/file")
def tree_job_file(request, job_id: TreeJobId):
    """The .xlsx an export wrote (404 while it runs, when it failed, or for an import)."""
    job = jobs.get_tree_job_for(request.user, job_id)
    if job.kind != TreeJob.Kind.EXPORT or job.state != TreeJob.State.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=XLSX)


@jobs_router.post("/{level_id}/people-imports", response={201: JobOut})
def people_import_upload(request, level_id: LevelId, file: File[UploadedFile]):
    """Upload a people list (姓名, 登录名, 角色, 组织代码) for the level and queue its check; nothing is written."""
    level = access.get_organization_for(request.user, level_id, access.MANAGE)
    return Status(201, jobs.people_import_start(actor=request.user, level=level,
                                                upload=_checked(PeopleImportForm, file)))


@jobs_router.get("/people-jobs/{job_id}", response=JobOut)
def people_job_detail(request, job_id: PeopleJobId):
    """A people import: its state, progress, problems and preview (who is created, which roles) or result."""
    return jobs.get_people_job_for(request.user, job_id)


@jobs_router.post("/people-jobs/{job_id}/commit", response=JobOut)
def people_import_commit(request, job_id: PeopleJobId):
    """Import a checked people list: every row, or nothing. The new logins' initial passwords are then
    printed on slips from the import's page."""
    job = jobs.get_people_job_for(request.user, job_id)
    return jobs.people_import_confirm(actor=request.user, job=job)
