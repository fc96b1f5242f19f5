"""The JSON API: one NinjaAPI, one router per app, one error format (core.api), OpenAPI docs served locally."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.security import django_auth

from core.api import NINJA_REFUSALS, JinweiAPI, error_body, schema_error_message
from core.middleware import RETRY_SECONDS, database_busy

logger = logging.getLogger(__name__)

api = JinweiAPI(
    title="Jinwei API",
    version="1",
    description="晋位 — 基层党组织分类定级、晋位升级",
    auth=django_auth,
    urls_namespace="api",
    # The bundled Swagger UI from ninja's static files; no validator badge calling swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
)


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
        if "field" not in error:  # raised by ninja outside an operation's parameters: name it by its location
            error["field"] = error["label"] = ".".join(str(part) for part in error.get("loc", ())[1:]) or None
        errors.append({"field": error["field"], "message": schema_error_message(error)})
    return api.create_response(request, error_body(_("Some values are not valid."), errors), status=422)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, error_body(_("Not found.")), status=404)


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return api.create_response(request, error_body(str(exc) or _("You may not do this.")), status=403)


@api.exception_handler(OperationalError)
def on_database_busy(request, exc: OperationalError):
    """SQLite busy with another write (core.middleware): nothing was saved, send it again shortly."""
    if not database_busy(exc):
        raise exc
    logger.warning("database busy, %s %s answered 503", request.method, request.path)
    message = _("Jinwei is busy writing other changes (a ledger import can take a minute or two), so this change "
                "was not saved.")
    response = api.create_response(request, error_body(f"{message} {_('Please try again shortly')}"), status=503)
    response["Retry-After"] = str(RETRY_SECONDS)
    return response


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(request, error_body(_("Please log in.")), status=401)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    message = next((str(text) for start, text in NINJA_REFUSALS.items() if str(exc).startswith(start)), str(exc))
    return api.create_response(request, error_body(message), status=exc.status_code)


api.add_router("/orgs", "orgs.api.router")
api.add_router("/orgs", "orgs.api.jobs_router")
api.add_router("/roles", "orgs.api.roles_router")
api.add_router("/standards", "standards.api.router")
api.add_router("/sheets", "standards.api.sheets_router")
api.add_router("/cycles", "cycles.api.router")
api.add_router("/gradings", "cycles.api.gradings_router")
api.add_router("/ledgers", "ledgers.api.router")
api.add_router("/ballots", "ballots.api.router")
api.add_router("/members", "members.api.router")
api.add_router("/pledges", "pledges.api.router")
api.add_router("/rectification", "rectification.api.router")
api.add_router("/spotchecks", "spotchecks.api.router")
api.add_router("/acceptance", "acceptance.api.router")
api.add_router("/yearend", "yearend.api.router")
