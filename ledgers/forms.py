"""Forms of the ledger pages. ``LedgerFilterForm`` is the one filter definition of a ledger: the
page, its exports and print pages, and the API all read their filters through it."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import filters_of
from ledgers.importing import upload_check
from ledgers.reading import EXTENSIONS
from ledgers.selectors import LedgerFilters
from orgs.choices import Sector
from orgs.models import Organization
from standards.choices import Grade


def _optional(choices) -> list[tuple[str, str]]:
    return [("", _("All")), *choices]


class LedgerFilterForm(forms.Form):
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=_optional(Sector.choices))
    declared_grade = forms.ChoiceField(label=_("Declared grade"), required=False, choices=_optional(Grade.choices))
    superior_grade = forms.ChoiceField(label=_("Superior's grade"), required=False, choices=_optional(Grade.choices))
    target_grade = forms.ChoiceField(label=_("Upgrade target"), required=False, choices=_optional(Grade.choices))
    q = forms.CharField(label=_("Name or code"), required=False, max_length=100)

    def __init__(self, *args, grades: list[str] | None = None, **kwargs):
        """``grades``: the cycle's (cycles.selectors.cycle_grades), the only ones offered; all of them without it."""
        super().__init__(*args, **kwargs)
        if grades is not None:
            for name in ("declared_grade", "superior_grade", "target_grade"):
                self.fields[name].choices = _optional([(grade, Grade(grade).label) for grade in grades])

    def filters(self) -> LedgerFilters:
        """The filters chosen; a value the list does not know is refused, naming its field (ValidationError)."""
        data = filters_of(self)
        return LedgerFilters(sector=data["sector"], declared_grade=data["declared_grade"],
                             superior_grade=data["superior_grade"], target_grade=data["target_grade"],
                             query=data["q"].strip())


def ledger_filters(params, *, grades: list[str]) -> LedgerFilters:
    """Filters from a query string (a page's GET, an export link, an API call), with the cycle's grades."""
    return LedgerFilterForm(params, grades=grades).filters()


class ImportForm(forms.Form):
    """The file and the level it is imported into (the page's level or one of its sub-levels)."""

    file = forms.FileField(label=_("Ledger file (.xlsx, .xls or .csv)"))
    level = forms.TypedChoiceField(label=_("Import into"), coerce=int)

    def __init__(self, *args, levels: list[Organization], **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = {level.pk: level for level in levels}
        self.fields["level"].choices = [(level.pk, level.name) for level in levels]
        self.fields["file"].widget.attrs["accept"] = ",".join(EXTENSIONS)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            upload_check(name=upload.name, size=upload.size)
        except ValidationError as error:
            raise ValidationError(error.message_dict["file"]) from None
        return upload
