"""现状调查: one organization's answers to the cycle's status survey."""

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from core.services import audit_record
from cycles import access
from cycles.choices import SURVEY_QUESTIONS, SurveyRating
from cycles.models import Cycle, SurveyAnswer
from cycles.services.transitions import refuse
from orgs import access as org_access
from orgs.models import Organization

SURVEY_FIELDS = (*SURVEY_QUESTIONS, *(f"{name}_rating" for name in SURVEY_QUESTIONS), "report")


@transaction.atomic
def survey_save(*, actor, cycle: Cycle, organization: Organization, **answers: str) -> SurveyAnswer:
    """现状调查: the six questions (each yes, partly or no, with what was found) and the short report, for
    one organization of the cycle (when the cycle asks for it). Saving the same answers again is a no-op."""
    if not cycle.survey_enabled:
        refuse("cycle", _("This cycle has no status survey."))
    org_access.check(actor, organization, org_access.EDIT_FACTS)
    if not access.in_cycle(cycle, organization):
        raise Http404
    unknown = set(answers) - set(SURVEY_FIELDS)
    if unknown:
        refuse(sorted(unknown)[0], _("This field cannot be changed here."))
    values = {name: (answers.get(name) or "").strip() for name in SURVEY_FIELDS}
    for name in SURVEY_QUESTIONS:
        if values[f"{name}_rating"] not in ("", *SurveyRating.values):
            refuse(f"{name}_rating", _("%(question)s: answer yes, partly or no.") % {
                "question": SurveyAnswer._meta.get_field(f"{name}_rating").verbose_name})
    answer = SurveyAnswer.objects.select_for_update().filter(cycle=cycle, organization=organization).first()
    if answer is not None and all(getattr(answer, name) == value for name, value in values.items()):
        return answer
    before = {name: getattr(answer, name) for name in SURVEY_FIELDS if name.endswith("_rating")} if answer else None
    answer, _created = SurveyAnswer.objects.update_or_create(cycle=cycle, organization=organization,
                                                             defaults={**values, "updated_by": actor})
    audit_record(actor=actor, obj=answer, organization=organization, action="survey.save", before=before,
                 after={name: values[name] for name in SURVEY_FIELDS if name.endswith("_rating")})
    return answer
