from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from core.uploads import SpreadsheetField
from members.models import Member


class MemberForm(forms.ModelForm):
    """A member's record; the rules (possible dates, one entry per person) are members.services'."""

    class Meta:
        model = Member
        fields = ["name", "gender", "birth_date", "education", "joined_on", "probationary", "mobile", "mobile_where",
                  "phone", "status"]
        widgets = {"birth_date": DateInput(), "joined_on": DateInput()}

    def _post_clean(self):
        """The service checks the model; the form only parses."""


class TransferForm(forms.Form):
    to_organization = forms.IntegerField(label=_("Receiving branch (its number)"), min_value=1)
    transferred_on = forms.DateField(label=_("transferred on"), widget=DateInput(), required=False)


class RosterImportForm(forms.Form):
    file = SpreadsheetField(label=_("Roster file (.xlsx, .xls or .csv)"), what=_("Roster file"))
