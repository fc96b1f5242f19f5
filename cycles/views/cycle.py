"""The cycle's pages: the list, opening and changing a cycle, its detail with each level's progress."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.files import file_download
from core.forms import add_service_errors
from cycles import access, selectors, services
from cycles.choices import (
    PRESETS,
    REPORTED_LIST_STATES,
    GradingState,
    ListState,
    Preset,
    Step,
)
from cycles.forms import (
    CycleEditForm,
    CycleOpenForm,
    ListSubmitForm,
    QuotaFormSet,
    deadline_initial,
    default_quota_rows,
    default_year,
    quota_rows_of,
    quotas_from,
)
from cycles.models import CycleAttachment, Grading
from orgs import access as org_access
from orgs.choices import Role
from orgs.models import Organization
from standards.choices import Grade


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
        "quota_failures": quota_lines(failures),
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


def quota_lines(failures) -> list[dict]:
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
