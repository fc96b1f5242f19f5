from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from standards.choices import Grade


class LedgerEntry(models.Model):
    """整改情况: an organization's upgrade target and rectification for one cycle, the Hunan ledger's
    last columns (seeds/004 一⑶: 晋位升级目标、整改措施、整改时限、帮扶单位、联系领导、整改责任人).

    The ledger row around it is read from elsewhere: basic facts from ``OrganizationFacts`` of the
    cycle's year, the declared and the superior's grade from the cycle's ``Grading``.
    ``deadline_text`` keeps the deadline as written ("2012年底"); ``deadline`` is the date it means.
    """

    cycle = models.ForeignKey("cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE,
                              related_name="ledger_entries")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="ledger_entries")
    target_grade = models.CharField(_("upgrade target"), max_length=32, choices=Grade.choices, blank=True)
    measures = models.TextField(_("measures"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    deadline_text = models.CharField(_("deadline as written"), max_length=64, blank=True)
    assisting_unit = models.CharField(_("assisting unit"), max_length=200, blank=True)
    liaison_leader = models.CharField(_("liaison leader"), max_length=64, blank=True)
    responsible_person = models.CharField(_("responsible person"), max_length=64, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [models.UniqueConstraint(fields=["cycle", "organization"], name="ledger_entry_one_per_cycle")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.cycle}"
