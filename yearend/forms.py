from django import forms
from django.utils.translation import gettext_lazy as _

from yearend.models import SecretaryReport, YearSummary


class SummaryForm(forms.ModelForm):
    class Meta:
        model = YearSummary
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 16})}


class ReportForm(forms.ModelForm):
    class Meta:
        model = SecretaryReport
        fields = ["secretary", "post", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 12})}
        help_texts = {"post": _("For instance 党委书记.")}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class CandidateAddForm(forms.Form):
    code = forms.CharField(label=_("Organization code"), max_length=64)
    reason = forms.CharField(label=_("Reason for adding"), widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=2000)
