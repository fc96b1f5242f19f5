from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.formatting import percent
from core.models import Job
from orgs.choices import Sector
from standards.choices import AssessorKind, DeductionKind, Grade, SchemeKey, VetoTrigger


class Standard(models.Model):
    """评价标准: one sector's 100-point standard for one year, issued by an organization for its subtree.

    seeds/000: seven indicators, 100 points; seeds/002: "各街道可结合工作实际对评分要点和评分办法进行
    调整" — a lower level derives its own (``derived_from``) and adjusts items. A standard is frozen once
    a cycle or a score sheet uses it; a change then makes a new version. ``bands``, ``star_bands`` and
    ``quotas`` hold the seeds' numbers as data (standards/defaults.py) so each standard may change them.
    """

    issuer = models.ForeignKey("orgs.Organization", verbose_name=_("issued by"), on_delete=models.PROTECT,
                               related_name="standards")
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    derived_from = models.ForeignKey("self", verbose_name=_("derived from"), on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="derived")
    previous_version = models.ForeignKey("self", verbose_name=_("previous version"), on_delete=models.PROTECT,
                                         null=True, blank=True, related_name="next_versions")
    scheme = models.CharField(_("grade scheme"), max_length=32, choices=SchemeKey.choices, default=SchemeKey.THREE_GRADES)
    bands = models.JSONField(_("grade bands"), help_text=_("Grade and minimum score, from the top grade down."))
    star_bands = models.JSONField(_("star bands"), help_text=_("Stars and minimum score."))
    quotas = models.JSONField(_("quota rules"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("standard")
        verbose_name_plural = _("standards")
        ordering = ["-year", "sector", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "sector", "year", "version"], name="standard_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    def band_labels(self) -> list[tuple[str, str]]:
        """(grade label, minimum score) from the top grade down, for display."""
        return [(Grade(band["grade"]).label, band["min_score"]) for band in self.bands]

    def quota_labels(self) -> list[tuple[str, bool, str]]:
        """(grade label, is a cap, share as a percentage), for display."""
        return [(Grade(q["grade"]).label, q["at_most"], percent(q["share"])) for q in self.quotas]


class Indicator(models.Model):
    """指标: one of the seven (党组织带头人, 工作思路, 工作制度, 活动阵地, 保障机制, 工作业绩, 群众评价)."""

    standard = models.ForeignKey(Standard, verbose_name=_("standard"), on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["standard", "position"]
        constraints = [models.UniqueConstraint(fields=["standard", "position"], name="indicator_unique_position")]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """评分要点: a scoring point with its maximum and its deduction rule ("每个项目分值扣完为止")."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.CharField(_("item code"), max_length=16, help_text=_("Stable key of the item, e.g. 1.2."))
    text = models.TextField(_("scoring point"))
    max_points = models.DecimalField(_("maximum points"), max_digits=5, decimal_places=1)
    deduction_kind = models.CharField(_("deduction rule"), max_length=32, choices=DeductionKind.choices,
                                      default=DeductionKind.PER_OCCURRENCE)
    deduction_points = models.DecimalField(_("points deducted"), max_digits=5, decimal_places=1)
    guidance = models.TextField(_("guidance"), blank=True)
    is_editable_default = models.BooleanField(
        _("editable default"), default=False,
        help_text=_("The seeds give no item list for this sector: this item is a default to adjust."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["indicator__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "position"], name="item_unique_position"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="item_max_positive"),
            models.CheckConstraint(condition=Q(deduction_points__gt=0), name="item_deduction_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"


class VetoClause(models.Model):
    """直接定为后进: a clause that gives the lowest grade whatever the score (seeds/002, per sector)."""

    standard = models.ForeignKey(Standard, verbose_name=_("standard"), on_delete=models.CASCADE, related_name="vetoes")
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.TextField(_("clause"))
    trigger = models.CharField(_("trigger"), max_length=32, choices=VetoTrigger.choices, default=VetoTrigger.MANUAL)
    threshold = models.DecimalField(_("threshold"), max_digits=4, decimal_places=3, null=True, blank=True,
                                    help_text=_("For satisfaction: the share below which the clause applies, e.g. 0.6."))

    class Meta:
        verbose_name = _("veto clause")
        verbose_name_plural = _("veto clauses")
        ordering = ["standard", "position"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "position"], name="veto_unique_position"),
            models.CheckConstraint(
                condition=~Q(trigger=VetoTrigger.SATISFACTION_BELOW) | Q(threshold__isnull=False),
                name="veto_satisfaction_has_threshold",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class ScoreSheet(models.Model):
    """A score sheet: one organization scored against one standard by itself or by its superior.

    The result (total, grade, stars, vetoed) is kept current by the services from the deductions
    and veto marks, so lists and counts read it without recomputing.
    """

    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="score_sheets")
    standard = models.ForeignKey(Standard, verbose_name=_("standard"), on_delete=models.PROTECT, related_name="sheets")
    assessor_kind = models.CharField(_("assessed by"), max_length=16, choices=AssessorKind.choices)
    total = models.DecimalField(_("total"), max_digits=4, decimal_places=1, default=100)
    grade = models.CharField(_("grade"), max_length=32, choices=Grade.choices)
    stars = models.PositiveSmallIntegerField(_("stars"), default=0)
    vetoed = models.BooleanField(_("vetoed"), default=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        constraints = [
            models.UniqueConstraint(fields=["organization", "standard", "assessor_kind"], name="sheet_unique_per_assessor"),
            models.CheckConstraint(condition=Q(total__gte=0) & Q(total__lte=100), name="sheet_total_0_100"),
            models.CheckConstraint(condition=Q(stars__lte=5), name="sheet_stars_0_5"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.standard} · {self.get_assessor_kind_display()}"


class Deduction(models.Model):
    """扣分: points taken off one item of a sheet, with the reason and optional evidence."""

    sheet = models.ForeignKey(ScoreSheet, verbose_name=_("score sheet"), on_delete=models.CASCADE, related_name="deductions")
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="deductions")
    occurrences = models.PositiveSmallIntegerField(_("occurrences"), default=1)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)
    reason = models.TextField(_("reason"))
    evidence = models.FileField(_("evidence"), upload_to="evidence/%Y/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deduction")
        verbose_name_plural = _("deductions")
        ordering = ["item__indicator__position", "item__position", "id"]
        constraints = [models.CheckConstraint(condition=Q(points__gt=0), name="deduction_points_positive")]

    def __str__(self) -> str:
        return f"{self.item.code} −{self.points}"


class VetoMark(models.Model):
    """A veto clause found to apply to a sheet: ticked with evidence, or set off by data."""

    sheet = models.ForeignKey(ScoreSheet, verbose_name=_("score sheet"), on_delete=models.CASCADE, related_name="veto_marks")
    clause = models.ForeignKey(VetoClause, verbose_name=_("veto clause"), on_delete=models.PROTECT, related_name="marks")
    evidence = models.TextField(_("evidence"))
    evidence_file = models.FileField(_("evidence file"), upload_to="evidence/%Y/", blank=True)
    automatic = models.BooleanField(_("set off by data"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("marked by"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("marked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("veto mark")
        verbose_name_plural = _("veto marks")
        constraints = [models.UniqueConstraint(fields=["sheet", "clause"], name="veto_mark_once_per_sheet")]

    def __str__(self) -> str:
        return str(self.clause)


class StandardImport(Job):
    """A standard read back from an Excel file people edited (standards.excel), run by a worker
    (standards.jobs): the file's content replaces the standard's, or a new version takes it when
    the standard is in use (``services.standard_revise``). ``result`` names the standard that
    holds the content; ``problems`` are the cells that could not be read, by row and column."""

    standard = models.ForeignKey(Standard, verbose_name=_("standard"), on_delete=models.CASCADE, related_name="imports")
    reason = models.TextField(_("reason"), blank=True)
    file = models.FileField(_("file"), upload_to="standard-imports/%Y/%m/", blank=True)

    class Meta(Job.Meta):
        verbose_name = _("standard import")
        verbose_name_plural = _("standard imports")

    def __str__(self) -> str:
        return f"{self.filename} → {self.standard_id}"


class SatisfactionRate(models.Model):
    """满意度测评: the share of members and the public satisfied with an organization, counted for the year
    of one standard — "满意度低于60%的" is 直接定为后进 (seeds/002; 50% for agencies and social organizations).

    It is kept apart from the score sheets so that a sheet started after the count meets it too: the
    satisfaction veto clauses of every sheet of the organization under the standard follow it.
    ``evidence`` says where it was counted (the ballot, its number of ballots).
    """

    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    standard = models.ForeignKey(Standard, verbose_name=_("standard"), on_delete=models.PROTECT,
                                 related_name="satisfaction_rates")
    rate = models.DecimalField(_("satisfaction rate"), max_digits=5, decimal_places=4)
    evidence = models.TextField(_("counted by"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("satisfaction rate")
        verbose_name_plural = _("satisfaction rates")
        constraints = [
            models.UniqueConstraint(fields=["organization", "standard"], name="satisfaction_once_per_standard"),
            models.CheckConstraint(condition=Q(rate__gte=0) & Q(rate__lte=1), name="satisfaction_rate_0_1"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.standard}"
