"""现状调查: the status survey's answers of a level's subtree, filtered and counted."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from cycles.choices import (
    SURVEY_QUESTIONS,
    SurveyRating,
)
from cycles.models import Cycle, SurveyAnswer
from orgs import access as org_access
from orgs import paths
from orgs.choices import Sector
from orgs.models import Organization

NOT_ANSWERED = "none"  # a question left blank, or no survey at all
SURVEY_ANSWERS = (*SurveyRating.values, NOT_ANSWERED)


@dataclass
class SurveyFilter:
    """One filter for the survey's list of organizations, its page and its .xlsx: a sector, and one
    question's answer (NOT_ANSWERED for none given)."""

    sector: str = ""
    question: str = ""
    rating: str | None = None

    @classmethod
    def parse(cls, params) -> "SurveyFilter":
        """From a query string; a value that is no sector, question or answer is refused, never dropped."""
        sector, question = params.get("sector", ""), params.get("question", "")
        rating = params.get("rating") or None
        errors = {}
        if sector and sector not in Sector.values:
            errors["sector"] = _("Sector: %(value)s is not a sector.") % {"value": sector}
        if question and question not in SURVEY_QUESTIONS:
            errors["question"] = _("Question: %(value)s is not a question of the survey.") % {"value": question}
        if rating is not None and (rating not in SURVEY_ANSWERS or not question):  # an answer belongs to a question
            errors["rating"] = _("Answer: choose yes, partly, no or not answered, for one question.")
        if errors:
            raise ValidationError(errors)
        return cls(sector, question, rating)

    def as_query(self) -> str:
        parts = {"sector": self.sector, "question": self.question}
        query = "&".join(f"{key}={value}" for key, value in parts.items() if value)
        if self.rating is not None:
            query += f"&rating={self.rating}"
        return query.lstrip("&")


def _survey_subtree(level) -> Q:
    return Q(path__gt=level.path, path__lt=paths.successor(level.path), dissolved_on__isnull=True)


def survey_organizations(*, user, cycle: Cycle, level, survey_filter: SurveyFilter | None = None):
    """The active organizations below the level with their survey answer (None when not answered),
    ordered by the tree, filtered as the page and the .xlsx are."""
    org_access.check(user, level, org_access.VIEW)
    survey_filter = survey_filter or SurveyFilter()
    organizations = Organization.objects.filter(_survey_subtree(level)).order_by("path")
    if survey_filter.sector:
        organizations = organizations.filter(sector=survey_filter.sector)
    answers = SurveyAnswer.objects.filter(cycle=cycle, organization=OuterRef("pk"))
    if survey_filter.question and survey_filter.rating is not None:
        field = f"{survey_filter.question}_rating"
        chosen = answers.filter(**{field: survey_filter.rating})
        if survey_filter.rating == NOT_ANSWERED:
            organizations = organizations.filter(Exists(answers.filter(**{field: ""})) | ~Exists(answers))
        else:
            organizations = organizations.filter(Exists(chosen))
    return organizations


def survey_answers_of(*, cycle: Cycle, organizations) -> dict[int, SurveyAnswer]:
    """organization id → its answer, for a page of organizations."""
    return {a.organization_id: a for a in SurveyAnswer.objects.filter(cycle=cycle, organization__in=list(organizations))}


@dataclass
class SurveyCount:
    """One question's answers per sector: counts of yes, partly, no and not answered, and the total."""

    question: str
    label: str
    rows: list[tuple[str, str, list[tuple[str, int]], int]]  # (sector, its label, (answer, count) in SURVEY_ANSWERS order, total)
    totals: list[int]
    total: int


def survey_counts(*, user, cycle: Cycle, level) -> list[SurveyCount]:
    """The survey's answers below the level counted per question and sector, in two grouped queries;
    an organization with no answer counts as not answered."""
    org_access.check(user, level, org_access.VIEW)
    sizes = dict(Organization.objects.filter(_survey_subtree(level)).values("sector").annotate(n=Count("pk"))
                 .values_list("sector", "n"))
    aggregates = {f"{q}__{r}": Count("pk", filter=Q(**{f"{q}_rating": r})) for q in SURVEY_QUESTIONS
                  for r in SurveyRating.values}
    answered = {row["organization__sector"]: row for row in SurveyAnswer.objects.filter(
        cycle=cycle, organization__path__gt=level.path, organization__path__lt=paths.successor(level.path),
        organization__dissolved_on__isnull=True).values("organization__sector").annotate(**aggregates)}
    sectors = sorted(sizes, key=lambda s: Sector.values.index(s) if s in Sector.values else len(Sector.values))
    result = []
    for question in SURVEY_QUESTIONS:
        rows = []
        for sector in sectors:
            given = [answered.get(sector, {}).get(f"{question}__{r}", 0) for r in SurveyRating.values]
            counts = [*given, sizes[sector] - sum(given)]
            rows.append((sector, str(Sector(sector).label) if sector in Sector.values else sector,
                         list(zip(SURVEY_ANSWERS, counts, strict=True)), sizes[sector]))
        totals = [sum(row[2][i][1] for row in rows) for i in range(len(SURVEY_ANSWERS))]
        result.append(SurveyCount(question, str(SurveyAnswer._meta.get_field(f"{question}_rating").verbose_name), rows,
                                  totals, sum(sizes.values())))
    return result
