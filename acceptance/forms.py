"""Forms of the acceptance pages: they parse; the services check (their refusals come back on the field named)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from acceptance import rules
from acceptance.choices import ModelTitle
from core.forms import DateInput
from orgs.choices import Sector
from standards.choices import Grade


class RoundForm(forms.Form):
    self_check_due = forms.DateField(label=_("self-checks due"), widget=DateInput)
    decision_due = forms.DateField(label=_("determinations due"), widget=DateInput)
    pass_score = forms.DecimalField(label=_("pass mark"), initial=rules.SEED_PASS_SCORE, min_value=0, max_value=100)
    dissatisfied_percent = forms.DecimalField(label=_("Fails when the share dissatisfied is above (%)"), initial=50,
                                              min_value=0, max_value=100)


def _origins():
    grades = [(f"grade:{grade}", Grade(grade).label) for grade in ("advanced", "average", "lagging", "exemplary",
                                                                    "good", "fairly_good", "poor")]
    return grades + [(f"stars:{n}", _("%(n)s stars") % {"n": n}) for n in range(1, 6)]


def _goals():
    grades = [(f"grade:{grade}", Grade(grade).label) for grade in ("brand", "exemplary", "advanced", "average",
                                                                    "good", "fairly_good")]
    return grades + [("stars:more", _("more stars")), ("stars:any", _("at least one star"))] + [
        (f"title:{title.value}", title.label) for title in ModelTitle]


class TargetForm(forms.Form):
    sector = forms.ChoiceField(label=_("sector"), choices=[("", _("All sectors")), *Sector.choices], required=False)
    origin = forms.ChoiceField(label=_("from"), choices=_origins)
    goal = forms.ChoiceField(label=_("to"), choices=_goals)
    share = forms.CharField(label=_("Least share (%)"), max_length=12)


class ReportForm(forms.Form):
    report = forms.CharField(label=_("self-check report"), widget=forms.Textarea(attrs={"rows": 6}), required=False)


class SurveyForm(forms.Form):
    opens_at = forms.DateTimeField(label=_("opens at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    closes_at = forms.DateTimeField(label=_("closes at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    voters = forms.IntegerField(label=_("voters"), min_value=1)


class DecideForm(forms.Form):
    grade = forms.ChoiceField(label=_("accepted grade"))
    stars = forms.IntegerField(label=_("accepted stars"), min_value=0, max_value=5, required=False)
    title = forms.ChoiceField(label=_("model title"), choices=[("", _("No title")), *ModelTitle.choices],
                              required=False)
    reason = forms.CharField(label=_("reason for the determination"), widget=forms.Textarea(attrs={"rows": 2}),
                             required=False)

    def __init__(self, *args, grades=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [(grade, Grade(grade).label) for grade in grades]


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("reason for returning"), widget=forms.Textarea(attrs={"rows": 2}))
