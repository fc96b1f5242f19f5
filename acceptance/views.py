"""Pages of the acceptance: parse, authorize, call one service or selector, render.

A level's page holds its round, its targets beside their rates, the transition matrix with every cell a link
to its organizations, its direct subordinates' acceptances and the overdue below. An organization's page is the
branch secretary's self-check (report, score sheet, survey, submission) and its superior's 认定 with the plan's
measures beside it. A refusal comes back as the service's Chinese message on the page that caused it.
"""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from acceptance import access, rules, selectors, services
from acceptance.choices import DECIDED_STATES, AcceptanceState
from acceptance.forms import DecideForm, ReportForm, ReturnForm, RoundForm, SurveyForm, TargetForm
from cycles import access as cycle_access
from cycles import selectors as cycle_selectors
from orgs import access as org_access
from orgs.choices import Sector
from standards.choices import AssessorKind

CELL_PAGE = 200


def _level_url(cycle, level, anchor: str = "") -> str:
    return reverse("acceptance:level", args=(cycle.pk, level.pk)) + anchor


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def level_page(request, cycle_pk: int, level_pk: int):
    """A level's acceptance: round, targets and rates, matrix, subordinates, overdue."""
    cycle, level = cycle_access.get_cycle_organization_for(request.user, cycle_pk, level_pk)
    kind = request.GET.get("kind", "grade")
    kind = kind if kind in selectors.MATRIX_KINDS else "grade"
    sector = request.GET.get("sector", "")
    sector = sector if sector in Sector.values else ""
    terms = selectors.settings_of(cycle=cycle)
    matrix = selectors.transition_matrix(cycle=cycle, organization=level, kind=kind, sector=sector)
    targets = selectors.target_rates(cycle=cycle, organization=level)
    for target in targets:
        target.words = selectors.target_words(target.origin, target.goal)
        target.sector_label = Sector(target.sector).label if target.sector else _("All sectors")
    counts = selectors.level_state_counts(cycle=cycle, organization=level)
    can_run = access.can_run_level(request.user, level)
    return render(request, "acceptance/level.html", {
        "cycle": cycle, "level": level, "terms": terms, "kind": kind, "kinds": selectors.MATRIX_KINDS,
        "sector": sector, "sectors": Sector.choices, "matrix": matrix,
        "rows": [(row, selectors.label(row), [(column, matrix.count(row, column)) for column in matrix.columns],
                  matrix.row_total(row)) for row in matrix.rows],
        "columns": [(column, selectors.label(column)) for column in matrix.columns],
        "targets": targets,
        "counts": [(state, label, counts[state]) for state, label in AcceptanceState.choices if counts.get(state)],
        "subordinates": selectors.subordinate_acceptances(cycle=cycle, level=level)[:500],
        "overdue": selectors.overdue_acceptances(cycle=cycle, level=level, today=timezone.localdate())[:100],
        "level_record": selectors.level_acceptance_of(cycle=cycle, level=level),
        "can_open": terms is None and level.pk == cycle.owner_id and org_access.can_manage(request.user, level),
        "can_run": can_run, "round_form": RoundForm(), "target_form": TargetForm(),
    })


@login_required
@require_POST
def round_open(request, cycle_pk: int):
    cycle = cycle_access.get_cycle_for(request.user, cycle_pk, org_access.MANAGE)
    form = RoundForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{' '.join(errors)}")
        return redirect(_level_url(cycle, cycle.owner))
    data = form.cleaned_data
    try:
        services.acceptance_round_open(actor=request.user, cycle=cycle, self_check_due=data["self_check_due"],
                                       decision_due=data["decision_due"], pass_score=data["pass_score"],
                                       dissatisfied_share=data["dissatisfied_percent"] / Decimal(100))
        messages.success(request, _("The acceptance round is open."))
    except ValidationError as error:
        _refused(request, error)
    return redirect(_level_url(cycle, cycle.owner))


@login_required
@require_POST
def targets_seed(request, cycle_pk: int):
    cycle = cycle_access.get_cycle_for(request.user, cycle_pk)
    count = services.targets_seed(actor=request.user, cycle=cycle)
    messages.success(request, _("%(count)s default targets set.") % {"count": count})
    return redirect(_level_url(cycle, cycle.owner, "#targets"))


@login_required
@require_POST
def target_set(request, cycle_pk: int, level_pk: int):
    cycle, level = cycle_access.get_cycle_organization_for(request.user, cycle_pk, level_pk)
    form = TargetForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        share = data["share"].strip().rstrip("%").strip()
        try:
            services.target_set(actor=request.user, cycle=cycle, level=level, sector=data["sector"],
                                origin=data["origin"], goal=data["goal"], share=f"{share}%")
            messages.success(request, _("The target is set."))
        except ValidationError as error:
            _refused(request, error)
    else:
        messages.error(request, _("Please choose where the target starts and ends, and its least share."))
    return redirect(_level_url(cycle, level, "#targets"))


@login_required
@require_POST
def level_submit(request, cycle_pk: int, level_pk: int):
    cycle, level = cycle_access.get_cycle_organization_for(request.user, cycle_pk, level_pk)
    try:
        services.acceptance_level_submit(actor=request.user, cycle=cycle, level=level)
        messages.success(request, _("The acceptance results are submitted upward."))
    except ValidationError as error:
        _refused(request, error)
    return redirect(_level_url(cycle, level))


@login_required
def cell_page(request, cycle_pk: int, level_pk: int):
    """The organizations behind one cell of a level's matrix."""
    cycle, level = cycle_access.get_cycle_organization_for(request.user, cycle_pk, level_pk)
    kind = request.GET.get("kind", "grade")
    kind = kind if kind in selectors.MATRIX_KINDS else "grade"
    row, column = request.GET.get("row", ""), request.GET.get("column", "")
    sector = request.GET.get("sector", "")
    sector = sector if sector in Sector.values else ""
    found = selectors.cell_acceptances(user=request.user, cycle=cycle, organization=level, kind=kind, row=row,
                                       column=column, sector=sector)
    total = found.count()
    return render(request, "acceptance/cell.html", {
        "cycle": cycle, "level": level, "kind": kind, "row": selectors.label(row), "column": selectors.label(column),
        "acceptances": found[:CELL_PAGE], "total": total, "cut": total > CELL_PAGE})


@login_required
def acceptance_page(request, pk: int):
    """One organization's acceptance: its self-check and the superior's 认定, with its plan's measures."""
    acceptance = access.get_acceptance_for(request.user, pk)
    cycle, organization = acceptance.cycle, acceptance.organization
    standard = cycle_selectors.cycle_standard(cycle=cycle, organization=organization)
    grades = cycle_selectors.organization_grades(cycle=cycle, organization=organization) if standard else []
    self_sheet = services.acceptance_sheet(acceptance, AssessorKind.ACCEPTANCE_SELF)
    superior_sheet = services.acceptance_sheet(acceptance, AssessorKind.ACCEPTANCE_SUPERIOR)
    sheet = superior_sheet or self_sheet
    now = timezone.localtime()
    return render(request, "acceptance/acceptance.html", {
        "acceptance": acceptance, "cycle": cycle, "organization": organization, "standard": standard,
        "terms": selectors.settings_of(cycle=cycle), "self_sheet": self_sheet, "superior_sheet": superior_sheet,
        "survey": selectors.survey_result(acceptance=acceptance), "measures": selectors.plan_measures(
            cycle=cycle, organization=organization),
        "can_self_check": access.can_self_check(request.user, acceptance)
        and acceptance.state in (AcceptanceState.SELF_CHECK, AcceptanceState.RETURNED),
        "can_decide": access.can_decide(request.user, acceptance)
        and acceptance.state in (AcceptanceState.SUBMITTED, *DECIDED_STATES),
        "decided": acceptance.state in DECIDED_STATES,
        "report_form": ReportForm(initial={"report": acceptance.report}),
        "survey_form": SurveyForm(initial={"opens_at": now.strftime("%Y-%m-%dT%H:%M"),
                                           "closes_at": (now + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
                                           "voters": 30}),
        "decide_form": DecideForm(grades=[*grades, "exemplary", "brand"] if grades else [], initial={
            "grade": acceptance.accepted_grade or (sheet.grade if sheet else ""),
            "stars": acceptance.accepted_stars if acceptance.accepted_grade else (sheet.stars if sheet else None),
            "title": acceptance.accepted_title}),
        "return_form": ReturnForm(), "start_words": selectors.label(acceptance.start_grade or rules.UNGRADED),
    })


def _act(request, acceptance, call, done: str, anchor: str = ""):
    try:
        call()
        if done:
            messages.success(request, done)
    except ValidationError as error:
        _refused(request, error)
    return redirect(reverse("acceptance:detail", args=(acceptance.pk,)) + anchor)


@login_required
@require_POST
def report_save(request, pk: int):
    acceptance = access.get_acceptance_for(request.user, pk)
    return _act(request, acceptance, lambda: services.acceptance_report_save(
        actor=request.user, acceptance=acceptance, report=request.POST.get("report", "")),
        _("The self-check report is saved."), "#self-check")


@login_required
@require_POST
def sheet_open(request, pk: int, kind: str):
    """Open (or reopen) the acceptance's score sheet of ``kind`` on the standards' sheet page."""
    acceptance = access.get_acceptance_for(request.user, pk)
    try:
        sheet = services.acceptance_sheet_open(actor=request.user, acceptance=acceptance, kind=kind)
    except ValidationError as error:
        _refused(request, error)
        return redirect("acceptance:detail", pk=acceptance.pk)
    return redirect("standards:sheet", org_pk=sheet.organization_id, standard_pk=sheet.standard_id,
                    assessor_kind=sheet.assessor_kind)


@login_required
@require_POST
def survey_schedule(request, pk: int):
    acceptance = access.get_acceptance_for(request.user, pk)
    form = SurveyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give the survey's opening and closing times and how many people it is for."))
        return redirect(reverse("acceptance:detail", args=(acceptance.pk,)) + "#survey")
    data = form.cleaned_data
    try:
        session = services.acceptance_survey_schedule(actor=request.user, acceptance=acceptance,
                                                      opens_at=data["opens_at"], closes_at=data["closes_at"],
                                                      voters=data["voters"])
    except ValidationError as error:
        _refused(request, error)
        return redirect(reverse("acceptance:detail", args=(acceptance.pk,)) + "#survey")
    messages.success(request, _("The survey is scheduled: issue its codes, then have a second person open it."))
    return redirect("ballots:detail", pk=session.pk)


@login_required
@require_POST
def submit(request, pk: int):
    acceptance = access.get_acceptance_for(request.user, pk)
    return _act(request, acceptance, lambda: services.acceptance_submit(actor=request.user, acceptance=acceptance),
                _("The self-check is submitted to the superior."))


@login_required
@require_POST
def return_(request, pk: int):
    acceptance = access.get_acceptance_for(request.user, pk)
    return _act(request, acceptance, lambda: services.acceptance_return(
        actor=request.user, acceptance=acceptance, reason=request.POST.get("reason", "")),
        _("The self-check is returned."))


@login_required
@require_POST
def decide(request, pk: int):
    acceptance = access.get_acceptance_for(request.user, pk)
    stars = request.POST.get("stars", "").strip()
    return _act(request, acceptance, lambda: services.acceptance_decide(
        actor=request.user, acceptance=acceptance, grade=request.POST.get("grade", ""),
        stars=stars if stars else None, title=request.POST.get("title", ""), reason=request.POST.get("reason", ""),
        revise=acceptance.state in DECIDED_STATES), _("The acceptance is determined."))
