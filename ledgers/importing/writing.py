"""The import's commit: the preview's checks run again in one transaction, and every row is written, or none.

The rows' changes are written through the ORM in batches while the rows after them are still
checked, so that the rows of a large file never sit in memory at once: the facts as upserts
(``bulk_create(update_conflicts=True)``, one statement per batch for new and changed rows alike), the
organizations' own fields through ``orgs.services.organizations_update_many``, which applies the
organization's rules and audits each. A row's plan is changed as the row is checked, through
rectification's services (ledgers.importing.plans). When a later row has a blocking problem
the transaction is rolled back, batches written before it included.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.services import audit_record
from cycles.models import Cycle
from ledgers.importing.planning import FACT_FIELDS, Progress, RowPlan, ledger_import_preview
from orgs import access
from orgs import services as org_services
from orgs.models import Organization, OrganizationFacts

BATCH_SIZE = 2000  # rows gathered before they are written
STATEMENT_ROWS = 1000  # rows per INSERT: PostgreSQL takes at most 65,535 parameters a statement


class ImportRefused(ValidationError):
    """The file has blocking problems: nothing was written. ``problems`` lists them as dicts."""

    def __init__(self, problems: list[dict]):
        super().__init__({"file": _("The file has %(count)d problems; nothing was imported.") % {
            "count": sum(1 for problem in problems if problem["blocking"])}})
        self.problems = problems


class Writer:
    """The commit's writes, gathered per kind and written every ``BATCH_SIZE`` rows (``add``), the
    rest at ``finish``."""

    def __init__(self, *, actor, cycle: Cycle, filename: str):
        self.actor, self.cycle, self.filename = actor, cycle, filename
        self.facts: list[OrganizationFacts] = []
        self.organizations: dict[int, dict[str, str]] = {}

    def add(self, plan: RowPlan) -> None:
        organization_id = plan.graded.organization_id
        if plan.organization:
            self.organizations[organization_id] = plan.organization
        if plan.facts is not None:
            self.facts.append(OrganizationFacts(organization_id=organization_id, year=self.cycle.year, **plan.facts))
        if max(len(self.facts), len(self.organizations)) >= BATCH_SIZE:
            self.write()

    def write(self) -> None:
        if self.organizations:
            org_services.organizations_update_many(actor=self.actor, changes=self.organizations,
                                                   reason=_("Ledger import: %(file)s") % {"file": self.filename})
        if self.facts:
            OrganizationFacts.objects.bulk_create(
                self.facts, batch_size=STATEMENT_ROWS, update_conflicts=True, unique_fields=["organization", "year"],
                update_fields=[*FACT_FIELDS, "updated_at"])
        self.facts, self.organizations = [], {}


@transaction.atomic
def ledger_import_commit(*, actor, cycle: Cycle, level: Organization, filename: str, content: bytes,
                         progress: Progress | None = None) -> dict:
    """Import the file: every row in one transaction, or nothing. Returns the counts; raises ImportRefused.

    The preview runs again inside the transaction, on the data as it is now, and hands each row's
    changes to the writer as it goes. The level is locked (orgs.services.organization_lock) before
    what is stored is loaded and until the import ends: two imports into one subtree, and an import
    and the edits of facts under its level, run one after the other.
    """
    access.check(actor, level, access.VIEW)
    writer = Writer(actor=actor, cycle=cycle, filename=filename)
    preview = ledger_import_preview(actor=actor, cycle=cycle, level=level, filename=filename, content=content,
                                    progress=progress, write=writer.add,
                                    before_stored=lambda: org_services.organization_lock(level))
    if not preview.ok:
        raise ImportRefused(preview.problem_dicts())
    writer.write()
    counts = dict(preview.counts)
    audit_record(actor=actor, obj=cycle, organization=level, action="ledger.import",
                 after={"file": filename, "level": level.pk, **counts})
    return counts
