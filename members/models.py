from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Job
from members.choices import Education, Gender, MemberStatus


class Member(models.Model):
    """党员: one party member on a branch's roster (花名册).

    The roster is what the branch's basic facts count (Hunan 基本情况, seeds/004: 党员总数, 预备党员,
    女党员, 35岁以下, 大专以上学历). Personal data: no ID-card number is ever kept; the private phone
    is optional. A member who leaves stays on the roster with a status (transferred out, deceased).
    """

    organization = models.ForeignKey("orgs.Organization", verbose_name=_("branch"), on_delete=models.PROTECT,
                                     related_name="members")
    name = models.CharField(_("name"), max_length=60)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    education = models.CharField(_("education"), max_length=16, choices=Education.choices)
    joined_on = models.DateField(_("date joined the party"))
    probationary = models.BooleanField(_("probationary member"), default=False)
    mobile = models.BooleanField(_("mobile member"), default=False)
    mobile_where = models.CharField(_("where the mobile member is"), max_length=120, blank=True)
    phone = models.CharField(_("private phone"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["organization_id", "name", "pk"]
        indexes = [models.Index(fields=["organization", "status", "name"], name="member_roster")]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name", "birth_date"],
                                    condition=Q(status=MemberStatus.ACTIVE), name="member_once_per_branch"),
            models.CheckConstraint(condition=Q(joined_on__gt=models.F("birth_date")), name="member_joined_after_birth"),
        ]

    def __str__(self) -> str:
        return self.name


class Transfer(models.Model):
    """组织关系转接: a member's move from one branch to another, kept as history."""

    member = models.ForeignKey(Member, verbose_name=_("party member"), on_delete=models.CASCADE,
                               related_name="transfers")
    from_organization = models.ForeignKey("orgs.Organization", verbose_name=_("from"), on_delete=models.PROTECT,
                                          related_name="+")
    to_organization = models.ForeignKey("orgs.Organization", verbose_name=_("to"), on_delete=models.PROTECT,
                                        related_name="+")
    transferred_on = models.DateField(_("transferred on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-transferred_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.member} · {self.transferred_on}"


class RosterImport(Job):
    """A roster's import from a spreadsheet, run by a worker (members.jobs): its check ("preview") lists every
    problem by row and column; its commit ("commit") writes every row or nothing."""

    organization = models.ForeignKey("orgs.Organization", verbose_name=_("branch"), on_delete=models.CASCADE,
                                     related_name="roster_imports")
    file = models.FileField(_("file"), upload_to="roster-imports/%Y/%m/", blank=True)

    class Meta(Job.Meta):
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")

    def __str__(self) -> str:
        return f"{self.filename} · {self.organization_id}"


class RosterExport(Job):
    """A roster's export as .xlsx, written by a worker (members.jobs) and audited there with the rows it holds;
    personal data, so its file is for the one who asked for it only."""

    organization = models.ForeignKey("orgs.Organization", verbose_name=_("branch"), on_delete=models.CASCADE,
                                     related_name="+")
    file = models.FileField(_("file"), upload_to="roster-exports/%Y/%m/", blank=True)

    class Meta(Job.Meta):
        verbose_name = _("roster export")
        verbose_name_plural = _("roster exports")

    def __str__(self) -> str:
        return f"{self.filename} · {self.organization_id}"
