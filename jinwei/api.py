"""The JSON API: one NinjaAPI, one router per app, one error format, OpenAPI docs served locally."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.security import django_auth

api = NinjaAPI(
    title="Jinwei API",
    version="1",
    description="晋位 — 基层党组织分类定级、晋位升级",
    auth=django_auth,
    urls_namespace="api",
)


def error_body(message: str, errors: list[dict] | None = None) -> dict:
    """The one error format of every endpoint: a message and, per field, what is wrong."""
    return {"detail": message, "errors": errors or []}


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        errors = [{"field": field, "message": " ".join(messages)} for field, messages in exc.message_dict.items()]
    else:
        errors = [{"field": None, "message": message} for message in exc.messages]
    return api.create_response(request, error_body(_("Some values are not valid."), errors), status=400)


@api.exception_handler(SchemaValidationError)
def on_schema_error(request, exc: SchemaValidationError):
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", []) if part not in ("body", "payload", "query", "path")]
        field = ".".join(location) or None
        if error.get("type") == "missing":
            message = _("%(field)s: this field is required.") % {"field": field}
        else:
            message = _("%(field)s: the value is not valid.") % {"field": field}
        errors.append({"field": field, "message": message})
    return api.create_response(request, error_body(_("Some values are not valid."), errors), status=422)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, error_body(_("Not found.")), status=404)


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return api.create_response(request, error_body(str(exc) or _("You may not do this.")), status=403)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(request, error_body(_("Please log in.")), status=401)


api.add_router("/orgs", "orgs.api.router")
