"""The ledger (台账): one row per graded organization of a cycle in a subtree, read in one query, with its
rectification columns read off the organizations' plans (rectification.selectors.ledger_columns), a chunk at a time."""

import datetime
import functools
import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Exists, FilteredRelation, OuterRef, Q
from django.utils import translation

from cycles.models import Cycle, Grading
from orgs.choices import VenueStatus
from orgs.models import Organization
from rectification import selectors as rectification_selectors
from rectification.models import Plan
from standards.choices import Grade


@dataclass(frozen=True)
class LedgerFilters:
    """What the ledger page, its exports and the API narrow a ledger by; empty means all."""

    sector: str = ""
    declared_grade: str = ""
    superior_grade: str = ""
    target_grade: str = ""
    query: str = ""


@dataclass
class LedgerRow:
    """One ledger row in plain values: grades as code names, facts as numbers, ``None`` when unknown."""

    organization_id: int
    code: str
    name: str
    parent_name: str
    sector: str
    depth: int
    children_count: int
    secretary: str
    first_secretary: str
    members_total: int | None
    probationary_members: int | None
    female_members: int | None
    members_under_35: int | None
    college_members: int | None
    leadership_size: int | None
    mobile_members: int | None
    venue_status: str | None
    venue_expected_completion: datetime.date | None
    main_features: str
    problems: str
    state: str
    declared_grade: str
    superior_grade: str
    final_stars: int | None
    target_grade: str = ""  # 整改情况, from the organization's plan
    measures: str = ""
    deadline: datetime.date | None = None
    assisting_unit: str = ""
    liaison_leader: str = ""
    responsible_person: str = ""
    plan_id: int | None = None

    @property
    def is_group(self) -> bool:
        """A level with subordinates (a township's committee): the official tables print it as a
        group row, its name alone above its branches (土市乡 in the Lanshan sample)."""
        return self.children_count > 0

    @property
    def declared_label(self) -> str:
        return grade_label(self.declared_grade)

    @property
    def superior_label(self) -> str:
        return grade_label(self.superior_grade)

    @property
    def target_label(self) -> str:
        return grade_label(self.target_grade)

    @property
    def basic_facts(self) -> str:
        return basic_facts_text(self)

    @property
    def venue(self) -> str:
        return venue_text(self.venue_status, self.venue_expected_completion)

    @property
    def deadline_display(self) -> str:
        return deadline_text(self.deadline)


# The sentence of the sample ledger (seeds/004 附件三), a part left out when its number is 0.
FACTS_PARTS = (
    ("probationary_members", "预备党员{}人"),
    ("female_members", "女党员{}人"),
    ("members_under_35", "35岁以下党员{}人"),
    ("college_members", "大专及以上党员{}人"),
    ("leadership_size", "班子成员{}人"),
)


def grade_label(grade: str) -> str:
    """A grade as people write it (好, 较好, 先进…), in the page's language."""
    return _grade_labels(translation.get_language()).get(grade, grade)


@functools.lru_cache(maxsize=16)  # a ledger shows three grades a row, an import may warn about one a row
def _grade_labels(language: str | None) -> dict[str, str]:
    with translation.override(language):
        return {grade.value: str(grade.label) for grade in Grade}


def basic_facts_text(row) -> str:
    """基本情况 as the sample writes it: "支部共有党员75人，其中预备党员7人，…，班子成员5人。"."""
    if row.members_total is None:
        return ""
    parts = [template.format(getattr(row, field)) for field, template in FACTS_PARTS if getattr(row, field)]
    return f"支部共有党员{row.members_total}人" + ("，其中" + "，".join(parts) if parts else "") + "。"


def deadline_text(deadline: datetime.date | None) -> str:
    """整改时限 as the sample writes it: the year's last day as "2012年底", any other as "2012年8月31日"."""
    if deadline is None:
        return ""
    if (deadline.month, deadline.day) == (12, 31):
        return f"{deadline.year}年底"
    return f"{deadline.year}年{deadline.month}月{deadline.day}日"


def venue_text(status: str | None, completion: datetime.date | None) -> str:
    """活动场所情况 as the sample writes it: 已建, 2012年8月完工, 没有."""
    if status == VenueStatus.BUILT:
        return "已建"
    if status == VenueStatus.UNDER_CONSTRUCTION and completion:
        return f"{completion.year}年{completion.month}月完工"
    if status == VenueStatus.NONE:
        return "没有"
    return ""


_FIELDS = {
    "organization_id": "organization_id",
    "code": "organization__code",
    "name": "organization__name",
    "parent_name": "organization__parent__name",
    "sector": "organization__sector",
    "depth": "organization__depth",
    "children_count": "organization__children_count",
    "secretary": "organization__secretary",
    "first_secretary": "organization__first_secretary",
    "members_total": "year_facts__members_total",
    "probationary_members": "year_facts__probationary_members",
    "female_members": "year_facts__female_members",
    "members_under_35": "year_facts__members_under_35",
    "college_members": "year_facts__college_members",
    "leadership_size": "year_facts__leadership_size",
    "mobile_members": "year_facts__mobile_members",
    "venue_status": "year_facts__venue_status",
    "venue_expected_completion": "year_facts__venue_expected_completion",
    "main_features": "year_facts__main_features",
    "problems": "year_facts__problems",
    "state": "state",
    "declared_grade": "declared_grade",
    "superior_grade": "final_grade",
    "final_stars": "final_stars",
}
_TEXT_FIELDS = {"main_features", "problems", "parent_name"}


def ledger_queryset(*, cycle: Cycle, organization: Organization, filters: LedgerFilters = LedgerFilters()):
    """The cycle's gradings under ``organization`` (itself included) with the year's facts joined in, in tree
    order. The caller checks access to ``organization``."""
    gradings = Grading.objects.filter(
        cycle=cycle, organization__path__startswith=organization.path,
    ).annotate(
        year_facts=FilteredRelation("organization__facts", condition=Q(organization__facts__year=cycle.year)),
    )
    if filters.sector:
        gradings = gradings.filter(organization__sector=filters.sector)
    if filters.declared_grade:
        gradings = gradings.filter(declared_grade=filters.declared_grade)
    if filters.superior_grade:
        gradings = gradings.filter(final_grade=filters.superior_grade)
    if filters.target_grade:
        gradings = gradings.filter(Exists(Plan.objects.filter(cycle=cycle, organization=OuterRef("organization"),
                                                              target_grade=filters.target_grade)))
    if filters.query:
        gradings = gradings.filter(Q(organization__name__contains=filters.query) | Q(organization__code=filters.query))
    return gradings.order_by("organization__path")


def _as_rows(cycle: Cycle, values, chunk_size: int) -> Iterator[LedgerRow]:
    """The rows with their plans' columns, read for ``chunk_size`` rows at a time."""
    names = list(_FIELDS)
    values = iter(values)
    while chunk := list(itertools.islice(values, chunk_size)):
        rows = [dict(zip(names, value_tuple, strict=True)) for value_tuple in chunk]
        plans = rectification_selectors.ledger_columns(cycle=cycle, organization_ids=[row["organization_id"] for row in rows])
        for row in rows:
            for name in _TEXT_FIELDS:
                if row[name] is None:
                    row[name] = ""
            plan = plans.get(row["organization_id"])
            if plan is not None:
                row.update(target_grade=plan.target_grade, measures=plan.measures, deadline=plan.deadline,
                           assisting_unit=plan.assisting_unit, liaison_leader=plan.liaison_leader,
                           responsible_person=plan.responsible_person, plan_id=plan.plan_id)
            yield LedgerRow(**row)


def ledger_rows(*, cycle: Cycle, organization: Organization, filters: LedgerFilters = LedgerFilters(),
                chunk_size: int = 2000) -> Iterator[LedgerRow]:
    """The ledger's rows, streamed (a 100,000-row ledger never sits in memory as model objects)."""
    values = ledger_queryset(cycle=cycle, organization=organization, filters=filters).values_list(*_FIELDS.values())
    return _as_rows(cycle, values.iterator(chunk_size=chunk_size), chunk_size)


def ledger_page(*, cycle: Cycle, organization: Organization, filters: LedgerFilters = LedgerFilters(),
                offset: int = 0, limit: int = 100) -> tuple[list[LedgerRow], int]:
    """One page of the ledger and the number of rows the filters leave."""
    queryset = ledger_queryset(cycle=cycle, organization=organization, filters=filters)
    values = queryset.values_list(*_FIELDS.values())[offset:offset + limit]
    return list(_as_rows(cycle, values, limit)), queryset.count()
