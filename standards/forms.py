from django import forms
from django.utils.translation import gettext_lazy as _

from core.uploads import SpreadsheetField
from core.versions import VersionField
from orgs.choices import Sector
from orgs.forms import OrganizationCodeField, ScopedForm
from standards.choices import AssessorKind, DeductionKind


class StandardFilterForm(forms.Form):
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", _("All sectors")), *Sector.choices], required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)


class DefaultStandardForm(ScopedForm):
    issuer = OrganizationCodeField(label=_("Issued by (official code)"))
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class DeriveForm(ScopedForm):
    issuer = OrganizationCodeField(label=_("Issued by (official code)"))
    name = forms.CharField(label=_("Name"), max_length=200, required=False)


class ItemForm(forms.Form):
    text = forms.CharField(label=_("Scoring point"), widget=forms.Textarea(attrs={"rows": 2}))
    max_points = forms.DecimalField(label=_("Maximum points"), max_digits=5, decimal_places=1, min_value=0)
    deduction_kind = forms.ChoiceField(label=_("Deduction rule"), choices=DeductionKind.choices)
    deduction_points = forms.DecimalField(label=_("Points deducted"), max_digits=5, decimal_places=1, min_value=0)
    guidance = forms.CharField(label=_("Guidance"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    reason = forms.CharField(label=_("Reason for the change"), required=False)
    version = VersionField()


class ImportForm(forms.Form):
    file = SpreadsheetField(label=_("Excel file (.xlsx)"), what=_("Excel file"), suffixes=(".xlsx",))
    reason = forms.CharField(label=_("Reason for the change"), required=False)


class DeductionForm(forms.Form):
    occurrences = forms.IntegerField(label=_("Occurrences"), min_value=1, initial=1)
    reason = forms.CharField(label=_("Reason"), max_length=1000)
    evidence = forms.FileField(label=_("Evidence file"), required=False)


class VetoForm(forms.Form):
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence_file = forms.FileField(label=_("Evidence file"), required=False)


class OpenSheetForm(forms.Form):
    assessor_kind = forms.ChoiceField(label=_("Assessed by"), choices=AssessorKind.choices)
