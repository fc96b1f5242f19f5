"""The ledger page (台账) of a cycle under one organization, and an organization's rectification entry."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.forms import add_service_errors
from cycles import selectors as cycle_selectors
from cycles.models import Grading
from ledgers import access, selectors, services
from ledgers.forms import LedgerEntryForm, LedgerFilterForm
from ledgers.models import LedgerEntry
from orgs.models import Organization

PAGE_SIZE = 100


@login_required
def ledger(request, cycle_pk: int, org_pk: int):
    """The ledger's rows under the organization with the page's filters, 100 to a page, and the level's roll-up."""
    cycle, organization = access.get_ledger_for(request.user, cycle_pk, org_pk)
    filter_form = LedgerFilterForm(request.GET)
    filters = filter_form.filters()
    try:
        page_number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page_number = 1
    rows, total = selectors.ledger_page(cycle=cycle, organization=organization, filters=filters,
                                        offset=(page_number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    counts = cycle_selectors.level_summary(user=request.user, cycle=cycle, level=organization)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "ledgers/ledger.html", {
        "cycle": cycle,
        "organization": organization,
        "filter_form": filter_form,
        "rows": rows,
        "total": total,
        "page_number": page_number,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "query": query.urlencode(),
        "editable": {org.pk for org in Organization.objects.filter(pk__in=[row.organization_id for row in rows])
                     .only("pk", "path", "depth", "parent_id") if access.can_edit_entry(request.user, org)},
        **cycle_selectors.summary_tables(cycle=cycle, counts=counts),
    })


@login_required
def entry_edit(request, cycle_pk: int, org_pk: int):
    """晋位升级目标 and 整改情况 of one organization for the cycle."""
    cycle, organization = access.get_ledger_for(request.user, cycle_pk, org_pk)
    grading = Grading.objects.filter(cycle=cycle, organization=organization).select_related("cycle", "organization").first()
    from cycles import access as cycle_access

    cycle_access.require(request.user, access.can_edit_entry(request.user, organization) and grading is not None,
                         organization)
    entry = LedgerEntry.objects.filter(cycle=cycle, organization=organization).first()
    grades = cycle_selectors.grading_grades(grading=grading)
    initial = {field: getattr(entry, field) for field in services.ENTRY_FIELDS} if entry else {}
    form = LedgerEntryForm(request.POST or None, initial=initial, grades=grades)
    if request.method == "POST" and form.is_valid():
        try:
            services.ledger_entry_save(actor=request.user, cycle=cycle, organization=organization, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The rectification entry of %(name)s is saved.") % {"name": organization.name})
            return redirect("ledgers:ledger", cycle.pk, organization.parent_id if organization.parent_id and
                            organization.parent.path.startswith(cycle.owner.path) else organization.pk)
    return render(request, "ledgers/entry.html", {"cycle": cycle, "organization": organization, "form": form,
                                                  "grading": grading})
