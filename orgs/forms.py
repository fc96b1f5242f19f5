from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.audit import action_labels
from core.forms import DateInput
from core.uploads import SpreadsheetField
from orgs.choices import OrganizationKind, Role, Sector, VenueStatus
from orgs.importing.reading import LIMITS as TREE_LIMITS
from orgs.models import Organization, OrganizationFacts


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    short_name = forms.CharField(label=_("Short name"), max_length=100, required=False)
    code = forms.CharField(label=_("Official code"), max_length=64)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganizationKind.choices)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    established_on = forms.DateField(label=_("Established on"), required=False, widget=DateInput())
    secretary = forms.CharField(label=_("Secretary"), max_length=64, required=False)
    first_secretary = forms.CharField(label=_("First secretary"), max_length=64, required=False)

    @classmethod
    def for_organization(cls, organization: Organization, **kwargs) -> "OrganizationForm":
        initial = {name: getattr(organization, name) for name in cls.base_fields}
        return cls(initial=initial, **kwargs)


class OrganizationCodeField(forms.Field):
    """An organization picked by its official code (a dropdown cannot hold a million organizations),
    among those the form's user may see: any other code reads as unknown, as a 404 would."""

    widget = forms.TextInput
    user = None  # set by ScopedForm

    def to_python(self, value):
        code = str(value or "").strip()
        if not code:
            return None
        visible = Organization.objects.visible_to(self.user) if self.user is not None else Organization.objects.none()
        organization = visible.filter(code=code).first()
        if organization is None:
            raise forms.ValidationError(_("No organization has the official code %(code)s.") % {"code": code})
        return organization


class ScopedForm(forms.Form):
    """A form whose organization-code fields reach only the organizations its user may see."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, OrganizationCodeField):
                field.user = user


class MoveForm(ScopedForm):
    new_parent = OrganizationCodeField(label=_("New parent organization (official code)"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DissolveForm(forms.Form):
    dissolved_on = forms.DateField(label=_("Dissolved on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class MergeForm(ScopedForm):
    target = OrganizationCodeField(label=_("Merge into (official code)"))
    merged_on = forms.DateField(label=_("Merged on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class FactsForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1921, max_value=2100)
    members_total = forms.IntegerField(label=_("Party members"), min_value=0)
    probationary_members = forms.IntegerField(label=_("Probationary members"), min_value=0, initial=0)
    female_members = forms.IntegerField(label=_("Female members"), min_value=0, initial=0)
    members_under_35 = forms.IntegerField(label=_("Members under 35"), min_value=0, initial=0)
    college_members = forms.IntegerField(label=_("Members with college education"), min_value=0, initial=0)
    leadership_size = forms.IntegerField(label=_("Leadership members"), min_value=0, initial=0)
    mobile_members = forms.IntegerField(label=_("Mobile members"), min_value=0, initial=0)
    venue_status = forms.ChoiceField(label=_("Venue"), choices=VenueStatus.choices)
    venue_expected_completion = forms.DateField(
        label=_("Venue expected completion"), required=False, widget=DateInput()
    )
    main_features = forms.CharField(label=_("Main features"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    problems = forms.CharField(label=_("Problems"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    @classmethod
    def for_facts(cls, facts: OrganizationFacts, **kwargs) -> "FactsForm":
        initial = {name: getattr(facts, name) for name in cls.base_fields}
        return cls(initial=initial, **kwargs)


class RoleAssignmentForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(_("No user is called %(name)s.") % {"name": username})
        return user


class UserForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)  # the service validates it


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor (user name)"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "—"), *sorted(((code, str(label)) for code, label in action_labels().items()),
                                                           key=lambda item: item[1])]


class TreeImportForm(forms.Form):
    """An organization list to import under the page's level."""

    file = SpreadsheetField(label=_("Organization list (.xlsx, .xls or .csv)"), what=_("Organization list"),
                            max_bytes=TREE_LIMITS.max_bytes)


class TreeConfirmForm(forms.Form):
    """确认导入: which of the organizations the file leaves out to dissolve, when, and why."""

    dissolve = forms.MultipleChoiceField(label=_("Dissolve these organizations the file leaves out"), required=False,
                                         widget=forms.CheckboxSelectMultiple)
    dissolved_on = forms.DateField(label=_("Dissolved on"), required=False, widget=DateInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)

    def __init__(self, *args, offered: list[dict] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dissolve"].choices = [(gone["code"], f"{gone['name']}（{gone['code']}）") for gone in offered]


class PeopleImportForm(forms.Form):
    """A people list to import under the page's level: 姓名, 登录名, 角色, 组织代码."""

    file = SpreadsheetField(label=_("People list (.xlsx, .xls or .csv)"), what=_("People list"),
                            max_bytes=TREE_LIMITS.max_bytes)


class SlipsForm(forms.Form):
    """Whose initial passwords to print: the people chosen (new passwords; the old slips stop working)."""

    people = forms.TypedMultipleChoiceField(label=_("People"), coerce=int, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, people: list = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = [(person.pk, person.get_username()) for person in people]
        self.fields["people"].error_messages["required"] = _("People: please choose whose slips to print.")
