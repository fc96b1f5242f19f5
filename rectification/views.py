"""Pages of rectification: parse, authorize, call one service or selector, render.

The plan page is the branch secretary's one place: targets, problems with their measures (a problem and
its first measure filed together), the deductions to turn into problems, submission, progress with
evidence, the responsibility letter. The same page shows the superior its review. A level's page shows
its overview and approves its submitted plans at once; the mid-year check rates the whole level on one
page. A refusal comes back as the service's Chinese message on the page that caused it, with what was
typed kept.
"""

from django.apps import apps as django_apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.files import file_download
from core.forms import add_service_errors
from core.models import AuditEvent
from core.versions import EditConflict, version_of
from cycles import access as cycle_access
from cycles.models import CycleStandard
from orgs import access as org_access
from rectification import access, jobs, rules, selectors, services
from rectification.choices import (
    EDITABLE_PLAN_STATES,
    MeasureKind,
    MeasureState,
    MidyearRating,
    PlanState,
    SupporterKind,
)
from rectification.forms import (
    MIDYEAR_CHOICES,
    AnswerForm,
    LetterForm,
    MeasureEditForm,
    MeasureFields,
    ProblemForm,
    ProgressForm,
    ReasonForm,
    SettingsForm,
    TargetForm,
)
from rectification.models import Problem
from standards.choices import Grade
from standards.models import Deduction, VetoMark


def _cycle_and_org(user, cycle_pk, org_pk):
    cycle = cycle_access.get_cycle_for(user, cycle_pk)
    organization = org_access.get_organization_for(user, org_pk)
    if organization.pk == cycle.owner_id or not organization.path.startswith(cycle.owner.path):
        raise Http404
    return cycle, organization


def _plan_url(plan) -> str:
    return reverse("rectification:plan", args=(plan.cycle_id, plan.organization_id))


def _sheet_findings(cycle, organization, plan):
    """The deductions and vetoes of the organization's score sheets under the cycle's standard, not yet filed."""
    standards = CycleStandard.objects.filter(cycle=cycle).values("standard_id")
    filed = set(plan.problems.exclude(deduction=None).values_list("deduction_id", flat=True)) if plan else set()
    vetoes_filed = set(plan.problems.exclude(veto_mark=None).values_list("veto_mark_id", flat=True)) if plan else set()
    deductions = [d for d in Deduction.objects.filter(sheet__organization=organization, sheet__standard__in=standards)
                  .select_related("item__indicator", "sheet") if d.pk not in filed]
    vetoes = [v for v in VetoMark.objects.filter(sheet__organization=organization, sheet__standard__in=standards)
              .select_related("clause") if v.pk not in vetoes_filed]
    return deductions, vetoes


def _plan_page(request, cycle, organization, *, errors=(), problem_form=None, forms_by_measure=None,
               target_form=None):
    user = request.user
    plan = selectors.plan_of(cycle=cycle, organization=organization)
    can_edit = org_access.can_edit_facts(user, organization)
    can_review = org_access.can_decide(user, organization)
    terms = services.common.settings_of(cycle)
    today = timezone.localdate()
    problems = selectors.plan_problems(plan=plan) if plan else []
    editable = bool(plan and plan.state in EDITABLE_PLAN_STATES and can_edit)
    deductions, vetoes = _sheet_findings(cycle, organization, plan) if (can_edit and (plan is None or editable)) else ([], [])
    evidence = list(selectors.plan_evidence(plan=plan)) if plan else []
    supporters = selectors.supporters_for(user=user, organization=organization)
    approved_version = selectors.plan_approved_version(plan=plan) if plan else None
    context = {
        "cycle": cycle, "organization": organization, "plan": plan, "problems": problems, "terms": terms,
        "today": today, "can_edit": can_edit, "can_review": can_review, "editable": editable,
        "is_branch": not organization.children_count,
        "problem_count": len(problems), "problems_missing": max(0, terms.min_problems - len(problems)),
        "target_form": target_form or TargetForm(
            grades=rules.targets_for(plan.current_grade if plan else ""),
            initial={"target_grade": plan.target_grade, "target_stars": plan.target_stars,
                     "version": version_of(plan)}) if editable else None,
        "problem_form": problem_form or (ProblemForm(initial={"deadline": terms.ends_on}) if editable or (
            plan is None and can_edit) else None),
        "measure_form": MeasureFields(initial={"deadline": terms.ends_on}),
        "forms_by_measure": forms_by_measure or {},
        "deductions": deductions, "vetoes": vetoes,
        "reviewable": bool(plan and plan.state == PlanState.SUBMITTED and can_review),
        "progressing": bool(plan and plan.approved_at),
        "evidence": evidence,
        "progress_form": ProgressForm(evidence=evidence, initial={"reported_on": today}),
        "reason_form": ReasonForm(), "answer_form": AnswerForm(),
        "letter_form": LetterForm(initial={"letter_signed_on": today}),
        "approved_version": approved_version if plan and plan.state != PlanState.APPROVED else None,
        "midyear": selectors.midyear_of(cycle=cycle, organization=organization),
        "units": supporters.filter(kind=SupporterKind.UNIT), "leaders": supporters.filter(kind=SupporterKind.LEADER),
        "plan_due": selectors.plan_deadline(cycle=cycle, organization=organization),
        "errors": list(errors), "open_states": (MeasureState.PLANNED, MeasureState.IN_PROGRESS),
        "superior_kind": MeasureKind.SUPERIOR,
        "overall_lines": jobs.letter_context(plan)["targets"] if plan else [],
        # 附件3 prints at most 150 characters of measures: say so where the secretary writes them.
        "ledger_measures_length": len(rules.ledger_measures([m.text for p in problems for m in p.measures.all()])),
        "ledger_measures_width": rules.LEDGER_MEASURES_WIDTH,
        "overall_rows": [(n, (plan.overall_targets[n] if plan and n < len(plan.overall_targets) else {}))
                         for n in range(OVERALL_ROWS)],
        "ladder_grades": [(g, Grade(g).label) for g in rules.targets_for("")],
        "events": AuditEvent.objects.filter(organization=organization, action__in=list(
            _app_actions())).select_related("actor").order_by("-time")[:50] if plan else [],
    }
    return render(request, "rectification/plan.html", context)


def _app_actions():
    return django_apps.get_app_config("rectification").audit_actions


@login_required
def plan_page(request, cycle_pk: int, org_pk: int):
    cycle, organization = _cycle_and_org(request.user, cycle_pk, org_pk)
    return _plan_page(request, cycle, organization)


def _refused(request, cycle, organization, error: ValidationError, **forms):
    return _plan_page(request, cycle, organization, errors=error.messages, **forms)


@login_required
@require_POST
def problem_file(request, cycle_pk: int, org_pk: int):
    """A problem with its first measure, in one form; the plan is started with the first one."""
    cycle, organization = _cycle_and_org(request.user, cycle_pk, org_pk)
    form = ProblemForm(request.POST)
    if not form.is_valid():
        return _plan_page(request, cycle, organization, problem_form=form)
    try:
        plan = services.plan_file(actor=request.user, cycle=cycle, organization=organization, problems=[
            {**form.problem_values(), "measures": [form.measure_values()]}])
    except ValidationError as error:
        add_service_errors(form, _unprefixed(error))
        return _plan_page(request, cycle, organization, problem_form=form)
    messages.success(request, _("The problem and its measure are filed."))
    return redirect(_plan_url(plan) + "#problems")


def _unprefixed(error: ValidationError) -> ValidationError:
    """plan_file names a refusal "Problem 1: Measure 1: …"; on the one-problem form the field says enough."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({field: [message.split("：", 2)[-1] if message.count("：") >= 2 else message
                                    for message in messages_] for field, messages_ in error.message_dict.items()})


OVERALL_ROWS = 4


def _overall_from(data) -> list[dict] | None:
    """A committee's overall targets as typed: rows of grade from, grade to and a percentage (None: not on the form)."""
    if "overall-from-0" not in data:
        return None
    rows = []
    for number in range(OVERALL_ROWS):
        start, end = data.get(f"overall-from-{number}", ""), data.get(f"overall-to-{number}", "")
        percent = (data.get(f"overall-share-{number}", "") or "").strip().rstrip("%")
        if not (start or end or percent):
            continue
        try:
            share = str(round(float(percent) / 100, 4))
        except ValueError:
            share = percent
        rows.append({"from": start, "to": end, "share": share})
    return rows


@login_required
@require_POST
def plan_targets(request, pk: int):
    plan = access.get_plan_for(request.user, pk)
    form = TargetForm(request.POST, grades=rules.targets_for(plan.current_grade))
    try:
        if not form.is_valid():
            raise ValidationError({name: errors for name, errors in form.errors.items()})
        services.plan_update(actor=request.user, plan=plan, target_grade=form.cleaned_data["target_grade"],
                             target_stars=form.cleaned_data["target_stars"], overall_targets=_overall_from(request.POST),
                             version=form.cleaned_data["version"])
    except EditConflict as error:
        add_service_errors(form, error)
        return _plan_page(request, plan.cycle, plan.organization, target_form=form)
    except ValidationError as error:
        return _refused(request, plan.cycle, plan.organization, error)
    messages.success(request, _("The targets are saved."))
    return redirect(_plan_url(plan))


def _one(request, plan, call, done_message: str, anchor: str = ""):
    """Run one service for the plan's page: back to the page, with the refusal shown where it was."""
    try:
        call()
    except ValidationError as error:
        return _refused(request, plan.cycle, plan.organization, error)
    if done_message:
        messages.success(request, done_message)
    return redirect(_plan_url(plan) + anchor)


@login_required
@require_POST
def problem_from_deduction(request, cycle_pk: int, deduction_pk: int):
    """One click from a deduction of the score sheet to a problem linked to it."""
    cycle = cycle_access.get_cycle_for(request.user, cycle_pk)
    deduction = Deduction.objects.select_related("sheet__organization", "item__indicator").filter(pk=deduction_pk).first()
    if deduction is None:
        raise Http404
    org_access.check(request.user, deduction.sheet.organization, org_access.VIEW)
    _cycle_and_org(request.user, cycle.pk, deduction.sheet.organization_id)
    try:
        problem = services.problem_from_deduction(actor=request.user, cycle=cycle, deduction=deduction)
    except ValidationError as error:
        return _refused(request, cycle, deduction.sheet.organization, error)
    messages.success(request, _("The problem is filed from the deduction; now add its measure."))
    return redirect(_plan_url(problem.plan) + f"#problem-{problem.pk}")


@login_required
@require_POST
def problem_from_veto(request, cycle_pk: int, veto_pk: int):
    cycle = cycle_access.get_cycle_for(request.user, cycle_pk)
    mark = VetoMark.objects.select_related("sheet__organization", "clause").filter(pk=veto_pk).first()
    if mark is None:
        raise Http404
    _cycle_and_org(request.user, cycle.pk, mark.sheet.organization_id)
    try:
        problem = services.problem_from_veto(actor=request.user, cycle=cycle, veto_mark=mark)
    except ValidationError as error:
        return _refused(request, cycle, mark.sheet.organization, error)
    return redirect(_plan_url(problem.plan) + f"#problem-{problem.pk}")


def _problem(user, pk) -> Problem:
    problem = Problem.objects.select_related("plan").filter(pk=pk).first()
    if problem is None:
        raise Http404
    access.get_plan_for(user, problem.plan_id)
    return problem


@login_required
@require_POST
def measure_add(request, pk: int):
    problem = _problem(request.user, pk)
    plan = access.get_plan_for(request.user, problem.plan_id)
    form = MeasureFields(request.POST)
    if not form.is_valid():
        return _refused(request, plan.cycle, plan.organization, ValidationError(
            [f"{form.fields[name].label}：{' '.join(errors)}" for name, errors in form.errors.items()]))
    return _one(request, plan, lambda: services.measure_add(actor=request.user, problem=problem, **form.measure_values()),
                _("The measure is added."), f"#problem-{problem.pk}")


@login_required
@require_POST
def measure_edit(request, pk: int):
    measure = access.get_measure_for(request.user, pk)
    plan = measure.plan
    form = MeasureEditForm(request.POST)
    if not form.is_valid():
        return _plan_page(request, plan.cycle, plan.organization, forms_by_measure={measure.pk: form})
    return _one(request, plan, lambda: services.measure_update(actor=request.user, measure=measure,
                                                               version=form.cleaned_data["version"],
                                                               **form.measure_values()),
                _("The measure is changed."), f"#measure-{measure.pk}")


@login_required
@require_POST
def measure_delete(request, pk: int):
    measure = access.get_measure_for(request.user, pk)
    return _one(request, measure.plan, lambda: services.measure_delete(actor=request.user, measure=measure),
                _("The measure is removed."), "#problems")


@login_required
@require_POST
def problem_delete(request, pk: int):
    problem = _problem(request.user, pk)
    plan = access.get_plan_for(request.user, problem.plan_id)
    return _one(request, plan, lambda: services.problem_delete(actor=request.user, problem=problem),
                _("The problem is removed."), "#problems")


@login_required
@require_POST
def plan_submit(request, pk: int):
    plan = access.get_plan_for(request.user, pk)
    return _one(request, plan, lambda: services.plan_submit(actor=request.user, plan=plan),
                _("The plan is submitted to %(superior)s for review.") % {
                    "superior": plan.organization.parent.name if plan.organization.parent else ""})


@login_required
@require_POST
def plan_review(request, pk: int):
    """两审: approve the plan, or return it with a reason on the measures that need work."""
    plan = access.get_plan_for(request.user, pk)
    if request.POST.get("decision") == "approve":
        return _one(request, plan, lambda: services.plan_approve(actor=request.user, plan=plan),
                    _("The plan is approved and locked."))
    reasons = {key.removeprefix("reason-"): value for key, value in request.POST.items() if key.startswith("reason-")}
    reasons = {int(pk_): text for pk_, text in reasons.items() if pk_.isdigit()}
    return _one(request, plan, lambda: services.plan_return(actor=request.user, plan=plan, reasons=reasons,
                                                            reason=request.POST.get("reason", "")),
                _("The plan is returned with your reasons."))


@login_required
@require_POST
def plan_revise(request, pk: int):
    plan = access.get_plan_for(request.user, pk)
    return _one(request, plan, lambda: services.plan_revise(actor=request.user, plan=plan,
                                                            reason=request.POST.get("reason", "")),
                _("A new version is started; the approved one stays in force until this one is approved."))


@login_required
@require_POST
def measure_progress(request, pk: int):
    measure = access.get_measure_for(request.user, pk)
    plan = measure.plan
    form = ProgressForm(request.POST, request.FILES, evidence=list(plan.evidence.all()))
    if not form.is_valid():
        return _refused(request, plan.cycle, plan.organization, ValidationError(
            [f"{form.fields[name].label}：{' '.join(errors)}" for name, errors in form.errors.items()]))
    files = request.FILES.getlist("files")
    return _one(request, plan, lambda: services.progress_report(
        actor=request.user, measure=measure, reported_on=form.cleaned_data["reported_on"],
        text=form.cleaned_data["text"], files=files, evidence_ids=[int(pk_) for pk_ in form.cleaned_data.get(
            "evidence") or []]), _("The progress is reported."), f"#measure-{measure.pk}")


@login_required
@require_POST
def measure_move(request, pk: int, move: str):
    """done (the organization), verify (销号) or reopen (the superior), answer (a measure that needs the superior)."""
    measure = access.get_measure_for(request.user, pk)
    calls = {
        "done": (lambda: services.measure_complete(actor=request.user, measure=measure), _("Reported done.")),
        "verify": (lambda: services.measure_verify(actor=request.user, measure=measure),
                   _("The measure is verified and struck off.")),
        "reopen": (lambda: services.measure_reopen(actor=request.user, measure=measure,
                                                   reason=request.POST.get("reason", "")), _("The measure is reopened.")),
        "answer": (lambda: services.measure_answer(actor=request.user, measure=measure,
                                                   answer=request.POST.get("answer", "")), _("Your answer is saved.")),
    }
    if move not in calls:
        raise Http404
    call, message = calls[move]
    return _one(request, measure.plan, call, message, f"#measure-{measure.pk}")


@login_required
def evidence_download(request, pk: int):
    return file_download(access.get_evidence_for(request.user, pk).file)


# The responsibility letter ----------------------------------------------------------------------


@login_required
def letter_print(request, pk: int):
    """目标责任书 as an A4 page to print (the browser's print, or the PDF made by a worker)."""
    plan = access.get_plan_for(request.user, pk)
    return render(request, "rectification/letter.html", jobs.letter_context(plan))


@login_required
@require_POST
def letter_pdf(request, pk: int):
    plan = access.get_plan_for(request.user, pk)
    job = jobs.letter_pdf_start(actor=request.user, plan=plan)
    return redirect("rectification:job", pk=job.pk)


@login_required
@require_POST
def letter_sign(request, pk: int):
    plan = access.get_plan_for(request.user, pk)
    form = LetterForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(request, plan.cycle, plan.organization, ValidationError(
            [f"{form.fields[name].label}：{' '.join(errors)}" for name, errors in form.errors.items()]))
    return _one(request, plan, lambda: services.letter_sign(
        actor=request.user, plan=plan, upload=form.cleaned_data["letter_scan"],
        signed_on=form.cleaned_data["letter_signed_on"]), _("The signed letter is kept; the letter is complete."))


# A level ----------------------------------------------------------------------------------------


def _level(user, cycle_pk, level_pk):
    cycle = cycle_access.get_cycle_for(user, cycle_pk)
    level = org_access.get_organization_for(user, level_pk)
    if not level.path.startswith(cycle.owner.path):
        raise Http404
    return cycle, level


LEVEL_PAGE = 200  # subordinates per page of a level's overview: its counts cover the whole subtree at once


def _page_of(request, count: int) -> tuple[int, int, int]:
    """(page, offset, pages) from ?page=, the last page for a number past it."""
    pages = max(1, -(-count // LEVEL_PAGE))
    try:
        page = min(max(1, int(request.GET.get("page", 1))), pages)
    except ValueError:
        page = 1
    return page, (page - 1) * LEVEL_PAGE, pages


@login_required
def level_page(request, cycle_pk: int, level_pk: int):
    """The level's overview: its subtree's plans and measures by state, overdue, the mid-year ratings, and
    its direct subordinates one by one."""
    cycle, level = _level(request.user, cycle_pk, level_pk)
    today = timezone.localdate()
    page, offset, total = _page_of(request, level.children_count)
    rows = selectors.level_rows(cycle=cycle, level=level, today=today, offset=offset, limit=LEVEL_PAGE)
    return render(request, "rectification/level.html", {
        "cycle": cycle, "level": level, "summary": selectors.level_summary(cycle=cycle, level=level, today=today),
        "rows": rows, "submitted": selectors.submitted_below(cycle=cycle, level=level),
        "page": page, "pages": total, "first_row": offset + 1, "last_row": offset + len(rows),
        "can_review": org_access.can_decide_below(request.user, level),
        "overdue": selectors.overdue_measures(user=request.user, cycle=cycle, level=level, today=today, limit=50),
        "terms": services.common.settings_of(cycle), "today": today,
        "own_plan": level.pk != cycle.owner_id,
        "can_set": level.pk == cycle.owner_id and org_access.can_manage(request.user, level),
    })


SETTINGS_FIELDS = ("min_problems", "committee_plan_due", "plan_due", "midyear_due", "ends_on")


@login_required
def settings_page(request, cycle_pk: int):
    """The cycle's owner sets the problems required per branch and the rectification dates."""
    cycle = cycle_access.get_cycle_for(request.user, cycle_pk, org_access.MANAGE)
    current = services.common.settings_of(cycle)
    form = SettingsForm(request.POST or None, initial={name: getattr(current, name) for name in SETTINGS_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            services.rectification_settings_update(actor=request.user, cycle=cycle, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The rectification settings are saved."))
            return redirect("rectification:level", cycle_pk=cycle.pk, level_pk=cycle.owner_id)
    return render(request, "rectification/settings.html", {"cycle": cycle, "form": form})


@login_required
@require_POST
def level_approve(request, cycle_pk: int, level_pk: int):
    cycle, level = _level(request.user, cycle_pk, level_pk)
    count = services.plan_approve_many(actor=request.user, cycle=cycle, level=level)
    messages.success(request, _("%(count)d plans approved.") % {"count": count})
    return redirect("rectification:level", cycle_pk=cycle.pk, level_pk=level.pk)


@login_required
def midyear_page(request, cycle_pk: int, level_pk: int):
    """七一前考评: every direct subordinate rated on one page, saved at once."""
    cycle, level = _level(request.user, cycle_pk, level_pk)
    access.require(request.user, access.can_rate_below(request.user, level), level)
    today = timezone.localdate()
    rows = selectors.level_rows(cycle=cycle, level=level, today=today)
    errors, typed = [], {}
    if request.method == "POST":
        ratings = [{"organization_id": row.organization.pk, "rating": request.POST.get(f"rating-{row.organization.pk}", ""),
                    "reason": request.POST.get(f"reason-{row.organization.pk}", ""),
                    "new_deadline": request.POST.get(f"deadline-{row.organization.pk}", "")} for row in rows]
        try:
            count = services.midyear_rate(actor=request.user, cycle=cycle, level=level, ratings=ratings)
        except ValidationError as error:
            errors = error.messages
            typed = {entry["organization_id"]: entry for entry in ratings}
        else:
            messages.success(request, _("%(count)d ratings saved.") % {"count": count})
            return redirect("rectification:level", cycle_pk=cycle.pk, level_pk=level.pk)
    lines = [(row, typed.get(row.organization.pk) or {
        "rating": row.midyear.rating if row.midyear else "", "reason": row.midyear.reason if row.midyear else "",
        "new_deadline": row.midyear.new_deadline.isoformat() if row.midyear and row.midyear.new_deadline else ""})
        for row in rows]
    return render(request, "rectification/midyear.html", {
        "cycle": cycle, "level": level, "lines": lines, "choices": MIDYEAR_CHOICES, "errors": errors,
        "terms": services.common.settings_of(cycle), "criticize": MidyearRating.CRITICIZE})


@login_required
def level_export(request, cycle_pk: int, level_pk: int, kind: str):
    """The level's problem list or measure list as .xlsx, written by a worker."""
    cycle, level = _level(request.user, cycle_pk, level_pk)
    if kind not in ("problems", "measures"):
        raise Http404
    job = jobs.list_export_start(actor=request.user, cycle=cycle, level=level, kind=kind)
    job = jobs.job_wait(job, jobs.EXPORT_WAIT_SECONDS)
    if job.state == job.State.DONE and job.file:
        return redirect("rectification:job_download", pk=job.pk)
    return redirect("rectification:job", pk=job.pk)


# Jobs -------------------------------------------------------------------------------------------


@login_required
def job_page(request, pk: int):
    job = jobs.get_job_for(request.user, pk)
    template = "rectification/_job_progress.html" if request.headers.get("HX-Request") else "rectification/job.html"
    return render(request, template, {"job": job, "status": jobs.job_status(job)})


@login_required
def job_download(request, pk: int):
    job = jobs.get_job_for(request.user, pk)
    if job.state != job.State.DONE:
        raise Http404
    return file_download(job.file)
