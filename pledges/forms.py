from django import forms
from django.utils.translation import gettext_lazy as _

from ballots.forms import DateTimeInput
from ballots.services import MAX_VOTERS
from core.forms import DateInput
from core.versions import VersionField, version_of
from pledges.choices import MEMBER_CATEGORIES, ORGANIZATION_CATEGORIES, Category, PledgeKind, PledgeResult
from pledges.models import Pledge, PledgeItem, Progress


class PledgeCreateForm(forms.Form):
    """Whose pledge: the organization's own, or one of its members' (the roster's)."""

    member = forms.TypedChoiceField(label=_("Whose pledge"), coerce=int, empty_value=0, required=False)

    def __init__(self, *args, members, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {member.pk: member for member in members}
        self.fields["member"].choices = [(0, organization.name)] + [(pk, m.name) for pk, m in self.members.items()]


class ItemForm(forms.ModelForm):
    class Meta:
        model = PledgeItem
        fields = ["category", "content", "measurable", "baseline", "target", "deadline"]
        widgets = {"deadline": DateInput(), "content": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"baseline": _("Where it starts from, e.g. last year's figure."),
                      "target": _("What it will be, where a figure fits.")}

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = MEMBER_CATEGORIES if kind == PledgeKind.MEMBER else ORGANIZATION_CATEGORIES
        self.fields["category"].choices = [(c.value, Category(c).label) for c in allowed]

    def _post_clean(self):
        """The service checks the item; the form only parses."""


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason for return"), widget=forms.Textarea(attrs={"rows": 2}))


class ProgressForm(forms.ModelForm):
    class Meta:
        model = Progress
        fields = ["happened_on", "text", "evidence"]
        widgets = {"happened_on": DateInput(), "text": forms.Textarea(attrs={"rows": 2})}

    def _post_clean(self):
        """The service checks the step."""


class EvaluateForm(forms.ModelForm):
    """The pledge's evaluation as read at ``version`` (core.versions)."""

    version = VersionField()

    class Meta:
        model = Pledge
        fields = ["self_evaluation", "members_evaluation", "leader_comment", "result", "explanation"]
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in
                   ("self_evaluation", "members_evaluation", "leader_comment", "explanation")}

    def __init__(self, *args, public_result: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = [("", "—"), *PledgeResult.choices]
        self.fields["result"].required = True
        self.initial["version"] = version_of(self.instance)
        if public_result and not self.instance.result:  # the public's result is where the evaluation starts
            self.initial["result"] = public_result

    def _post_clean(self):
        """The service checks the evaluation."""


class RatingForm(forms.Form):
    """Schedule the public's anonymous rating of a pledge (评诺): when it is open, for how many, its quorum."""

    opens_at = forms.DateTimeField(label=_("opens at"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"])
    closes_at = forms.DateTimeField(label=_("closes at"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"])
    voters = forms.IntegerField(label=_("voters"), min_value=1, max_value=MAX_VOTERS,
                                help_text=_("How many people are asked: no more codes are issued before it opens."))
    quorum = forms.IntegerField(label=_("quorum"), min_value=1, max_value=MAX_VOTERS, initial=1)
