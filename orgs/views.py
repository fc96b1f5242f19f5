"""Pages of the organization tree: parse, authorize, call one service or selector, render."""

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers
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
    OrganizationForm,
    PeopleImportForm,
    RoleAssignmentForm,
    SlipsForm,
    TreeConfirmForm,
    TreeImportForm,
    UserForm,
)
from orgs.middleware import password_change_done
from orgs.models import PeopleJob, RoleAssignment, TreeJob


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
    form = OrganizationForm(request.POST) if request.method == "POST" else OrganizationForm.for_organization(organization)
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


# People and their roles: import, initial-password slips, who has never logged in ------------------

SLIPS_PER_PAGE = 10


@login_required
def people_import(request, pk: int):
    """导入人员: upload a people list for the level; its check runs at once, the job page shows it."""
    level = access.get_organization_for(request.user, pk, access.MANAGE)
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = jobs.people_import_start(actor=request.user, level=level, upload=form.cleaned_data["file"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("orgs:people_job", pk=job.pk)
    return render(request, "orgs/people_import.html", {"organization": level, "form": form})


def _people_job_context(job: PeopleJob, user, errors=()) -> dict:
    status = core_jobs.job_status(job)
    result = job.result or {}
    pending = list(job.initial_passwords.filter(issued_at__isnull=True).select_related("user")) \
        if job.stage == "commit" and job.state == PeopleJob.State.DONE else []
    return {
        "job": job, "organization": job.organization, "status": status, "done": status.done, "total": status.total,
        "percent": status.percent, "counts": result.get("counts", {}),
        "preview": result if job.stage == "preview" else {},
        "problems": job.problems[:PROBLEMS_SHOWN], "problems_left": max(0, len(job.problems) - PROBLEMS_SHOWN),
        "blocking": job.blocking_problems, "warnings": len(job.problems) - job.blocking_problems,
        "can_confirm": (job.stage == "preview" and job.state == PeopleJob.State.DONE and not job.blocking_problems
                        and job.created_by_id == user.pk),
        "pending": pending, "errors": errors,
    }


@login_required
def people_job(request, pk: int):
    """A people import's preview (problems by row and column, who is created, which roles), or its result."""
    job = jobs.get_people_job_for(request.user, pk)
    return render(request, "orgs/people_job.html", _people_job_context(job, request.user))


@login_required
def people_job_progress(request, pk: int):
    job = jobs.get_people_job_for(request.user, pk)
    return http.job_progress(request, job, page_url=reverse("orgs:people_job", args=(job.pk,)),
                             template="orgs/_people_job_progress.html", context=_people_job_context(job, request.user))


@login_required
@require_POST
def people_import_confirm(request, pk: int):
    """确认导入: every row in one transaction, or nothing."""
    job = jobs.get_people_job_for(request.user, pk)
    try:
        job = jobs.people_import_confirm(actor=request.user, job=job)
    except ValidationError as error:
        return render(request, "orgs/people_job.html", _people_job_context(job, request.user, error.messages),
                      status=400)
    return redirect("orgs:people_job", pk=job.pk)


def _slips_page(request, level, issued):
    login_url = request.build_absolute_uri(reverse("login"))
    roles = {}
    for assignment in RoleAssignment.objects.filter(user__in=[user for user, _p in issued]).select_related(
            "organization").order_by("organization__path"):
        roles.setdefault(assignment.user_id, []).append(assignment)
    slips = [{"user": user, "password": services.initial_password_grouped(password), "roles": roles.get(user.pk, [])}
             for user, password in issued]
    response = render(request, "orgs/password_slips.html", {
        "organization": level, "count": len(slips), "address": login_url,
        "pages": [slips[n:n + SLIPS_PER_PAGE] for n in range(0, len(slips), SLIPS_PER_PAGE)]})
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def people_job_slips(request, pk: int):
    """The initial passwords of the people an import created, printed once as A4 slips."""
    job = jobs.get_people_job_for(request.user, pk)
    pending = [row.user for row in job.initial_passwords.filter(issued_at__isnull=True).select_related("user")]
    if not pending:
        messages.info(request, _("Every slip of this import was printed already; lost ones are printed again from "
                                 "the list of people who have never logged in."))
        return redirect("orgs:people_job", pk=job.pk)
    issued = services.initial_passwords_issue(actor=request.user, level=job.organization, users=pending)
    return _slips_page(request, job.organization, issued)


@login_required
def people(request, pk: int):
    """从未登录的人员: who holds a role under the level and has never logged in, with a new slip for those
    who lost theirs."""
    level = access.get_organization_for(request.user, pk, access.MANAGE)
    people = selectors.people_never_logged_in(user=request.user, level=level)
    for person in people:
        person["can_issue"] = services.can_issue_password(request.user, person["user"], person["all_roles"])
    choosable = [person["user"] for person in people if person["can_issue"]]
    form = SlipsForm(request.POST or None, people=choosable)
    if request.method == "POST" and form.is_valid():
        chosen = [user for user in choosable if user.pk in set(form.cleaned_data["people"])]
        issued = services.initial_passwords_issue(actor=request.user, level=level, users=chosen)
        return _slips_page(request, level, issued)
    page = Paginator(people, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orgs/people.html", {"organization": level, "page": page, "form": form,
                                                "count": len(people)}, status=400 if form.errors else 200)


class PasswordChangeView(auth_views.PasswordChangeView):
    """修改密码: the person's own password; after an initial one, the first page they see."""

    template_name = "orgs/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        services.user_password_change(actor=form.user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, form.user)
        password_change_done(self.request)
        messages.success(self.request, _("Your new password was saved."))
        return redirect(self.get_success_url())

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if services.password_change_required(self.request.user):
            form.fields["old_password"].label = _("Initial password (on your slip)")
        return form

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "required": services.password_change_required(self.request.user)}
