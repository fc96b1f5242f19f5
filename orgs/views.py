"""Pages of the organization tree: parse, authorize, call one service or selector, render."""

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import http
from core import jobs as core_jobs
from core.forms import add_service_errors, filters_of
from core.http import refused
from orgs import access, accounts, jobs, selectors, services
from orgs.forms import (
    AuditFilterForm,
    DissolveForm,
    FactsForm,
    MergeForm,
    MoveForm,
    OrganizationEditForm,
    OrganizationForm,
    RoleAssignmentForm,
    TreeConfirmForm,
    TreeImportForm,
    UserForm,
)
from orgs.models import TreeJob


@login_required
def tree(request):
    """The tree browser: the user's top organizations; children load on demand."""
    roots = selectors.organization_roots(user=request.user)
    return render(request, "orgs/tree.html", {"roots": roots,
                                              "import_levels": selectors.tree_import_levels(user=request.user)})


@login_required
def tree_children(request, pk: int):
    """An htmx fragment: one page of an organization's subordinates."""
    parent = access.get_organization_for(request.user, pk)
    offset_text = request.GET.get("offset", "0")
    offset = int(offset_text) if offset_text.isdigit() else 0
    page = settings.TREE_CHILDREN_PAGE
    children = selectors.organization_children(user=request.user, parent=parent, offset=offset, limit=page + 1)
    return render(
        request,
        "orgs/_tree_children.html",
        {"parent": parent, "children": children[:page], "more": len(children) > page, "next_offset": offset + page},
    )


@login_required
def search(request):
    query = request.GET.get("q", "")
    results = selectors.organization_search(user=request.user, query=query)
    template = "orgs/_search_results.html" if request.headers.get("HX-Request") else "orgs/search.html"
    return render(request, template, {"query": query, "results": results})


@login_required
def organization_detail(request, pk: int):
    organization = access.get_organization_for(request.user, pk)
    context = {
        "organization": organization,
        "ancestors": selectors.organization_ancestors(user=request.user, organization=organization),
        "children": selectors.organization_children(user=request.user, parent=organization, limit=50),
        "subtree_count": selectors.organization_subtree_count(organization=organization),
        "facts": selectors.facts_list(user=request.user, organization=organization),
        "roles": selectors.role_assignment_list(user=request.user, organization=organization),
        "recent_events": selectors.audit_event_list(user=request.user, organization=organization)[:10],
        "can_manage": access.can_manage(request.user, organization),
        "can_edit_facts": access.can_edit_facts(request.user, organization),
        "sections": organization_sections(user=request.user, organization=organization),
    }
    return render(request, "orgs/detail.html", context)


def organization_sections(*, user, organization) -> list[dict]:
    """What the apps above orgs show on an organization's page, in the order of INSTALLED_APPS.

    Each AppConfig may name, in ``organization_sections``, functions of the user and the organization
    that return a section's context with its ``template``, or None to show nothing; orgs reads them
    through the app registry, so it imports no app above it.
    """
    sections = []
    for config in apps.get_app_configs():
        for name in getattr(config, "organization_sections", ()):
            section = import_string(name)(user=user, organization=organization)
            if section is not None:
                sections.append(section)
    return sections


def _form_page(request, template: str, form, organization=None, **extra):
    return render(request, template, {"form": form, "organization": organization, **extra})


@login_required
def organization_create(request, parent_pk: int):
    parent = access.get_organization_for(request.user, parent_pk, access.MANAGE)
    form = OrganizationForm(request.POST or None, initial={"sector": parent.sector})
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was created.") % {"name": organization.name})
            return redirect("orgs:detail", pk=organization.pk)
    return _form_page(request, "orgs/form.html", form, parent, title=_("New subordinate organization"))


@login_required
def organization_edit(request, pk: int):
    organization = access.get_organization_for(request.user, pk, access.MANAGE)
    form = (OrganizationEditForm(request.POST) if request.method == "POST"
            else OrganizationEditForm.for_organization(organization))
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(actor=request.user, organization=organization, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect("orgs:detail", pk=organization.pk)
    return _form_page(request, "orgs/form.html", form, organization, title=_("Edit organization"))


@login_required
def organization_move(request, pk: int):
    organization = access.get_organization_for(request.user, pk, access.MANAGE)
    form = MoveForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_move(actor=request.user, organization=organization,
                                       new_parent=form.cleaned_data["new_parent"], reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was moved.") % {"name": organization.name})
            return redirect("orgs:detail", pk=organization.pk)
    return _form_page(request, "orgs/form.html", form, organization, title=_("Move organization"))


@login_required
def organization_dissolve(request, pk: int):
    organization = access.get_organization_for(request.user, pk, access.MANAGE)
    form = DissolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_dissolve(actor=request.user, organization=organization, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was dissolved.") % {"name": organization.name})
            return redirect("orgs:detail", pk=organization.pk)
    return _form_page(request, "orgs/form.html", form, organization, title=_("Dissolve organization"))


@login_required
def organization_merge(request, pk: int):
    organization = access.get_organization_for(request.user, pk, access.MANAGE)
    form = MergeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        try:
            services.organization_merge(actor=request.user, source=organization, target=target,
                                        merged_on=form.cleaned_data["merged_on"], reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was merged.") % {"name": organization.name})
            return redirect("orgs:detail", pk=target.pk)
    return _form_page(request, "orgs/form.html", form, organization, title=_("Merge organization"))


@login_required
def facts_edit(request, pk: int, year: int | None = None):
    organization = access.get_organization_for(request.user, pk, access.EDIT_FACTS)
    existing = selectors.facts_list(user=request.user, organization=organization).filter(year=year).first() if year else None
    if request.method == "POST":
        form = FactsForm(request.POST)
    elif existing:
        form = FactsForm.for_facts(existing)
    else:
        form = FactsForm(initial={"year": year})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.facts_save(actor=request.user, organization=organization, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The basic facts were saved."))
            return redirect("orgs:detail", pk=organization.pk)
    return _form_page(request, "orgs/form.html", form, organization, title=_("Basic facts"))


@login_required
def audit(request, pk: int):
    organization = access.get_organization_for(request.user, pk)
    form = AuditFilterForm(request.GET)
    try:
        filters = filters_of(form)
    except ValidationError as error:
        return refused(request, error)
    events = selectors.audit_event_list(user=request.user, organization=organization, **{k: v for k, v in filters.items() if v})
    page = Paginator(events, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orgs/audit.html", {"organization": organization, "form": form, "page": page})


@login_required
def roles(request, pk: int):
    organization = access.get_organization_for(request.user, pk)
    form = RoleAssignmentForm(request.POST or None)
    if request.method == "POST":
        access.check(request.user, organization, access.MANAGE)
        if form.is_valid():
            try:
                services.role_assignment_create(actor=request.user, user=form.cleaned_data["username"],
                                                organization=organization, role=form.cleaned_data["role"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The role was assigned."))
                return redirect("orgs:roles", pk=organization.pk)
    context = {
        "organization": organization,
        "form": form,
        "assignments": selectors.role_assignment_list(user=request.user, organization=organization),
        "can_manage": access.can_manage(request.user, organization),
    }
    return render(request, "orgs/roles.html", context)


@login_required
@require_POST
def role_revoke(request, pk: int):
    assignment = access.get_role_assignment_for(request.user, pk, access.MANAGE)
    services.role_assignment_delete(actor=request.user, assignment=assignment)
    messages.success(request, _("The role was removed."))
    return redirect("orgs:roles", pk=assignment.organization_id)


@login_required
def user_create(request):
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The user %(name)s was created; now give them a role.") % {"name": user.username})
            return redirect("home")
    return _form_page(request, "orgs/form.html", form, None, title=_("New user"))


@login_required
def account_list(request, pk: int):
    """账号: the logins of the people with roles in the subtree, to unlock, deactivate or reactivate."""
    organization = access.get_organization_for(request.user, pk, access.MANAGE)
    query = request.GET.get("q", "")
    page = Paginator(accounts.account_list(actor=request.user, organization=organization, query=query),
                     settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orgs/accounts.html", {"organization": organization, "page": page, "query": query})


ACCOUNT_CHANGES = {
    "unlock": (lambda actor, organization, user, reason: accounts.login_unlock(
        actor=actor, organization=organization, user=user), _("The login of %(name)s was unlocked.")),
    "deactivate": (lambda actor, organization, user, reason: accounts.user_deactivate(
        actor=actor, organization=organization, user=user, reason=reason), _("The account of %(name)s was deactivated.")),
    "reactivate": (lambda actor, organization, user, reason: accounts.user_reactivate(
        actor=actor, organization=organization, user=user), _("The account of %(name)s may log in again.")),
}


@login_required
@require_POST
def account_change(request, pk: int, user_pk: int, change: str):
    """Unlock, deactivate or reactivate one account from the accounts page."""
    if change not in ACCOUNT_CHANGES:
        raise Http404
    organization = access.get_organization_for(request.user, pk, access.MANAGE)
    user = access.get_account_for(request.user, organization, user_pk)
    service, done = ACCOUNT_CHANGES[change]
    try:
        service(request.user, organization, user, request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done % {"name": user.get_full_name() or user.get_username()})
    return redirect("orgs:accounts", pk=organization.pk)


# The organization list: import and export --------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROBLEMS_SHOWN = 500  # a wrong file of 100,000 rows has as many problems: the page lists the first ones


@login_required
def tree_import(request, pk: int):
    """导入组织: upload an organization list for the level; its check runs at once, the job page shows it."""
    level = access.get_organization_for(request.user, pk, access.MANAGE)
    form = TreeImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = jobs.tree_import_start(actor=request.user, level=level, upload=form.cleaned_data["file"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("orgs:job", pk=job.pk)
    return render(request, "orgs/import.html", {"organization": level, "form": form})


@login_required
@require_POST
def tree_export(request, pk: int):
    """导出组织树: the level's tree as .xlsx, written by a worker; the job page offers the file."""
    level = access.get_organization_for(request.user, pk, access.MANAGE)
    year_text = request.POST.get("year", "")
    job = jobs.tree_export_start(actor=request.user, level=level, year=int(year_text) if year_text.isdigit() else None)
    return redirect("orgs:job", pk=job.pk)


def _job_context(job: TreeJob, user, form=None) -> dict:
    status = core_jobs.job_status(job)
    result = job.result or {}
    preview = result if job.stage == "preview" else {}
    offered = [gone for gone in preview.get("missing", []) if gone.get("offered")]
    can_confirm = (job.kind == TreeJob.Kind.IMPORT and job.stage == "preview" and job.state == TreeJob.State.DONE
                   and not job.blocking_problems and job.created_by_id == user.pk)
    return {
        "job": job, "organization": job.organization, "status": status, "done": status.done, "total": status.total,
        "percent": status.percent, "counts": result.get("counts", {}), "preview": preview,
        "problems": job.problems[:PROBLEMS_SHOWN], "problems_left": max(0, len(job.problems) - PROBLEMS_SHOWN),
        "blocking": job.blocking_problems, "warnings": len(job.problems) - job.blocking_problems,
        "can_confirm": can_confirm, "confirm_form": form or TreeConfirmForm(offered=offered),
        "offered": offered,
    }


@login_required
def tree_job(request, pk: int):
    """An import's preview (problems by row and column, what it will do, 确认导入), its result, or an export's file."""
    job = jobs.get_tree_job_for(request.user, pk)
    return render(request, "orgs/job.html", _job_context(job, request.user))


@login_required
def tree_job_progress(request, pk: int):
    """The progress bar alone, polled every second; once the job ends, the page reloads."""
    job = jobs.get_tree_job_for(request.user, pk)
    return http.job_progress(request, job, page_url=reverse("orgs:job", args=(job.pk,)),
                        template="orgs/_job_progress.html", context=_job_context(job, request.user))


@login_required
@require_POST
def tree_import_confirm(request, pk: int):
    """确认导入: every row in one transaction, or nothing; the dissolving chosen among those left out."""
    job = jobs.get_tree_job_for(request.user, pk)
    offered = [gone for gone in (job.result or {}).get("missing", []) if gone.get("offered")]
    form = TreeConfirmForm(request.POST, offered=offered)
    if form.is_valid():
        try:
            job = jobs.tree_import_confirm(actor=request.user, job=job, dissolve=form.cleaned_data["dissolve"],
                                           dissolved_on=form.cleaned_data["dissolved_on"],
                                           reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("orgs:job", pk=job.pk)
    return render(request, "orgs/job.html", _job_context(job, request.user, form), status=400)


@login_required
def tree_job_download(request, pk: int):
    """The .xlsx an export job wrote; 404 while it runs, when it failed, or for an import."""
    job = jobs.get_tree_job_for(request.user, pk)
    if job.kind != TreeJob.Kind.EXPORT or job.state != TreeJob.State.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=XLSX)
