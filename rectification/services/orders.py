"""限期整改: an order from a superior's check (seeds/001 "对整改措施不到位…的要进行批评，并限期进行整改"), filed on
the organization's plan as a problem with one measure the superior has already accepted, tracked like any
measure until it is verified (销号)."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.services import audit_record
from cycles.models import Cycle
from orgs.models import Organization
from rectification import tallies
from rectification.choices import MeasureKind, MeasureReview, ProblemSource
from rectification.models import Measure, Problem
from rectification.services.common import locked_plan, measure_keys
from rectification.services.plans import _measure_audit, _measure_values, plan_get_or_create


@transaction.atomic
def order_open(*, actor, cycle: Cycle, organization: Organization, title: str, description: str, text: str,
               deadline, responsible_person: str = "") -> Measure:
    """Open a rectification order on the organization's plan (whatever the plan's state: the order does not
    wait for a review). The caller has checked that the actor gives it (a spot check's drawn inspector);
    the deadline is checked as any measure's, under the field ``deadline``."""
    plan = locked_plan(plan_get_or_create(actor=actor, cycle=cycle, organization=organization))
    cleaned = _measure_values(actor, plan, {
        "text": text, "kind": MeasureKind.PLANNED, "deadline": deadline,
        "responsible_person": responsible_person or organization.secretary or _("The organization's secretary")})
    position = (plan.problems.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    problem = Problem.objects.create(plan=plan, position=position, title=title[:200], description=description,
                                     source=ProblemSource.SUPERIOR, created_by=actor)
    measure = Measure.objects.create(plan=plan, problem=problem, position=1, review=MeasureReview.ACCEPTED, **cleaned)
    tallies.apply(cycle=plan.cycle, changes=[(plan.organization.path, set(), measure_keys(measure))])
    audit_record(actor=actor, obj=measure, organization=plan.organization, action="measure.order",
                 after={"title": problem.title, **_measure_audit(cleaned)})
    return measure
