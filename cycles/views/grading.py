"""One organization's grading: its steps, submission, the superior's decision, returns and reopening."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.files import file_download
from core.forms import add_service_errors
from cycles import access, selectors, services
from cycles.choices import (
    OWN_STEPS,
    GradingState,
    Step,
)
from cycles.forms import (
    VOTE_LABELS,
    DecideForm,
    DepartmentInputForm,
    ExtendForm,
    ReasonForm,
    ReturnForm,
    StepForm,
)
from cycles.models import StepRecord
from orgs import access as org_access
from orgs.choices import Sector
from standards import selectors as standard_selectors
from standards.choices import AssessorKind, Grade


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
