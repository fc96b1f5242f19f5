"""A level's list as its reviewers above see it: approved, or returned with reasons."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import add_service_errors
from cycles import access, selectors, services
from cycles.choices import (
    GradingState,
)
from cycles.forms import (
    ListReviewForm,
)
from cycles.views.cycle import quota_lines


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
        "quota_failures": quota_lines(services.list_quota_failures(cycle=cycle, level=level)),
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
    # Refused before the list's state is read, so that whether it was submitted is no answer to those who may not review it.
    access.require(request.user, access.can_approve_list(request.user, cycle, level), level)
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
