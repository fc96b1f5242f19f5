from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Job
from spotchecks.choices import FindingResult, SpotCheckState, Stratification


class SpotCheck(models.Model):
    """抽查调阅: a level's check of its subordinates' ledgers and measures (seeds/004 "上级党组织要对下级党组织建立
    台帐和落实整改措施情况进行抽查调阅"; seeds/001 "集中督查与随机抽查相结合").

    Its population — the organizations under ``level`` that pass the filters — is frozen with the SHA-256 of
    their sorted codes; a public ``entropy`` typed after the freeze then ranks each of them (spotchecks.rules),
    and the lowest of each stratum are drawn ("双随机": the inspectors too). ``sample_count`` per stratum, or
    else ``sample_share`` of each stratum; ``veto_weight`` and ``overdue_weight`` raise the chance of an
    organization with a veto or an overdue measure. ``state`` changes only in spotchecks.services.
    """

    cycle = models.ForeignKey("cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="+")
    level = models.ForeignKey("orgs.Organization", verbose_name=_("checking level"), on_delete=models.PROTECT,
                              related_name="+")
    title = models.CharField(_("title"), max_length=200)
    state = models.CharField(_("state"), max_length=16, choices=SpotCheckState.choices, default=SpotCheckState.DRAFT)
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    grades = models.JSONField(_("grades"), default=list, blank=True)
    depth = models.PositiveSmallIntegerField(_("levels below"), null=True, blank=True)
    only_vetoed = models.BooleanField(_("only organizations with a veto"), default=False)
    only_overdue = models.BooleanField(_("only organizations with overdue measures"), default=False)
    stratify_by = models.CharField(_("strata"), max_length=16, choices=Stratification.choices, blank=True,
                                   default=Stratification.NONE)
    sample_count = models.PositiveIntegerField(_("organizations per stratum"), null=True, blank=True)
    sample_share = models.DecimalField(_("share of each stratum"), max_digits=5, decimal_places=4,
                                       default=Decimal("0.05"))
    veto_weight = models.DecimalField(_("weight of a veto"), max_digits=5, decimal_places=2, default=Decimal("2"))
    overdue_weight = models.DecimalField(_("weight of overdue measures"), max_digits=5, decimal_places=2,
                                         default=Decimal("2"))
    inspectors_per_organization = models.PositiveSmallIntegerField(_("inspectors per organization"), default=2)
    pool = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("inspector pool"), blank=True,
                                  related_name="+")
    population_hash = models.CharField(_("population hash (SHA-256)"), max_length=64, blank=True)
    population_size = models.PositiveIntegerField(_("population size"), default=0)
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("frozen by"), on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    entropy = models.CharField(_("public random value"), max_length=200, blank=True)
    entropy_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    entropy_at = models.DateTimeField(_("entered at"), null=True, blank=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drawn by"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+")
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="spotcheck_has_title"),
            models.CheckConstraint(condition=Q(state=SpotCheckState.DRAFT) | ~Q(population_hash=""),
                                   name="spotcheck_frozen_has_hash"),
            models.CheckConstraint(condition=Q(entropy="") | Q(frozen_at__isnull=False),
                                   name="spotcheck_entropy_after_freeze"),
            models.CheckConstraint(condition=Q(sample_share__gt=0) & Q(sample_share__lte=1),
                                   name="spotcheck_share_within_one"),
        ]

    def __str__(self) -> str:
        return self.title


class PopulationEntry(models.Model):
    """One organization of a frozen population, with the stratum and the weight it had at the freeze."""

    spot_check = models.ForeignKey(SpotCheck, verbose_name=_("spot check"), on_delete=models.CASCADE,
                              related_name="population")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    code = models.CharField(_("official code"), max_length=64)
    stratum = models.CharField(_("stratum"), max_length=32, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=7, decimal_places=2, default=Decimal("1"))

    class Meta:
        verbose_name = _("population entry")
        verbose_name_plural = _("population entries")
        constraints = [models.UniqueConstraint(fields=["spot_check", "organization"], name="population_once_per_org")]

    def __str__(self) -> str:
        return self.code


class SampledOrganization(models.Model):
    """An organization drawn for the check: its stratum, its place in the stratum's ranking and its key."""

    spot_check = models.ForeignKey(SpotCheck, verbose_name=_("spot check"), on_delete=models.CASCADE,
                              related_name="sample")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    stratum = models.CharField(_("stratum"), max_length=32, blank=True)
    rank = models.PositiveIntegerField(_("rank in stratum"))
    digest = models.CharField(_("SHA-256 of the draw"), max_length=64)

    class Meta:
        verbose_name = _("sampled organization")
        verbose_name_plural = _("sampled organizations")
        ordering = ["spot_check", "stratum", "rank"]
        constraints = [models.UniqueConstraint(fields=["spot_check", "organization"], name="sample_once_per_org")]

    def __str__(self) -> str:
        return str(self.organization)


class InspectorAssignment(models.Model):
    """An inspector drawn for one sampled organization (never one with a role on it or between it and the
    checking level). The read access it grants lasts while the check is not closed."""

    sampled = models.ForeignKey(SampledOrganization, verbose_name=_("sampled organization"),
                                on_delete=models.CASCADE, related_name="inspectors")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("inspector"), on_delete=models.PROTECT,
                                  related_name="+")
    rank = models.PositiveSmallIntegerField(_("rank"))
    digest = models.CharField(_("SHA-256 of the draw"), max_length=64)

    class Meta:
        verbose_name = _("inspector assignment")
        verbose_name_plural = _("inspector assignments")
        ordering = ["sampled", "rank"]
        constraints = [models.UniqueConstraint(fields=["sampled", "inspector"], name="inspector_once_per_org")]

    def __str__(self) -> str:
        return f"{self.sampled} · {self.inspector}"


class ChecklistItem(models.Model):
    """One point every spot check looks at (seeds/004: 建立台帐和落实整改措施情况): 台账齐全, 内容准确,
    整改措施落实, 佐证材料齐全 …; kept as data so that a department can add its own."""

    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("checklist item"), max_length=100, unique=True)
    guidance = models.TextField(_("what to look at"), blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class Finding(models.Model):
    """发现问题: an inspector's word on one checklist item of one sampled organization, with its evidence; a
    problem with a deadline opens a rectification order (限期整改, seeds/001 "限期进行整改") — ``measure`` on
    the organization's plan, tracked until it is verified (销号)."""

    sampled = models.ForeignKey(SampledOrganization, verbose_name=_("sampled organization"),
                                on_delete=models.CASCADE, related_name="findings")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("checklist item"), on_delete=models.PROTECT,
                             related_name="+")
    result = models.CharField(_("result"), max_length=16, choices=FindingResult.choices)
    note = models.TextField(_("what was found"), blank=True)
    evidence = models.TextField(_("evidence seen"), blank=True)
    deadline = models.DateField(_("to be put right by"), null=True, blank=True)
    measure = models.ForeignKey("rectification.Measure", verbose_name=_("rectification order"),
                                on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["sampled", "item__position"]
        constraints = [
            models.UniqueConstraint(fields=["sampled", "item"], name="finding_once_per_item"),
            models.CheckConstraint(condition=~Q(result=FindingResult.PROBLEM) | (~Q(note="") & Q(deadline__isnull=False)),
                                   name="finding_problem_has_note_and_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.sampled} · {self.item}"


class SpotCheckJob(Job):
    """An export of a check's draw and results as .xlsx (the population, the sample with its inspectors, the
    findings), written by a worker (spotchecks.jobs)."""

    spot_check = models.ForeignKey(SpotCheck, verbose_name=_("spot check"), on_delete=models.CASCADE,
                                   related_name="+")
    file = models.FileField(_("file"), upload_to="spotcheck-jobs/%Y/%m/", blank=True)

    class Meta(Job.Meta):
        verbose_name = _("spot check export")
        verbose_name_plural = _("spot check exports")

    def __str__(self) -> str:
        return self.filename
