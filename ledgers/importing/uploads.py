"""An uploaded ledger file: its check before it is read, its preview and its commit as ledger jobs.

The pages and the API call these; each job's work is a callable ``work(progress) -> dict`` that
ledgers.jobs runs (``ImportRefused`` carries the problems of a refused commit).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from ledgers import jobs
from ledgers.importing.planning import ledger_import_preview, plan_changes
from ledgers.importing.writing import ledger_import_commit
from ledgers.models import LedgerJob
from ledgers.reading import EXTENSIONS

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # 100,000 rows of the Hunan ledger are about 20 MB as .xlsx
CHANGES_LISTED = 500  # rows whose changes the preview lists, field by field


def _job_content(job) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


def ledger_import_start(*, actor, cycle, level, upload, wait: float | None = None) -> LedgerJob:
    """Keep the uploaded file in a new import job and run its preview; returns the job (maybe still running).

    The caller has checked that ``actor`` may import into ``level`` (``can_import``).
    """
    name = getattr(upload, "name", "") or ""
    job = LedgerJob(kind=LedgerJob.Kind.IMPORT, created_by=actor, organization=level, cycle=cycle,
                    filename=name.rsplit("/", 1)[-1][:255])
    job.file.save(job.filename or "ledger", upload, save=False)
    job.save()

    def work(progress):
        preview = ledger_import_preview(actor=actor, cycle=cycle, level=level, filename=job.filename,
                                        content=_job_content(job), progress=progress)
        changed = [plan for plan in preview.plans if plan.organization or plan.facts is not None or plan.entry is not None]
        return {"counts": preview.counts, "header_rows": preview.reading.header_rows,
                "columns": {key: preview.reading.letter(key) for key in preview.reading.columns},
                "ignored": preview.reading.ignored,
                "problems": preview.problem_dicts(),
                "changes": [{"row": plan.row, "name": plan.graded.name, "fields": plan_changes(plan)}
                            for plan in changed[:CHANGES_LISTED]],
                "changes_left": max(0, len(changed) - CHANGES_LISTED)}

    return jobs.job_run(job=job, work=work, stage="preview", **({"wait": wait} if wait is not None else {}))


def ledger_import_confirm(*, actor, job: LedgerJob, wait: float | None = None) -> LedgerJob:
    """Commit an import whose preview found no blocking problem: every row, or nothing."""
    if job.created_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who uploaded the file may import it."))
    if job.kind != LedgerJob.Kind.IMPORT or job.stage != "preview" or job.state != LedgerJob.State.DONE:
        raise ValidationError({"job": _("This file cannot be imported now: its check is not finished, "
                                         "or it was imported already.")})
    if job.blocking_problems:
        raise ValidationError({"job": _("The file has problems; please correct them and upload it again.")})
    cycle, level = job.cycle, job.organization

    def work(progress):
        counts = ledger_import_commit(actor=actor, cycle=cycle, level=level, filename=job.filename,
                                      content=_job_content(job), progress=progress)
        return {"counts": counts, "committed": True}

    return jobs.job_run(job=job, work=work, stage="commit", **({"wait": wait} if wait is not None else {}))


def upload_check(*, name: str, size: int) -> None:
    """Refuse a file that cannot be a ledger before reading it: its kind by name, its size."""
    if not (name or "").lower().endswith(EXTENSIONS):
        raise ValidationError({"file": _("Ledger file: please choose an .xlsx, .xls or .csv file.")})
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("Ledger file: the file is larger than 50 MB.")})
