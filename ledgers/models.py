from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Job


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
