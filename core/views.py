from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cycles import selectors as cycle_selectors
from orgs import selectors as org_selectors
from orgs.access import user_roles


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True


@login_required
def home(request):
    """What awaits the user: steps, reviews and lists due in open cycles, and the organizations their roles sit on."""
    roots = org_selectors.organization_roots(user=request.user)[:50]
    roles = org_selectors.role_assignment_list(user=request.user).filter(user=request.user)
    todos = cycle_selectors.todo_list(user=request.user)
    return render(request, "core/home.html", {"roots": roots, "my_roles": roles, "has_roles": bool(user_roles(request.user)),
                                              "todos": todos})
