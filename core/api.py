"""What every app's API shares: the one error format, its field labels, and the pagination of lists
(the NinjaAPI itself, with its routers, is jinwei.api)."""

import types
import typing

from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, NinjaAPI, Schema
from ninja.errors import ValidationError as SchemaValidationError
from ninja.pagination import LimitOffsetPagination
from pydantic import BaseModel

MAX_PAGE_SIZE = 200
MAX_OFFSET = 1_000_000_000  # past every list; a larger one would overflow the database's OFFSET


class JinweiAPI(NinjaAPI):
    """A NinjaAPI whose schema errors know each field's key and label, not only pydantic's location."""

    def get_openapi_operation_id(self, operation) -> str:
        """<app>_api_<function>, wherever in the app's API package the endpoint is written, so that an id stays
        put when a module is split."""
        return f"{operation.view_func.__module__.split('.')[0]}_api_{operation.view_func.__name__}"

    def validation_error_from_error_contexts(self, error_contexts) -> SchemaValidationError:
        errors = []
        for context in error_contexts:
            raw_locations = [error["loc"] for error in context.pydantic_validation_error.errors(include_url=False)]
            built = super().validation_error_from_error_contexts([context]).errors
            for error, location in zip(built, raw_locations, strict=True):
                error["field"], error["label"] = schema_field(context.model, location)
                errors.append(error)
        return SchemaValidationError(errors)


def _model_in(annotation) -> type[BaseModel] | None:
    """The pydantic model an annotation holds, through Optional, Annotated and list."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, typing.Annotated, list):
        for argument in typing.get_args(annotation):
            found = _model_in(argument)
            if found is not None:
                return found
    return None


def schema_field(model: type[BaseModel], location: tuple) -> tuple[str | None, str | None]:
    """The key and the label of the field at a pydantic error's ``location`` in an operation's parameters.

    ``model`` is ninja's model of one parameter source (body, query, path); a schema parameter
    (``payload: OrganizationIn``, ``filters: Query[...]``) is a wrapper whose name is not part of
    the key. The label is the field's ``title`` — a lazy ``verbose_name`` — in the current language.
    """
    keys: list[str] = []
    label = None
    for depth, part in enumerate(location):
        info = model.model_fields.get(part) if model is not None and isinstance(part, str) else None
        if info is None:
            keys.append(str(part))
            model = None
            continue
        inner = _model_in(info.annotation)
        if not (depth == 0 and inner is not None):
            keys.append(part)
            label = info.title or part
        model = inner
    key = ".".join(keys) or None
    return key, (capfirst(str(label)) if label else key)


def error_body(message: str, errors: list[dict] | None = None) -> dict:
    """The one error format of every endpoint: a message and, per field, what is wrong."""
    return {"detail": message, "errors": errors or []}


class Pagination(LimitOffsetPagination):
    """limit/offset pages for every list endpoint: settings.PAGE_SIZE rows by default, at most 200."""

    class Input(Schema):
        limit: int = Field(settings.PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, title=gettext_lazy("page size"))
        offset: int = Field(0, ge=0, le=MAX_OFFSET, title=gettext_lazy("offset"))

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_PAGE_SIZE, **kwargs)


def schema_error_message(error: dict) -> str:
    """One pydantic error as a sentence naming the field by its label, in the current language."""
    kind, context, label = error.get("type", ""), error.get("ctx", {}), error.get("label")
    if label is None:
        return _("The request is not complete or not valid.")
    if kind == "missing":
        return _("%(field)s: this field is required.") % {"field": label}
    if kind.startswith("int_"):
        return _("%(field)s: enter a whole number.") % {"field": label}
    if kind.startswith(("date_", "datetime_")):
        return _("%(field)s: enter a date as YYYY-MM-DD.") % {"field": label}
    if kind.startswith("bool_"):
        return _("%(field)s: enter true or false.") % {"field": label}
    if kind == "enum":
        return _("%(field)s: choose one of %(choices)s.") % {"field": label, "choices": context.get("expected", "")}
    if kind == "greater_than_equal":
        return _("%(field)s: must be at least %(limit)s.") % {"field": label, "limit": context.get("ge")}
    if kind == "less_than_equal":
        return _("%(field)s: must be at most %(limit)s.") % {"field": label, "limit": context.get("le")}
    return _("%(field)s: the value is not valid.") % {"field": label}


# The refusals ninja raises itself as HttpError, by the start of their English message.
NINJA_REFUSALS = {
    "Cannot parse request body": gettext_lazy("The request body is not valid JSON."),
    "CSRF check Failed": gettext_lazy("The request has no valid security token; please reload the page and try again."),
}
