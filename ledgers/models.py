from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Job
from standards.choices import Grade

# What people write of an entry: the ledger's 整改情况 columns.
ENTRY_FIELDS = ("target_grade", "measures", "deadline", "deadline_text", "assisting_unit", "liaison_leader",
                "responsible_person")


class LedgerEntry(models.Model):
    """整改情况: an organization's upgrade target and rectification for one cycle, the Hunan ledger's
    last columns (seeds/004 一⑶: 晋位升级目标、整改措施、整改时限、帮扶单位、联系领导、整改责任人).

    The ledger row around it is read from elsewhere: basic facts from ``OrganizationFacts`` of the
    cycle's year, the declared and the superior's grade from the cycle's ``Grading``.
    ``deadline_text`` keeps the deadline as written ("2012年底"); ``deadline`` is the date it means.
    """

    # No index of their own: the unique constraint (cycle, organization) serves lookups by cycle, and
    # no page looks entries up by who wrote them; every index is one more write per imported row.
    cycle = models.ForeignKey("cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE,
                              related_name="ledger_entries", db_index=False)
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="ledger_entries")
    target_grade = models.CharField(_("upgrade target"), max_length=32, choices=Grade.choices, blank=True)
    measures = models.TextField(_("measures"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    deadline_text = models.CharField(_("deadline as written"), max_length=64, blank=True)
    assisting_unit = models.CharField(_("assisting unit"), max_length=200, blank=True)
    liaison_leader = models.CharField(_("liaison leader"), max_length=64, blank=True)
    responsible_person = models.CharField(_("responsible person"), max_length=64, blank=True)
    # No constraint in the database either, only Django's PROTECT: with the cycle's, a second foreign
    # key to one hot row made PostgreSQL's checks of a 100,000-row import cost 2 s more, not 0.3 s
    # (docs/benchmarks.md, Ledgers finding 6). PROTECT still keeps an author from being deleted.
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.PROTECT,
                                   related_name="+", db_index=False, db_constraint=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [models.UniqueConstraint(fields=["cycle", "organization"], name="ledger_entry_one_per_cycle")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.cycle}"


class LedgerJob(Job):
    """A ledger import, or an export of an official form (.xlsx, PDF), run by a worker (ledgers.jobs).

    An import keeps the uploaded file here (under MEDIA_ROOT): its check ("preview") and its import
    ("commit") both read it; ``problems`` are the rows' problems as the check found them (row,
    column, header, message, blocking), ``result`` its counts and the changes it lists. An export
    keeps the file it wrote. ``organization`` is the level whose subtree the file covers.
    """

    class Kind(models.TextChoices):
        IMPORT = "import", _("Import")
        EXPORT = "export", _("Export")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="ledger-jobs/%Y/%m/", blank=True)
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("level"), on_delete=models.PROTECT,
                                     related_name="ledger_jobs")
    cycle = models.ForeignKey("cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE, null=True,
                              blank=True, related_name="ledger_jobs")

    class Meta(Job.Meta):
        verbose_name = _("ledger job")
        verbose_name_plural = _("ledger jobs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename} · {self.organization_id}"
