"""Forms of the ballot pages: they parse what people type and hand it to ballots.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ballots.choices import CALLER_ANSWERS, SessionPurpose, answer_label
from ballots.services import MAX_CODES, MAX_VOTERS


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class SessionForm(forms.Form):
    """Schedule a ballot: what it is for, when it is open, the quorum; a step's ballot names the grading."""

    # A pledge's rating is scheduled from the pledge's page, which gives its answers.
    purpose = forms.ChoiceField(label=_("purpose"), choices=[
        choice for choice in SessionPurpose.choices if choice[0] not in CALLER_ANSWERS])
    grading = forms.ChoiceField(label=_("grading"), required=False)
    title = forms.CharField(label=_("title"), max_length=200, required=False,
                            help_text=_("Printed on the code slips; left empty, the organization and purpose."))
    opens_at = forms.DateTimeField(label=_("opens at"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"])
    closes_at = forms.DateTimeField(label=_("closes at"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"])
    voters = forms.IntegerField(label=_("voters"), min_value=1, max_value=MAX_VOTERS, required=False,
                                help_text=_("How many people it is for: no more codes are issued before it opens. "
                                            "A member review is for the party members of the basic facts."))
    quorum = forms.IntegerField(label=_("quorum"), min_value=1, max_value=MAX_VOTERS, initial=1,
                                help_text=_("Below this number of ballots (at least 1) the results are not passed on."))

    def __init__(self, *args, gradings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.gradings = {str(grading.pk): grading for grading in gradings}
        self.fields["grading"].choices = [("", "—")] + [(str(g.pk), g.cycle.name) for g in gradings]

    def clean_grading(self):
        return self.gradings.get(self.cleaned_data.get("grading") or "")


class CodesForm(forms.Form):
    count = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=MAX_CODES)


class PaperTallyForm(forms.Form):
    """The counts of the paper ballots, one field per answer, and how many paper ballots were handed out."""

    def __init__(self, *args, answers=(), session=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.answers = list(answers)
        for answer in self.answers:
            self.fields[answer] = forms.IntegerField(label=answer_label(answer, session), min_value=0, max_value=MAX_VOTERS,
                                                       initial=0)
        self.fields["issued"] = forms.IntegerField(label=_("paper ballots handed out"), min_value=0,
                                                   max_value=MAX_VOTERS, required=False)

    def counts(self) -> dict[str, int]:
        return {answer: self.cleaned_data[answer] for answer in self.answers}
