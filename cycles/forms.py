"""Forms of the cycle pages: they parse what people type and hand it to cycles.services, which
holds every rule. A form names its fields so that a service's ValidationError lands on them."""

import datetime
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from cycles import calendar
from cycles.choices import PRESETS, SURVEY_QUESTIONS, Preset, Step, SurveyRating
from cycles.models import SurveyAnswer
from cycles.services import VOTE_KEYS
from orgs.choices import Sector
from orgs.forms import OrganizationCodeField
from standards import defaults as standard_defaults
from standards import selectors as standard_selectors
from standards.choices import Grade
from standards.models import Standard

LIST_LEVELS = (1, 2, 3)
VOTE_LABELS = {"agree": _("Agree"), "disagree": _("Disagree"), "abstain": _("Abstain")}


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _grade_choices(grades) -> list[tuple[str, str]]:
    return [(grade, Grade(grade).label) for grade in grades]


# Opening and changing a cycle -------------------------------------------------------------------


class _DeadlineFields(forms.Form):
    """A date input per grading step and per level's list; ``deadlines()`` gives the filled ones."""

    def add_deadline_fields(self):
        for step in Step:
            self.fields[f"deadline_{step.value}"] = forms.DateField(
                label=_("Deadline: %(step)s") % {"step": step.label}, required=False, widget=DateInput())
        for level in LIST_LEVELS:
            self.fields[f"list_deadline_{level}"] = forms.DateField(
                label=_("Deadline for the lists of level %(level)d below") % {"level": level}, required=False,
                widget=DateInput())

    def deadline_fields(self):
        return [self[f"deadline_{step.value}"] for step in Step]

    def list_deadline_fields(self):
        return [self[f"list_deadline_{level}"] for level in LIST_LEVELS]

    def deadlines(self, steps) -> dict[str, str]:
        return {step: self.cleaned_data[f"deadline_{step}"].isoformat() for step in steps
                if self.cleaned_data.get(f"deadline_{step}")}

    def list_deadlines(self) -> dict[str, str]:
        return {str(level): self.cleaned_data[f"list_deadline_{level}"].isoformat() for level in LIST_LEVELS
                if self.cleaned_data.get(f"list_deadline_{level}")}


def default_year(owner) -> int:
    """The year a new cycle is for: this year, or the year after the owner's latest cycle when that is this year or later."""
    this_year = timezone.localdate().year
    latest = owner.cycles.order_by("-year").values_list("year", flat=True).first() if owner is not None else None
    return latest + 1 if latest is not None and latest >= this_year else this_year


def deadline_initial(source, year: int) -> dict[str, object]:
    """The open form's dates: those typed so far, moved to ``year`` when the year changed since
    (``calendar_year``); the seeds' calendar in ``year`` for the others."""
    calendar_year = str(source.get("calendar_year") or "")
    shift = year - int(calendar_year) if calendar_year.isdigit() else 0
    initial = {}
    defaults = {f"deadline_{step}": day for step, day in calendar.seed_deadlines(year, [s.value for s in Step]).items()}
    defaults |= {f"list_deadline_{level}": day for level, day in calendar.seed_list_deadlines(year).items()}
    for name in [f"deadline_{step.value}" for step in Step] + [f"list_deadline_{level}" for level in LIST_LEVELS]:
        typed = _date_or_none(source.get(name))
        initial[name] = calendar.shift_years(typed, shift) if typed else defaults.get(name)
    return initial


def _date_or_none(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value or ""))
    except ValueError:
        return None


class _CarriedStandardField(forms.ModelChoiceField):
    """A standard per sector; one of an earlier year reads as the new version the cycle will make of it."""

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year

    def label_from_instance(self, standard):
        if standard.year < self.year:
            return _("%(name)s v%(version)d of %(standard_year)d → a new version for %(year)d") % {
                "name": standard.name, "version": standard.version, "standard_year": standard.year, "year": self.year}
        return str(standard)


class CycleOpenForm(_DeadlineFields):
    """安排部署: owner, year, step chain, deadlines, a standard per sector, quotas, notice, survey.

    Every step of the chosen chain needs its deadline; the seeds' calendar in the cycle's year is
    offered. For each sector the standard the owner's previous cycle used is offered as a new
    version for this year, unless a standard of this year is there already.
    """

    owner = OrganizationCodeField(label=_("Opened for (official code of an organization you administer)"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    preset = forms.ChoiceField(label=_("Grading steps"), choices=Preset.choices, initial=Preset.CHENGHUA,
                               widget=forms.RadioSelect)
    notice = forms.CharField(label=_("Deployment notice"), widget=_textarea(6), required=False)
    attachment_title = forms.CharField(label=_("Attachment title"), max_length=200, required=False)
    attachment = forms.FileField(label=_("Attachment to the notice"), required=False)
    survey_enabled = forms.BooleanField(label=_("Run the status survey (six questions and a report)"), required=False)
    lock_after_deadline = forms.BooleanField(label=_("Lock each step after its deadline"), required=False, initial=True)

    def __init__(self, *args, user, owner=None, year=None, sectors=(), previous_standards=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].user = user
        self.add_deadline_fields()
        self.year = year
        self.sectors = list(sectors)
        previous_standards = previous_standards or {}
        for sector in self.sectors:
            standards = standard_selectors.standard_list(user=user, sector=sector, year=year)
            carried = previous_standards.get(sector)
            choices = standards
            if carried is not None:
                choices = Standard.objects.filter(Q(pk__in=standards.values("pk")) | Q(pk=carried.pk)).select_related(
                    "issuer").order_by("-year", "issuer__path", "-version")
            self.fields[f"standard_{sector}"] = _CarriedStandardField(
                label=_("Standard: %(sector)s") % {"sector": Sector(sector).label}, queryset=choices, required=False,
                empty_label=_("none — the default three grades"), year=year or 0)
            nearest = _nearest_standard(standards, owner) or carried
            if nearest is not None:
                self.fields[f"standard_{sector}"].initial = nearest.pk

    def chain(self) -> list[str]:
        """The steps of the chain chosen (in the data sent, else the initial one)."""
        preset = self.data.get("preset") if self.is_bound else self.initial.get("preset", Preset.CHENGHUA)
        return PRESETS.get(preset or "", PRESETS[Preset.CHENGHUA])

    def chain_deadline_fields(self):
        return [self[f"deadline_{step}"] for step in self.chain()]

    def standard_fields(self):
        return [self[f"standard_{sector}"] for sector in self.sectors]

    def clean(self):
        cleaned = super().clean()
        for step in PRESETS.get(cleaned.get("preset") or "", []):
            name = f"deadline_{step}"
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, _("Every step needs its last day: enter a date."))
        return cleaned

    def standards(self) -> dict:
        return {sector: self.cleaned_data[f"standard_{sector}"] for sector in self.sectors
                if self.cleaned_data.get(f"standard_{sector}")}


def _nearest_standard(standards, owner):
    """The default choice: the latest version issued by the owner or the nearest issuer above it."""
    if owner is None:
        return None
    fitting = [s for s in standards[:200] if owner.path.startswith(s.issuer.path)]
    return max(fitting, key=lambda s: (s.year, len(s.issuer.path), s.version), default=None)


class CycleEditForm(_DeadlineFields):
    """Change deadlines for every organization (with a reason) and the notice; add an attachment."""

    notice = forms.CharField(label=_("Deployment notice"), widget=_textarea(6), required=False)
    reason = forms.CharField(label=_("Reason for the change"), required=False,
                             help_text=_("Needed when a deadline changes; it is kept in the cycle's history."))
    attachment_title = forms.CharField(label=_("Attachment title"), max_length=200, required=False)
    attachment = forms.FileField(label=_("Attachment to the notice"), required=False)

    def __init__(self, *args, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_deadline_fields()
        for step in Step:
            if step.value not in cycle.steps:
                del self.fields[f"deadline_{step.value}"]
            else:
                self.fields[f"deadline_{step.value}"].initial = cycle.deadlines.get(step.value)
        for level in LIST_LEVELS:
            self.fields[f"list_deadline_{level}"].initial = cycle.list_deadlines.get(str(level))
        self.fields["notice"].initial = cycle.notice
        self.cycle = cycle

    def deadline_fields(self):
        return [self[f"deadline_{step}"] for step in self.cycle.steps]


class ExtendForm(forms.Form):
    """The cycle's owner gives one organization a later deadline for one step, with a reason."""

    step = forms.ChoiceField(label=_("Step"))
    until = forms.DateField(label=_("Extended until"), widget=DateInput())
    reason = forms.CharField(label=_("Reason for the extension"), widget=_textarea(2), required=False)

    def __init__(self, *args, steps: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [(step, Step(step).label) for step in steps]


class QuotaRuleForm(forms.Form):
    """One quota rule: a grade, a share in percent, and whether it is a cap or a floor."""

    grade = forms.ChoiceField(label=_("Grade"), choices=[("", "—"), *Grade.choices], required=False)
    share = forms.DecimalField(label=_("Share (%)"), min_value=0, max_value=100, decimal_places=2, required=False)
    bound = forms.ChoiceField(label=_("Rule"), choices=[("at_most", _("at most (cap)")), ("at_least", _("at least (floor)"))],
                              required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("grade") and cleaned.get("share") is None:
            self.add_error("share", _("Share: enter the share in percent."))
        return cleaned


QuotaFormSet = formset_factory(QuotaRuleForm, extra=2)


def default_quota_rows() -> list[dict]:
    """The seeds' quota rules (standards.defaults), as rows of the quota form."""
    return [{"grade": rule.grade, "share": rule.share * 100, "bound": "at_most" if rule.at_most else "at_least"}
            for rule in standard_defaults.QUOTAS["three_grades"]]


def quota_rows_of(quotas: list[dict]) -> list[dict]:
    """A cycle's quota rules as rows of the quota form (a new year starts from the last one's)."""
    return [{"grade": rule["grade"], "share": _percent(Decimal(str(rule["share"])) * 100),
             "bound": "at_most" if rule["at_most"] else "at_least"} for rule in quotas]


def _percent(value: Decimal) -> Decimal:
    """30.00 → 30, 12.50 → 12.5: never 3E+1 as Decimal.normalize() would write it."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def quotas_from(formset) -> list[dict]:
    """The filled rows as the cycle stores them: share as a fraction."""
    return [{"grade": row["grade"], "share": str((row["share"] / Decimal(100)).normalize()),
             "at_most": row["bound"] != "at_least"}
            for row in formset.cleaned_data if row and row.get("grade")]


# The organization's steps -----------------------------------------------------------------------


class StepForm(forms.Form):
    """One of the organization's own steps: date, participants, result (a grade or vote counts), notes, attachment."""

    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    participants = forms.IntegerField(label=_("Participants"), min_value=0, initial=0)
    notes = forms.CharField(label=_("Notes"), widget=_textarea(2), required=False)
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def __init__(self, *args, step: str, grades: list[str], **kwargs):
        kwargs.setdefault("initial", {"held_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.step = step
        self.step_label = Step(step).label
        self.vote_keys: list[str] = []
        if step == Step.MEETING_REVIEW:
            # 无记名测评: the joint meeting votes on the declared grade.
            self.vote_keys = list(VOTE_KEYS)
            labels = VOTE_LABELS
        else:
            label = _("Grade (or the score sheet's)") if step == Step.SELF_ASSESSMENT else _("Result")
            self.fields["grade"] = forms.ChoiceField(label=label, choices=[("", "—"), *_grade_choices(grades)], required=False)
            if step != Step.SELF_ASSESSMENT:
                self.vote_keys = list(grades)
                labels = {grade: _("Votes for %(grade)s") % {"grade": Grade(grade).label} for grade in grades}
        for key in self.vote_keys:
            self.fields[f"votes_{key}"] = forms.IntegerField(label=labels[key], min_value=0, required=False)
        self.order_fields(["held_on", "participants", "grade", *[f"votes_{k}" for k in self.vote_keys], "notes", "attachment"])

    def vote_fields(self):
        return [self[f"votes_{key}"] for key in self.vote_keys]

    def other_fields(self):
        return [field for field in self if not field.name.startswith("votes_")]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"step": self.step, "held_on": data["held_on"], "participants": data["participants"] or 0,
                "grade": data.get("grade") or "", "notes": data.get("notes") or "", "attachment": data.get("attachment"),
                "votes": {key: data[f"votes_{key}"] for key in self.vote_keys if data.get(f"votes_{key}") is not None}}


# The superior -----------------------------------------------------------------------------------


class DecideForm(forms.Form):
    """上级党组织评定: a grade, and a reason when it differs from the declared one."""

    grade = forms.ChoiceField(label=_("Grade"))
    reason = forms.CharField(label=_("Reason"), widget=_textarea(2), required=False)
    revise = forms.BooleanField(label=_("Change the determination already made"), required=False)

    def __init__(self, *args, grades: list[str], revising: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = _grade_choices(grades)
        if not revising:
            del self.fields["revise"]


class ReturnForm(forms.Form):
    """Return a submission with a reason on each step that needs work; the other steps stand."""

    def __init__(self, *args, steps: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.steps = steps
        for step in steps:
            self.fields[f"reason_{step}"] = forms.CharField(label=Step(step).label, widget=_textarea(2), required=False)

    def reasons(self) -> dict[str, str]:
        return {step: self.cleaned_data.get(f"reason_{step}", "") for step in self.steps}


class DepartmentInputForm(forms.Form):
    department = forms.CharField(label=_("Department"), max_length=100,
                                 widget=forms.TextInput(attrs={"list": "departments"}))
    score = forms.DecimalField(label=_("Score"), max_digits=4, decimal_places=1)
    comment = forms.CharField(label=_("Comment"), widget=_textarea(2), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=_textarea(2), required=False)


# Level lists ------------------------------------------------------------------------------------


class ListSubmitForm(forms.Form):
    exception = forms.CharField(label=_("Written exception"), widget=_textarea(3), required=False)


class ListReviewForm(forms.Form):
    """The level above: a reason box for each determination in the list (those left empty stand)."""

    def __init__(self, *args, gradings, **kwargs):
        super().__init__(*args, **kwargs)
        self.gradings = list(gradings)
        for grading in self.gradings:
            self.fields[f"reason_{grading.pk}"] = forms.CharField(
                label=_("Reason for %(name)s") % {"name": grading.organization.name}, widget=_textarea(1), required=False)

    def reasons(self) -> dict[int, str]:
        return {grading.pk: self.cleaned_data.get(f"reason_{grading.pk}", "") for grading in self.gradings}


# Status survey ----------------------------------------------------------------------------------


class SurveyForm(forms.Form):
    """现状调查: each of the six questions answered yes, partly or no, with what was found; then the report."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SURVEY_QUESTIONS:
            self.fields[f"{name}_rating"] = forms.ChoiceField(
                label=SurveyAnswer._meta.get_field(f"{name}_rating").verbose_name, choices=SurveyRating.choices,
                widget=forms.RadioSelect, required=False)
            self.fields[name] = forms.CharField(label=SurveyAnswer._meta.get_field(name).verbose_name,
                                                widget=_textarea(3), required=False)
        self.fields["report"] = forms.CharField(label=SurveyAnswer._meta.get_field("report").verbose_name,
                                                widget=_textarea(6), required=False)

    def questions(self):
        """(the answer, what was found) per question."""
        return [(self[f"{name}_rating"], self[name]) for name in SURVEY_QUESTIONS]
