"""Forms of the spot check pages: they parse what was typed; every rule is the services'."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from core.forms import DateInput
from orgs.choices import Sector
from spotchecks import services
from spotchecks.choices import FindingResult, Stratification
from spotchecks.models import Finding, SpotCheck
from standards.choices import Grade


def _label(model, name):
    return model._meta.get_field(name).verbose_name


class SpotCheckForm(forms.Form):
    """A new check: its cycle, the population's filters, the sample's size and strata, the weights, the pool."""

    title = forms.CharField(label=_label(SpotCheck, "title"), max_length=200)
    cycle = forms.TypedChoiceField(label=_label(SpotCheck, "cycle"), coerce=int)
    sectors = forms.MultipleChoiceField(label=_label(SpotCheck, "sectors"), choices=Sector.choices, required=False,
                                        widget=forms.CheckboxSelectMultiple,
                                        help_text=gettext_lazy("None ticked: every sector."))
    grades = forms.MultipleChoiceField(label=_label(SpotCheck, "grades"), choices=Grade.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple,
                                       help_text=gettext_lazy("The grade of this cycle; none ticked: every grade."))
    depth = forms.IntegerField(label=_label(SpotCheck, "depth"), required=False, min_value=1, max_value=10,
                               help_text=gettext_lazy("1: the direct subordinates only; empty: the whole subtree."))
    only_vetoed = forms.BooleanField(label=_label(SpotCheck, "only_vetoed"), required=False)
    only_overdue = forms.BooleanField(label=_label(SpotCheck, "only_overdue"), required=False)
    stratify_by = forms.ChoiceField(label=_label(SpotCheck, "stratify_by"), choices=Stratification.choices,
                                    required=False)
    sample_share = forms.DecimalField(label=gettext_lazy("share of each stratum (%)"), min_value=Decimal("0.01"),
                                      max_value=Decimal("100"), decimal_places=2, initial=Decimal("5"),
                                      help_text=gettext_lazy("Used when no number per stratum is given; rounded "
                                                             "up, at least one of each stratum."))
    sample_count = forms.IntegerField(label=_label(SpotCheck, "sample_count"), required=False, min_value=1)
    veto_weight = forms.DecimalField(label=_label(SpotCheck, "veto_weight"), initial=Decimal("2"),
                                     min_value=Decimal("1"), max_value=Decimal("100"),
                                     help_text=gettext_lazy("2: twice as likely to be drawn as one without."))
    overdue_weight = forms.DecimalField(label=_label(SpotCheck, "overdue_weight"), initial=Decimal("2"),
                                        min_value=Decimal("1"), max_value=Decimal("100"))
    inspectors_per_organization = forms.IntegerField(label=_label(SpotCheck, "inspectors_per_organization"),
                                                     initial=2, min_value=1, max_value=10)
    pool = forms.CharField(label=_label(SpotCheck, "pool"), widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=gettext_lazy("The login names of the people inspectors are drawn from, "
                                                  "separated by spaces, commas or lines."))

    def __init__(self, *args, cycles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].choices = [(cycle.pk, cycle.name) for cycle in cycles]

    def clean_pool(self):
        names = re.split(r"[\s,，、;；]+", self.cleaned_data["pool"])
        try:
            return services.pool_of(names)
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict["pool"]) from None

    def service_values(self) -> dict:
        values = {name: self.cleaned_data[name] for name in (
            "title", "sectors", "grades", "depth", "only_vetoed", "only_overdue", "stratify_by", "sample_count",
            "veto_weight", "overdue_weight", "inspectors_per_organization", "pool")}
        values["stratify_by"] = values["stratify_by"] or ""
        values["sample_share"] = self.cleaned_data["sample_share"] / 100
        return values


class EntropyForm(forms.Form):
    entropy = forms.CharField(label=_label(SpotCheck, "entropy"), max_length=200,
                              help_text=gettext_lazy("Published after the freeze and known to all, e.g. the "
                                                     "welfare lottery's draw of the next evening, or an index's "
                                                     "close; typed exactly as published."))


class FindingForm(forms.Form):
    """An inspector's word on one checklist item: in order, or a problem with what was found and its deadline."""

    result = forms.ChoiceField(label=_label(Finding, "result"), choices=FindingResult.choices,
                               widget=forms.RadioSelect)
    note = forms.CharField(label=_label(Finding, "note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.CharField(label=_label(Finding, "evidence"), required=False,
                               widget=forms.Textarea(attrs={"rows": 2}),
                               help_text=gettext_lazy("What you looked at: the ledger's pages, the minutes, the "
                                                      "photos, the files of the plan."))
    deadline = forms.DateField(label=_label(Finding, "deadline"), required=False, widget=DateInput(),
                               help_text=gettext_lazy("For a problem: the rectification order's deadline."))
