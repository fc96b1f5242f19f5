"""Pages of the yearly cycle and the grading workflow: parse, authorize, call one service or selector, render.

Every rule (order of steps, who decides, quotas, locks) lives in cycles.services; a refusal comes
back as a ValidationError naming its field and is shown on the form that caused it.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.files import file_download
from core.forms import add_service_errors
from cycles import access, selectors, services
from cycles.choices import (
    OWN_STEPS,
    PRESETS,
    REPORTED_LIST_STATES,
    SURVEY_QUESTIONS,
    GradingState,
    ListState,
    Preset,
    Step,
    SurveyRating,
)
from cycles.exports import survey_workbook
from cycles.forms import (
    VOTE_LABELS,
    CycleEditForm,
    CycleOpenForm,
    DecideForm,
    DepartmentInputForm,
    ExtendForm,
    ListReviewForm,
    ListSubmitForm,
    QuotaFormSet,
    ReasonForm,
    ReturnForm,
    StepForm,
    SurveyForm,
    deadline_initial,
    default_quota_rows,
    default_year,
    quota_rows_of,
    quotas_from,
)
from cycles.models import CycleAttachment, Grading, StepRecord, SurveyAnswer
from orgs import access as org_access
from orgs.choices import Role, Sector
from orgs.models import Organization
from standards import selectors as standard_selectors
from standards.choices import AssessorKind, Grade

# Cycles -----------------------------------------------------------------------------------------


@login_required
def cycle_list(request):
    cycles = selectors.cycle_list(user=request.user)[:200]
    can_open = request.user.is_superuser or any(role in org_access.MANAGING_ROLES
                                                for _path, role, _pk in org_access.user_roles(request.user))
    return render(request, "cycles/list.html", {"cycles": cycles, "can_open": can_open})


def _managed_default(user) -> Organization | None:
    """The top organization the user administers: the usual owner of a cycle they open."""
    ids = [pk for _path, role, pk in sorted(org_access.user_roles(user)) if role in org_access.MANAGING_ROLES]
    return Organization.objects.filter(pk=ids[0]).first() if ids else None


def _owner_from(user, code: str) -> Organization | None:
    organization = Organization.objects.filter(code=(code or "").strip()).first()
    return organization if organization is not None and org_access.can_view(user, organization) else None


def _open_form(request):
    """The open-cycle form; its standards per sector and its deadlines follow the owner, year and chain
    typed so far. The owner's previous cycle gives the standards to carry forward and the quota rules."""
    source = request.POST if request.method == "POST" else request.GET
    owner = _owner_from(request.user, source["owner"]) if source.get("owner") else _managed_default(request.user)
    year_text = str(source.get("year") or "")
    year = int(year_text) if year_text.isdigit() else default_year(owner)
    sectors = selectors.sectors_below(user=request.user, organization=owner) if owner else []
    previous = selectors.previous_cycle(owner=owner, year=year) if owner else None
    carried = {link.sector: link.standard for link in previous.standards.select_related("standard__issuer")
               if org_access.can_manage(request.user, link.standard.issuer)} if previous else {}
    initial = {"owner": owner.code if owner else "", "year": year, "preset": source.get("preset") or Preset.CHENGHUA,
               **deadline_initial(source, year)}
    data = request.POST if request.method == "POST" else None
    form = CycleOpenForm(data, request.FILES or None, user=request.user, owner=owner, year=year, sectors=sectors,
                         previous_standards=carried, initial=initial)
    quota_rows = quota_rows_of(previous.quotas) if previous else default_quota_rows()
    quotas = QuotaFormSet(data, prefix="quotas", initial=None if data else quota_rows)
    return form, quotas, owner, previous


@login_required
def cycle_open(request):
    """安排部署: an organization department opens the year's cycle for its subtree."""
    form, quotas, owner, previous = _open_form(request)
    valid = request.method == "POST" and all([form.is_valid(), quotas.is_valid()])  # both, to show every error
    if valid:
        owner = form.cleaned_data["owner"]
        if not org_access.can_manage(request.user, owner):
            form.add_error("owner", _("You do not administer %(name)s, so you cannot open its cycle.") % {"name": owner.name})
        else:
            data = form.cleaned_data
            preset = data["preset"]
            try:
                with transaction.atomic():  # the cycle and its notice's attachment are one act: neither without the other
                    cycle = services.cycle_open(
                        actor=request.user, owner=owner, year=data["year"],
                        name=data["name"] or _("%(year)d grading of %(name)s") % {"year": data["year"], "name": owner.name},
                        preset=preset, deadlines=form.deadlines(PRESETS[preset]), list_deadlines=form.list_deadlines(),
                        standards=form.standards(), quotas=quotas_from(quotas), notice=data["notice"],
                        survey_enabled=data["survey_enabled"], lock_after_deadline=data["lock_after_deadline"])
                    if data.get("attachment"):
                        services.cycle_attachment_add(actor=request.user, cycle=cycle, title=data["attachment_title"],
                                                      file=data["attachment"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The cycle %(name)s is open.") % {"name": cycle.name})
                return redirect("cycles:detail", pk=cycle.pk)
    template = "cycles/open.html"
    if request.headers.get("HX-Request"):
        template = "cycles/_open_deadlines.html" if request.GET.get("part") == "deadlines" else "cycles/_open_sectors.html"
    return render(request, template, {"form": form, "quotas": quotas, "owner": owner, "previous": previous})


@login_required
def cycle_edit(request, pk: int):
    """Change a cycle's deadlines (extend one) and notice; attach a file to the notice."""
    cycle = access.get_cycle_for(request.user, pk, org_access.MANAGE)
    form = CycleEditForm(request.POST or None, request.FILES or None, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.cycle_update(actor=request.user, cycle=cycle, deadlines=form.deadlines(cycle.steps),
                                      list_deadlines=form.list_deadlines(), notice=data["notice"], reason=data["reason"])
                if data.get("attachment"):
                    services.cycle_attachment_add(actor=request.user, cycle=cycle, title=data["attachment_title"],
                                                  file=data["attachment"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect("cycles:detail", pk=cycle.pk)
    return render(request, "cycles/edit.html", {"cycle": cycle, "form": form})


def _steps_with_deadlines(cycle):
    return [(Step(step), cycle.deadlines.get(step)) for step in cycle.steps]


@login_required
def cycle_detail(request, pk: int):
    """The cycle: its notice and deadlines for everyone; for each level the user acts for, its progress."""
    cycle = access.get_cycle_for(request.user, pk)
    level = access.get_organization_in_cycle_for(request.user, cycle, request.GET["level"]) if request.GET.get("level") else None
    context = _detail_context(request, cycle, level)
    template = "cycles/_level.html" if request.headers.get("HX-Request") and context.get("level") else "cycles/detail.html"
    return render(request, template, context)


def _detail_context(request, cycle, level=None, submit_form=None) -> dict:
    levels = selectors.levels_of(user=request.user, cycle=cycle)
    level = level or (levels[0] if levels else None)
    return {
        "cycle": cycle,
        "steps": _steps_with_deadlines(cycle),
        "list_deadlines": sorted(cycle.list_deadlines.items()),
        "attachments": cycle.attachments.all(),
        "levels": levels,
        "can_manage": org_access.can_manage(request.user, cycle.owner),
        "extensions": cycle.extensions.select_related("organization").order_by("organization__path", "step")[:100],
        "my_gradings": _my_gradings(request.user, cycle),
        **(_level_context(request, cycle, level, submit_form) if level else {}),
    }


def _my_gradings(user, cycle):
    """The gradings of the organizations the user is secretary of: where they record steps."""
    ids = [pk for _path, role, pk in org_access.user_roles(user) if role == Role.SECRETARY]
    return Grading.objects.filter(cycle=cycle, organization_id__in=ids).select_related("organization")


def _level_context(request, cycle, level, submit_form=None) -> dict:
    user = request.user
    counts = selectors.level_summary(user=user, cycle=cycle, level=level)
    gradings = list(selectors.subordinate_gradings(user=user, cycle=cycle, level=level)[:500])
    due = selectors.gradings_due(cycle, gradings)
    lists = selectors.subordinate_list_states(cycle=cycle, gradings=gradings)
    for grading in gradings:
        grading.due = due[grading.pk]
        grading.own_list = lists.get(grading.organization_id)
    failures = services.list_quota_failures(cycle=cycle, level=level)
    whole = selectors.list_whole(cycle=cycle, level=level)
    return {
        "level": level,
        "is_owner_level": level.pk == cycle.owner_id,
        **selectors.summary_tables(cycle=cycle, counts=counts),
        "progress": selectors.step_progress(user=user, cycle=cycle, level=level),
        "gradings": gradings,
        "level_list": selectors.level_list_of(cycle=cycle, level=level),
        "list_deadline": selectors.list_deadline(cycle=cycle, level=level) if level.pk != cycle.owner_id else None,
        "quota_failures": _quota_lines(failures),
        "list_whole": whole,
        "undetermined": sum(1 for g in gradings if g.state not in (GradingState.DECIDED, GradingState.APPROVED)),
        "needs_exception": bool(failures),
        "can_submit_list": access.can_submit_list(user, level),
        "submit_form": submit_form or ListSubmitForm(),
        "overdue": selectors.overdue_list(user=user, cycle=cycle, level=level, limit=100),
        "overdue_lists": selectors.overdue_lists(user=user, cycle=cycle, level=level, limit=100),
        "list_states": ListState,
        "reported_states": REPORTED_LIST_STATES,
    }


def _quota_lines(failures) -> list[dict]:
    """Quota failures as the lines the organization page shows (grade label, share in percent)."""
    return [{"grade_label": Grade(f.rule.grade).label if f.rule.grade in Grade.values else f.rule.grade,
             "at_most": f.rule.at_most, "share_percent": f"{float(f.rule.share) * 100:g}%", "count": f.count,
             "total": f.total, "limit": f.limit, "by": f.by} for f in failures]


@login_required
@require_POST
def level_list_submit(request, pk: int, level_pk: int):
    """A level reports its list of determinations upward (with a written exception when something fails)."""
    cycle = access.get_cycle_for(request.user, pk)
    level = access.get_organization_in_cycle_for(request.user, cycle, level_pk)
    form = ListSubmitForm(request.POST)
    form.is_valid()
    try:
        services.level_list_submit(actor=request.user, cycle=cycle, level=level,
                                   exception=form.cleaned_data.get("exception", ""))
    except ValidationError as error:
        add_service_errors(form, error)
    else:
        messages.success(request, _("The list of %(name)s was submitted.") % {"name": level.name})
        return redirect(f"{reverse('cycles:detail', args=[cycle.pk])}?level={level.pk}")
    return render(request, "cycles/detail.html", _detail_context(request, cycle, level, submit_form=form))


@login_required
def notice_attachment(request, pk: int):
    """A notice attachment, for everyone who sees the cycle (files are not served without a check)."""
    attachment = CycleAttachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    access.get_cycle_for(request.user, attachment.cycle_id)
    return file_download(attachment.file)


# Level lists ------------------------------------------------------------------------------------


def _list_page(request, cycle, level, review_form=None):
    gradings = list(selectors.subordinate_gradings(user=request.user, cycle=cycle, level=level)[:500])
    level_list = selectors.level_list_of(cycle=cycle, level=level)
    form = review_form or ListReviewForm(gradings=[g for g in gradings if g.state == GradingState.DECIDED])
    context = {
        "cycle": cycle,
        "level": level,
        "level_list": level_list,
        "rows": [(g, form[f"reason_{g.pk}"] if f"reason_{g.pk}" in form.fields else None) for g in gradings],
        "form": form,
        "quota_failures": _quota_lines(services.list_quota_failures(cycle=cycle, level=level)),
        "can_approve": access.can_approve_list(request.user, cycle, level),
    }
    return render(request, "cycles/level_list.html", context)


@login_required
def level_list_detail(request, pk: int, level_pk: int):
    """审核: the level above sees a level's list, approves it, or returns single determinations with reasons."""
    cycle = access.get_cycle_for(request.user, pk)
    level = access.get_organization_in_cycle_for(request.user, cycle, level_pk)
    return _list_page(request, cycle, level)


def _review(request, pk: int, level_pk: int, approve: bool):
    cycle = access.get_cycle_for(request.user, pk)
    level = access.get_organization_in_cycle_for(request.user, cycle, level_pk)
    level_list = selectors.level_list_of(cycle=cycle, level=level)
    gradings = selectors.subordinate_gradings(user=request.user, cycle=cycle, level=level).filter(state=GradingState.DECIDED)
    form = ListReviewForm(request.POST, gradings=gradings)
    form.is_valid()
    try:
        if level_list is None:
            raise ValidationError({"state": _("%(level)s has not submitted its list yet.") % {"level": level.name}})
        if approve:
            services.level_list_approve(actor=request.user, level_list=level_list)
        else:
            services.level_list_return(actor=request.user, level_list=level_list, reasons=form.reasons())
    except ValidationError as error:
        add_service_errors(form, error)
        return _list_page(request, cycle, level, review_form=form)
    if approve:
        messages.success(request, _("The list of %(name)s was approved.") % {"name": level.name})
    else:
        messages.success(request, _("The list of %(name)s was returned.") % {"name": level.name})
    return redirect("cycles:level_list", pk=cycle.pk, level_pk=level.pk)


@login_required
@require_POST
def level_list_approve(request, pk: int, level_pk: int):
    return _review(request, pk, level_pk, approve=True)


@login_required
@require_POST
def level_list_return(request, pk: int, level_pk: int):
    return _review(request, pk, level_pk, approve=False)


# One organization's grading ---------------------------------------------------------------------


def _grading_page(request, grading, **forms):
    """The grading page; ``forms`` carries a bound form with errors back to where it was typed."""
    user = request.user
    cycle = grading.cycle
    records = {record.step: record for record in grading.records.select_related("recorded_by")}
    grades = selectors.grading_grades(grading=grading)
    standard = selectors.grading_standard(grading=grading)
    sheets = standard_selectors.sheets_for_organization(user=user, organization=grading.organization,
                                                        standard=standard) if standard else {}
    can_record = access.can_record(user, grading)
    can_decide = access.can_decide(user, grading)
    editable = grading.state in (GradingState.PREPARING, GradingState.RETURNED)
    done = {step for step, record in records.items() if not record.needs_work}
    step_to_record = selectors.next_step(cycle, grading, done) if editable else None
    due = selectors.grading_due_of(grading)
    # A closed step is said before anything is typed: no form, the reason, and whom to ask.
    closed_step = due if due and due.closed and due.step == step_to_record else None
    decision_deadline = selectors.step_deadline(cycle=cycle, organization=grading.organization,
                                                step=Step.SUPERIOR_DECISION)
    decision_closed = selectors.step_closed(cycle=cycle, deadline=decision_deadline)
    step_form = forms.get("step_form")
    if step_form is None and can_record and step_to_record and not closed_step:
        step_form = StepForm(step=step_to_record, grades=grades)
    decidable = grading.state in (GradingState.SUBMITTED, GradingState.DECIDED) and not decision_closed
    own = [step for step in cycle.steps if step in OWN_STEPS]
    can_extend = org_access.can_manage(user, cycle.owner) and grading.state != GradingState.APPROVED
    extend_form = forms.get("extend_form") or (
        ExtendForm(steps=cycle.steps, initial={"step": due.step if due else cycle.steps[0],
                                               "until": timezone.localdate() + datetime.timedelta(days=7)})
        if can_extend else None)
    context = {
        "cycle": cycle,
        "grading": grading,
        "organization": grading.organization,
        "steps": [(Step(step), cycle.deadlines.get(step), records.get(step), _vote_lines(records.get(step)))
                  for step in cycle.steps],
        "standard": standard,
        "self_sheet": sheets.get(AssessorKind.SELF),
        "superior_sheet": sheets.get(AssessorKind.SUPERIOR),
        "can_record": can_record,
        "can_decide": can_decide,
        "can_reopen": access.can_reopen(user, grading),
        "editable": editable,
        "step_form": step_form,
        "closed_step": closed_step,
        "decision_closed": decision_closed and can_decide and grading.state in (GradingState.SUBMITTED, GradingState.DECIDED),
        "decision_deadline": decision_deadline,
        "owner_contacts": selectors.owner_contacts(cycle=cycle) if closed_step or decision_closed else [],
        "can_submit": can_record and editable and step_to_record is None,
        "submit_errors": forms.get("submit_errors", []),
        "decide_form": forms.get("decide_form") or (DecideForm(grades=grades, revising=grading.state == GradingState.DECIDED,
                                                               initial={"grade": grading.final_grade or grading.declared_grade})
                                                    if can_decide and decidable else None),
        "return_form": forms.get("return_form") or (ReturnForm(steps=[s for s in own if s in records])
                                                    if can_decide and grading.state in (GradingState.SUBMITTED,
                                                                                        GradingState.DECIDED) else None),
        "is_street_committee": grading.organization.sector == Sector.STREET_COMMITTEE,
        "inputs": grading.inputs.select_related("recorded_by").order_by("department"),
        "combined_score": services.combined_score(grading),
        "input_form": forms.get("input_form") or (DepartmentInputForm() if can_decide else None),
        "reopen_form": forms.get("reopen_form") or ReasonForm(),
        "extend_form": extend_form,
        "extensions": grading.cycle.extensions.filter(organization=grading.organization).select_related("granted_by"),
        "events": selectors.grading_events(user=user, grading=grading)[:100],
        "due": due,
        "departments": ["目督办", "信访局", "民政局"],  # seeds/002: the departments that assess street committees
    }
    return render(request, "cycles/grading.html", context)


def _vote_lines(record) -> list[tuple[str, int]]:
    """A record's vote counts with their labels: per grade for ratings, agree / disagree / abstain for the meeting."""
    if record is None:
        return []
    return [(VOTE_LABELS.get(key) or (Grade(key).label if key in Grade.values else key), count)
            for key, count in record.votes.items()]


@login_required
def grading_detail(request, pk: int):
    grading = access.get_grading_for(request.user, pk)
    return _grading_page(request, grading)


@login_required
@require_POST
def step_record(request, pk: int, step: str):
    """Record one of the organization's own steps (the service refuses one out of order)."""
    grading = access.get_grading_for(request.user, pk)
    if step not in Step.values:
        raise Http404
    form = StepForm(request.POST, request.FILES, step=step, grades=selectors.grading_grades(grading=grading))
    if form.is_valid():
        try:
            services.step_record(actor=request.user, grading=grading, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(step)s was recorded.") % {"step": Step(step).label})
            return redirect("cycles:grading", pk=grading.pk)
    return _grading_page(request, grading, step_form=form)


@login_required
@require_POST
def grading_submit(request, pk: int):
    grading = access.get_grading_for(request.user, pk)
    try:
        services.grading_submit(actor=request.user, grading=grading)
    except ValidationError as error:
        return _grading_page(request, grading, submit_errors=error.messages)
    messages.success(request, _("%(name)s's grading was submitted to the superior.") % {"name": grading.organization.name})
    return redirect("cycles:grading", pk=grading.pk)


@login_required
@require_POST
def grading_decide(request, pk: int):
    grading = access.get_grading_for(request.user, pk)
    form = DecideForm(request.POST, grades=selectors.grading_grades(grading=grading),
                      revising=grading.state == GradingState.DECIDED)
    if form.is_valid():
        try:
            services.grading_decide(actor=request.user, grading=grading, grade=form.cleaned_data["grade"],
                                    reason=form.cleaned_data["reason"], revise=form.cleaned_data.get("revise", False))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was determined.") % {"name": grading.organization.name})
            return redirect("cycles:grading", pk=grading.pk)
    return _grading_page(request, grading, decide_form=form)


@login_required
@require_POST
def grading_return(request, pk: int):
    grading = access.get_grading_for(request.user, pk)
    steps = list(StepRecord.objects.filter(grading=grading).values_list("step", flat=True))
    form = ReturnForm(request.POST, steps=[s for s in grading.cycle.steps if s in steps])
    form.is_valid()
    try:
        services.grading_return(actor=request.user, grading=grading, reasons=form.reasons())
    except ValidationError as error:
        add_service_errors(form, error)
        return _grading_page(request, grading, return_form=form)
    messages.success(request, _("%(name)s's submission was returned.") % {"name": grading.organization.name})
    return redirect("cycles:grading", pk=grading.pk)


@login_required
@require_POST
def department_input(request, pk: int):
    grading = access.get_grading_for(request.user, pk)
    form = DepartmentInputForm(request.POST)
    if form.is_valid():
        try:
            services.department_input_record(actor=request.user, grading=grading, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The input of %(department)s was recorded.") % {
                "department": form.cleaned_data["department"]})
            return redirect("cycles:grading", pk=grading.pk)
    return _grading_page(request, grading, input_form=form)


@login_required
@require_POST
def grading_reopen(request, pk: int):
    grading = access.get_grading_for(request.user, pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.grading_reopen(actor=request.user, grading=grading, reason=form.cleaned_data.get("reason", ""))
    except ValidationError as error:
        add_service_errors(form, error)
        return _grading_page(request, grading, reopen_form=form)
    messages.success(request, _("%(name)s's grading was reopened.") % {"name": grading.organization.name})
    return redirect("cycles:grading", pk=grading.pk)


@login_required
@require_POST
def deadline_extend(request, pk: int):
    """The cycle's owner gives this organization a later deadline for one step, with a reason."""
    grading = access.get_grading_for(request.user, pk)
    access.require(request.user, org_access.can_manage(request.user, grading.cycle.owner), grading.organization)
    form = ExtendForm(request.POST, steps=grading.cycle.steps)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.deadline_extend(actor=request.user, cycle=grading.cycle, organization=grading.organization,
                                     step=data["step"], until=data["until"], reason=data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s may now record %(step)s until %(date)s.") % {
                "name": grading.organization.name, "step": Step(data["step"]).label, "date": data["until"].isoformat()})
            return redirect("cycles:grading", pk=grading.pk)
    return _grading_page(request, grading, extend_form=form)


@login_required
def step_attachment(request, pk: int, step: str):
    """A step's attachment, for those who see the grading."""
    grading = access.get_grading_for(request.user, pk)
    record = StepRecord.objects.filter(grading=grading, step=step).first()
    if record is None or not record.attachment:
        raise Http404
    return file_download(record.attachment)


# Status survey ----------------------------------------------------------------------------------


@login_required
def survey(request, pk: int, org_pk: int):
    """现状调查 of one organization: the six questions and the report (when the cycle runs the survey)."""
    cycle = access.get_cycle_for(request.user, pk)
    organization = access.get_organization_in_cycle_for(request.user, cycle, org_pk)
    if not cycle.survey_enabled:
        raise Http404
    answer = SurveyAnswer.objects.filter(cycle=cycle, organization=organization).first()
    can_edit = org_access.can_edit_facts(request.user, organization)
    initial = {name: getattr(answer, name) for name in services.SURVEY_FIELDS} if answer else None
    form = SurveyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_save(actor=request.user, cycle=cycle, organization=organization, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The status survey was saved."))
            return redirect("cycles:survey", pk=cycle.pk, org_pk=organization.pk)
    grading = Grading.objects.filter(cycle=cycle, organization=organization).first()
    readonly = [(SurveyAnswer._meta.get_field(f"{q}_rating").verbose_name,
                 getattr(answer, f"get_{q}_rating_display")() if answer else "", getattr(answer, q) if answer else "")
                for q in SURVEY_QUESTIONS]
    can_see_summary = bool(selectors.levels_of(user=request.user, cycle=cycle))
    return render(request, "cycles/survey.html", {"cycle": cycle, "organization": organization, "form": form,
                                                  "answer": answer, "can_edit": can_edit, "grading": grading,
                                                  "readonly": readonly, "can_see_summary": can_see_summary})


def _survey_level(request, cycle):
    """The level whose subtree the survey summary covers: the one asked for, else the user's first."""
    if not cycle.survey_enabled:
        raise Http404
    if request.GET.get("level"):
        return access.get_organization_in_cycle_for(request.user, cycle, request.GET["level"])
    levels = selectors.levels_of(user=request.user, cycle=cycle)
    if not levels:
        raise Http404
    return levels[0]


SURVEY_PAGE_ROWS = 200


@login_required
def survey_summary(request, pk: int):
    """现状调查 rolled up: the subtree's answers counted per question and sector, and each organization's
    answers with its report one click away; the same filter feeds the .xlsx."""
    cycle = access.get_cycle_for(request.user, pk)
    level = _survey_level(request, cycle)
    context = {"cycle": cycle, "level": level, "levels": selectors.levels_of(user=request.user, cycle=cycle),
               "sectors": [(s, Sector(s).label) for s in selectors.sectors_below(user=request.user, organization=level)],
               "questions": [(q, SurveyAnswer._meta.get_field(f"{q}_rating").verbose_name) for q in SURVEY_QUESTIONS],
               "answers": [(r, SurveyRating(r).label) for r in SurveyRating.values] + [
                   (selectors.NOT_ANSWERED, _("Not answered"))],
               "counts": selectors.survey_counts(user=request.user, cycle=cycle, level=level)}
    try:
        survey_filter = selectors.SurveyFilter.parse(request.GET)
    except ValidationError as error:
        return render(request, "cycles/survey_summary.html", {**context, "filter_errors": error.messages}, status=400)
    organizations = selectors.survey_organizations(user=request.user, cycle=cycle, level=level, survey_filter=survey_filter)
    page = list(organizations[:SURVEY_PAGE_ROWS])
    answers = selectors.survey_answers_of(cycle=cycle, organizations=page)
    labels = dict(SurveyRating.choices)
    rows = [(organization, answers.get(organization.pk),
             [labels.get(getattr(answers.get(organization.pk), f"{q}_rating", ""), "") for q in SURVEY_QUESTIONS])
            for organization in page]
    return render(request, "cycles/survey_summary.html", {
        **context, "filter": survey_filter, "rows": rows, "total": organizations.count(), "limit": SURVEY_PAGE_ROWS,
        "filter_rating_label": labels.get(survey_filter.rating or "", _("Not answered")),
        "filter_question_label": dict(context["questions"]).get(survey_filter.question, ""),
        "filter_sector_label": Sector(survey_filter.sector).label if survey_filter.sector else ""})


@login_required
def survey_export(request, pk: int):
    """The survey summary and the organizations' answers as .xlsx, filtered as the page is."""
    cycle = access.get_cycle_for(request.user, pk)
    level = _survey_level(request, cycle)
    try:
        survey_filter = selectors.SurveyFilter.parse(request.GET)
    except ValidationError as error:
        return render(request, "cycles/survey_summary.html", {"cycle": cycle, "level": level,
                                                               "filter_errors": error.messages}, status=400)
    workbook = survey_workbook(user=request.user, cycle=cycle, level=level, survey_filter=survey_filter)
    filename = f"现状调查_{level.name}_{cycle.year}.xlsx"
    return FileResponse(workbook, as_attachment=True, filename=filename,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
