"""Pages of the ledger import: upload a file, see every problem by row and column, confirm, see the result.

The work runs through ledgers.jobs: a page answers with the result when it is ready within two
seconds, else with a progress bar that polls ``job_progress`` every second. Rules live in
ledgers.importing; views parse, authorize, call one function, render.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.forms import add_service_errors
from cycles import access as cycle_access
from ledgers import importing, jobs
from ledgers.models import LedgerJob
from ledgers.reading import EXTENSIONS
from orgs import access as org_access
from orgs.models import Organization

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # 100,000 rows of the Hunan ledger are about 20 MB as .xlsx


class ImportForm(forms.Form):
    """The file and the level it is imported into (the page's level or one of its sub-levels)."""

    file = forms.FileField(label=_("Ledger file (.xlsx, .xls or .csv)"))
    level = forms.TypedChoiceField(label=_("Import into"), coerce=int)

    def __init__(self, *args, levels: list[Organization], **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = {level.pk: level for level in levels}
        self.fields["level"].choices = [(level.pk, level.name) for level in levels]
        self.fields["file"].widget.attrs["accept"] = ",".join(EXTENSIONS)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise ValidationError(_("Ledger file: please choose an .xlsx, .xls or .csv file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("Ledger file: the file is larger than 50 MB."))
        return upload


def _level_in_cycle(user, cycle, org_pk) -> Organization:
    level = org_access.get_organization_for(user, org_pk)
    if not level.path.startswith(cycle.owner.path):
        raise Http404
    return level


def _levels(user, level: Organization) -> list[Organization]:
    """The page's level and its subordinate levels (those with subordinates of their own) the user may import into."""
    below = Organization.objects.subtree(level.path).active().filter(children_count__gt=0).exclude(pk=level.pk)
    return [level] + [org for org in below.order_by("path")[:500] if importing.can_import(user, org)]


def ledger_url(cycle_pk: int, org_pk: int) -> str:
    """The ledger page of a level (ledgers:ledger); the cycle's page until that page exists."""
    try:
        return reverse("ledgers:ledger", args=(cycle_pk, org_pk))
    except NoReverseMatch:
        return reverse("cycles:detail", args=(cycle_pk,)) + f"?level={org_pk}"


@login_required
def import_start(request, cycle_pk: int, org_pk: int):
    """导入台账: upload a file; its check runs at once and the job page lists what it found."""
    cycle = cycle_access.get_cycle_for(request.user, cycle_pk)
    level = _level_in_cycle(request.user, cycle, org_pk)
    if not importing.can_import(request.user, level):
        raise PermissionDenied(_("You may not import a ledger into %(name)s.") % {"name": level.name})
    levels = _levels(request.user, level)
    form = ImportForm(request.POST or None, request.FILES or None, levels=levels, initial={"level": level.pk})
    if request.method == "POST" and form.is_valid():
        chosen = form.levels[form.cleaned_data["level"]]
        try:
            job = importing.ledger_import_start(actor=request.user, cycle=cycle, level=chosen,
                                                upload=form.cleaned_data["file"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("ledgers:job", pk=job.pk)
    return render(request, "ledgers/import.html", {"cycle": cycle, "level": level, "form": form,
                                                   "ledger_url": ledger_url(cycle.pk, level.pk)})


def _job_context(job: LedgerJob) -> dict:
    done, total = jobs.job_progress(job)
    counts = job.result.get("counts", {}) if job.result else {}
    return {
        "job": job, "done": done, "total": total, "percent": min(100, done * 100 // total) if total else 0,
        "counts": counts, "problems": job.problems, "blocking": job.blocking_problems,
        "warnings": len(job.problems) - job.blocking_problems,
        "ledger_url": ledger_url(job.cycle_id, job.organization_id) if job.cycle_id else "",
        "can_confirm": (job.kind == LedgerJob.Kind.IMPORT and job.stage == "preview" and job.state == LedgerJob.State.DONE
                        and not job.blocking_problems and job.created_by_id is not None),
    }


@login_required
def job_detail(request, pk: int):
    """An import's check (problems, summary, 确认导入) or its result; a progress bar while it runs."""
    job = importing.get_ledger_job_for(request.user, pk)
    return render(request, "ledgers/import_job.html", _job_context(job))


@login_required
def job_progress(request, pk: int):
    """The progress bar alone, polled every second; once the job ends, the page reloads to show the result."""
    job = importing.get_ledger_job_for(request.user, pk)
    if job.is_finished:
        response = HttpResponse("")
        response["HX-Redirect"] = reverse("ledgers:job", args=(job.pk,))
        return response
    return render(request, "ledgers/_progress.html", _job_context(job))


@login_required
@require_POST
def import_confirm(request, pk: int):
    """确认导入: every row in one transaction, or nothing."""
    job = importing.get_ledger_job_for(request.user, pk)
    try:
        job = importing.ledger_import_confirm(actor=request.user, job=job)
    except ValidationError as error:
        context = _job_context(job)
        context["confirm_errors"] = error.messages
        return render(request, "ledgers/import_job.html", context, status=400)
    return redirect("ledgers:job", pk=job.pk)
