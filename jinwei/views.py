"""Pages that bring every app together; they sit above all apps, so any app's selectors may be read here."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from acceptance import selectors as acceptance_selectors
from cycles import selectors as cycle_selectors
from orgs import selectors as org_selectors
from orgs.access import MANAGING_ROLES, user_roles
from pledges import selectors as pledge_selectors
from rectification import selectors as rectification_selectors
from spotchecks import selectors as spotcheck_selectors


@login_required
def home(request):
    """A to-do list for every role: what awaits the user in open cycles (steps, with their deadlines and
    whom to ask once one closed; reviews; lists to submit or approve; late subordinates), then, for each
    level they review or administer, its progress by step and its overdue organizations."""
    user = request.user
    roles = user_roles(user)
    roots = org_selectors.organization_roots(user=user)[:50]
    my_roles = org_selectors.role_assignment_list(user=user).filter(user=user)
    return render(request, "jinwei/home.html", {
        "roots": roots, "my_roles": my_roles, "has_roles": bool(roles),
        "import_levels": org_selectors.tree_import_levels(user=user),
        "todos": cycle_selectors.todo_list(user=user),
        "pledge_todos": pledge_selectors.todo_list(user=user),
        "rectification_todos": rectification_selectors.todo_list(user=user),
        "spotcheck_todos": spotcheck_selectors.inspector_todos(user=user),
        "acceptance_todos": acceptance_selectors.todo_list(user=user),
        "overviews": cycle_selectors.level_overviews(user=user),
        # orgs.services.user_create lets administrators create users; nobody else is offered it
        "can_create_users": user.is_superuser or any(role in MANAGING_ROLES for _path, role, _pk in roles),
    })
