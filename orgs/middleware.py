"""A person who logged in with an initial password sets their own before anything else.

The check is read once per session (``orgs.services.password_change_required``) and kept in it;
the change-password page clears it. Until then every page sends the person to that page, and the
API answers 403 in its JSON, so that a slip's password is never used for work.
"""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from core.api import error_body
from orgs import services

SESSION_KEY = "jinwei_password_check"  # [user id, whether they must still change it]


def password_change_done(request) -> None:
    request.session[SESSION_KEY] = [request.user.pk, False]


class InitialPasswordMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and self._must_change(request, user):
            allowed = {reverse("password_change"), reverse("logout"), reverse("set_language")}
            if request.path not in allowed:
                if request.path.startswith(reverse("api:openapi-json").rsplit("/", 1)[0] + "/"):
                    return JsonResponse(error_body(_("Please set a password of your own first (修改密码).")),
                                        status=403)
                return redirect("password_change")
        return self.get_response(request)

    @staticmethod
    def _must_change(request, user) -> bool:
        checked = request.session.get(SESSION_KEY)
        if not checked or checked[0] != user.pk:
            checked = [user.pk, services.password_change_required(user)]
            request.session[SESSION_KEY] = checked
        return checked[1]
