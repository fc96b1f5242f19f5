"""Forms of the rectification pages: they parse what was typed; every rule is the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from core.versions import VersionField
from rectification.choices import MeasureKind, MidyearRating, ProblemSource
from rectification.models import Measure, Plan, Problem, ProgressReport, RectificationSettings
from standards.choices import Grade


def _label(model, name):
    return model._meta.get_field(name).verbose_name


class TargetForm(forms.Form):
    """The plan's target grade and stars as read at ``version`` (core.versions)."""

    target_grade = forms.ChoiceField(label=_label(Plan, "target_grade"), required=False)
    target_stars = forms.TypedChoiceField(label=_label(Plan, "target_stars"), required=False, coerce=int,
                                          empty_value=None, choices=[("", "—"), *[(n, "★" * n or "0") for n in range(6)]])
    version = VersionField()

    def __init__(self, *args, grades=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_grade"].choices = [("", "—"), *[(g, Grade(g).label) for g in grades]]


class MeasureFields(forms.Form):
    """A measure's fields: what will be done, its kind, who answers for it, by when, and who helps."""

    text = forms.CharField(label=_label(Measure, "text"), widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("What will be done, concretely: how often, how many, by whom."))
    kind = forms.ChoiceField(label=_label(Measure, "kind"), choices=MeasureKind.choices, initial=MeasureKind.PLANNED)
    responsible_person = forms.CharField(label=_label(Measure, "responsible_person"), max_length=64)
    deadline = forms.DateField(label=_label(Measure, "deadline"), widget=DateInput())
    expected_result = forms.CharField(label=_label(Measure, "expected_result"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 1}))
    assisting_unit = forms.CharField(label=_label(Measure, "assisting_unit"), required=False, max_length=100,
                                     widget=forms.TextInput(attrs={"list": "units"}))
    liaison_leader = forms.CharField(label=_label(Measure, "liaison_leader"), required=False, max_length=100,
                                     widget=forms.TextInput(attrs={"list": "leaders"}))

    def measure_values(self) -> dict:
        names = ("text", "kind", "responsible_person", "deadline", "expected_result", "assisting_unit",
                 "liaison_leader")
        return {name: self.cleaned_data.get(name) for name in names}


class MeasureEditForm(MeasureFields):
    """A measure's fields as read at ``version`` (core.versions)."""

    version = VersionField()


class ProblemForm(MeasureFields):
    """A problem with its first measure, filed together: the quickest way to a complete 问题档案."""

    title = forms.CharField(label=_label(Problem, "title"), max_length=200,
                            help_text=_("In a few words, e.g. 党员作用发挥不够好."))
    description = forms.CharField(label=_label(Problem, "description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    causes = forms.CharField(label=_label(Problem, "causes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    source = forms.ChoiceField(label=_label(Problem, "source"), choices=ProblemSource.choices,
                               initial=ProblemSource.OTHER)
    field_order = ["title", "description", "causes", "source", "text", "kind", "responsible_person", "deadline",
                   "expected_result", "assisting_unit", "liaison_leader"]

    def problem_values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in ("title", "description", "causes", "source")}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class ProgressForm(forms.Form):
    reported_on = forms.DateField(label=_label(ProgressReport, "reported_on"), widget=DateInput())
    text = forms.CharField(label=_label(ProgressReport, "text"), widget=forms.Textarea(attrs={"rows": 2}))
    files = MultipleFileField(label=_("Evidence files"), required=False,
                              help_text=_("Photos (JPEG, PNG), PDF, Word or Excel; several at once."))
    evidence = forms.MultipleChoiceField(label=_("Evidence already uploaded"), required=False,
                                         widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, evidence=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].choices = [(e.pk, str(e)) for e in evidence]
        if not evidence:
            del self.fields["evidence"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_label(Measure, "answer"), widget=forms.Textarea(attrs={"rows": 2}))


class LetterForm(forms.Form):
    letter_signed_on = forms.DateField(label=_label(Plan, "letter_signed_on"), widget=DateInput())
    letter_scan = forms.FileField(label=_("Scan of the signed letter"))


MIDYEAR_CHOICES = [("", "—"), *MidyearRating.choices]


class SettingsForm(forms.Form):
    """The cycle's rectification numbers (seeds/001, seeds/002 defaults)."""

    min_problems = forms.IntegerField(label=_label(RectificationSettings, "min_problems"), min_value=0, max_value=20)
    committee_plan_due = forms.DateField(label=_label(RectificationSettings, "committee_plan_due"), widget=DateInput())
    plan_due = forms.DateField(label=_label(RectificationSettings, "plan_due"), widget=DateInput())
    midyear_due = forms.DateField(label=_label(RectificationSettings, "midyear_due"), widget=DateInput())
    ends_on = forms.DateField(label=_label(RectificationSettings, "ends_on"), widget=DateInput())
