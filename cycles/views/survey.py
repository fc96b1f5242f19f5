"""现状调查: one organization's answers, a level's summary, and its export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.forms import add_service_errors
from cycles import access, selectors, services
from cycles.choices import (
    SURVEY_QUESTIONS,
    SurveyRating,
)
from cycles.exports import survey_workbook
from cycles.forms import (
    SurveyForm,
)
from cycles.models import Grading, SurveyAnswer
from orgs import access as org_access
from orgs.choices import Sector


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
