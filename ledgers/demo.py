"""The demo ledger: the rectification columns of the Lanshan sample (seeds/004 附件三) in the demo's
2012 Lanshan cycle, so the demo county's ledger prints as the sample does."""

from django.db import transaction

from cycles.models import Cycle
from ledgers import services
from ledgers.models import LedgerEntry
from orgs.demo import LANSHAN_COUNTY, LANSHAN_LEDGER, LANSHAN_YEAR
from orgs.models import Organization


@transaction.atomic
def demo_ledger_load(*, admin) -> int:
    """Write the sample's entries that are missing; returns how many were written."""
    cycle = Cycle.objects.filter(owner__code=LANSHAN_COUNTY, year=LANSHAN_YEAR).first()
    if cycle is None:
        return 0
    written = 0
    for sample in LANSHAN_LEDGER:
        organization = Organization.objects.get(code=sample.code)
        if LedgerEntry.objects.filter(cycle=cycle, organization=organization).exists():
            continue
        services.ledger_entry_save(
            actor=admin, cycle=cycle, organization=organization, target_grade=sample.target_grade,
            measures=sample.measures, deadline=sample.deadline, deadline_text=sample.deadline_text,
            assisting_unit=sample.assisting_unit, liaison_leader=sample.liaison_leader,
            responsible_person=sample.responsible_person)
        written += 1
    return written
