"""The JSON API of ledger imports, on the same functions and access rules as the pages.

POST ``/ledgers/imports`` uploads a file (multipart: ``cycle``, ``level``, ``file``) and starts its
check; GET ``/ledgers/jobs/{id}`` reads a job's state, progress and problems (poll it while it
runs); POST ``/ledgers/imports/{id}/commit`` imports the checked file: every row, or nothing.
A cycle, level or job outside the user's scope answers 404; inside it, 403 when not allowed.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, File, Form, Path, Router, Schema, Status
from ninja.files import UploadedFile

from cycles import access as cycle_access
from ledgers import importing, jobs
from ledgers.models import LedgerJob
from ledgers.reading import EXTENSIONS
from ledgers.views import MAX_UPLOAD_BYTES, _level_in_cycle

router = Router(tags=["ledgers"])

JobId = Path[int, {"title": LedgerJob._meta.verbose_name}]


class ProblemOut(Schema):
    row: int | None = Field(description="The row as the spreadsheet numbers it (1-based); null for the whole file.")
    column: str = Field(description="The column letter, e.g. D.")
    header: str = Field(description="The column's header, e.g. 基本情况.")
    message: str
    blocking: bool = Field(description="false for a warning that does not stop the import.")


class JobOut(Schema):
    id: int
    kind: str
    stage: str = Field(description="preview (the check) or commit (the import).")
    state: str = Field(description="queued, running, done or failed.")
    done: int
    total: int
    filename: str
    cycle_id: int | None
    level_id: int
    problems: list[ProblemOut]
    result: dict = Field(description="counts: rows, matched, facts_new, facts_changed, entries_new, entries_changed, "
                                     "organizations_changed, unchanged, warnings, problems; committed once imported.")
    created_at: datetime.datetime
    finished_at: datetime.datetime | None

    @staticmethod
    def resolve_level_id(job: LedgerJob) -> int:
        return job.organization_id

    @staticmethod
    def resolve_done(job: LedgerJob) -> int:
        return jobs.job_progress(job)[0]

    @staticmethod
    def resolve_total(job: LedgerJob) -> int:
        return jobs.job_progress(job)[1]


class ImportIn(Schema):
    cycle: int = Field(title=gettext_lazy("cycle"))
    level: int = Field(title=gettext_lazy("level"), description="The organization whose subtree the file covers.")


@router.post("/imports", response={201: JobOut})
def import_upload(request, payload: Form[ImportIn], file: File[UploadedFile]):
    """Upload a ledger file (.xlsx, .xls, .csv) and check it; nothing is written. The answer comes once
    the check is done or after two seconds: poll the job until its state is done."""
    cycle = cycle_access.get_cycle_for(request.user, payload.cycle)
    level = _level_in_cycle(request.user, cycle, payload.level)
    if not importing.can_import(request.user, level):
        raise PermissionDenied(_("You may not import a ledger into %(name)s.") % {"name": level.name})
    if not (file.name or "").lower().endswith(EXTENSIONS):
        raise ValidationError({"file": _("Ledger file: please choose an .xlsx, .xls or .csv file.")})
    if file.size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("Ledger file: the file is larger than 50 MB.")})
    job = importing.ledger_import_start(actor=request.user, cycle=cycle, level=level, upload=file)
    return Status(201, job)


@router.get("/jobs/{job_id}", response=JobOut)
def job_detail(request, job_id: JobId):
    """A job's state, progress and problems (row, column, header, message)."""
    return importing.get_ledger_job_for(request.user, job_id)


@router.post("/imports/{job_id}/commit", response=JobOut)
def import_commit(request, job_id: JobId):
    """Import a checked file without blocking problems: every row in one transaction, or nothing."""
    job = importing.get_ledger_job_for(request.user, job_id)
    return importing.ledger_import_confirm(actor=request.user, job=job)
