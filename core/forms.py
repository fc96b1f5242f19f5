"""Small helpers shared by every app's forms."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_noop

from core.versions import EditConflict


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the named field when the form has it. A form refused
    for another person's newer save (core.versions) carries that version from now on."""
    if isinstance(error, EditConflict) and "version" in form.fields:
        form.data = form.data.copy()
        form.data[form.add_prefix("version")] = error.current_version
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


# Django writes form labels with gettext(":"); naming the string here puts it in Jinwei's own
# catalogue, where zh-hans gives the full-width colon.
gettext_noop(":")


def filters_of(form: forms.Form) -> dict:
    """A list's filters, cleaned; a value the list does not know is refused (ValidationError naming each field
    by its label), never dropped — a filter silently dropped would show or export the whole list."""
    if not form.is_valid():
        raise ValidationError({name: [f"{form.fields[name].label}：{message}" for message in messages]
                               if name in form.fields else messages for name, messages in form.errors.items()})
    return form.cleaned_data
