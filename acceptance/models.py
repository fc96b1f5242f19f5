from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from acceptance.choices import AcceptanceState, LevelState, ModelTitle, Presence, TargetSource
from standards.choices import Grade


class AcceptanceSettings(models.Model):
    """考核验收's rules and dates for one cycle, opened by the cycle's owner after rectification (seeds/002
    "(四)总结检查验收(12月)"; seeds/001 "年底前…对基层党组织晋位升级进行考评验收").

    ``pass_score``: the acceptance passes at this score or more; ``dissatisfied_share``: it fails when more
    than this share of the satisfaction survey is 不满意. Both are data with the defaults of acceptance.rules.
    """

    cycle = models.OneToOneField("cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE,
                                 related_name="acceptance")
    pass_score = models.DecimalField(_("pass mark"), max_digits=4, decimal_places=1)
    dissatisfied_share = models.DecimalField(_("largest share dissatisfied"), max_digits=5, decimal_places=4)
    self_check_due = models.DateField(_("self-checks due"))
    decision_due = models.DateField(_("determinations due"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT,
                                  related_name="+")
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("acceptance settings")
        verbose_name_plural = _("acceptance settings")
        constraints = [
            models.CheckConstraint(condition=Q(pass_score__gte=0) & Q(pass_score__lte=100),
                                   name="acceptance_pass_score_0_100"),
            models.CheckConstraint(condition=Q(dissatisfied_share__gte=0) & Q(dissatisfied_share__lte=1),
                                   name="acceptance_dissatisfied_share_0_1"),
        ]

    def __str__(self) -> str:
        return str(self.cycle)


class Target(models.Model):
    """升级目标: the least share of a level's organizations (of a sector, or all: ``sector`` empty) that start
    the year at ``origin`` and must reach ``goal`` by the acceptance (acceptance.rules names the keys).

    seeds/002's community targets and seeds/001's are the defaults; a level may raise its superior's, never
    lower them, and other sectors' are at least the communities' (acceptance.services.target_set).
    """

    cycle = models.ForeignKey("cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("level"), on_delete=models.PROTECT,
                                     related_name="+")
    sector = models.CharField(_("sector"), max_length=32, blank=True)
    origin = models.CharField(_("from"), max_length=32)
    goal = models.CharField(_("to"), max_length=32)
    share = models.DecimalField(_("least share"), max_digits=5, decimal_places=4)
    source = models.CharField(_("source"), max_length=8, choices=TargetSource.choices, default=TargetSource.LEVEL)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("set by"), on_delete=models.PROTECT,
                               related_name="+")
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("upgrade target")
        verbose_name_plural = _("upgrade targets")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "organization", "sector", "origin", "goal"], name="target_once"),
            models.CheckConstraint(condition=Q(share__gte=0) & Q(share__lte=1), name="target_share_0_1"),
        ]

    def __str__(self) -> str:
        return f"{self.origin} → {self.goal} ≥ {self.share}"


class Acceptance(models.Model):
    """考核验收 of one organization in one cycle, and its row of the year's transition.

    seeds/002 (四): "按照基层党组织自查自评、征求党员群众意见、上级组织评定等程序…重新评定级次和划分“星级”". The
    self-check (``report`` and a score sheet of kind acceptance_self on the cycle's standard), the satisfaction
    survey (``survey``, a ballot session), the superior's 认定 (``accepted_grade``, ``accepted_stars``,
    ``accepted_title``). ``start_*`` are the grade and stars the cycle's grading gave, ``baseline_*`` last
    year's, both kept when the round opened; ``presence`` marks the new, merged and dissolved. One that fails
    stays in rectification and is flagged for 回头看 next year (``revisit``). ``state`` changes only in
    acceptance.services.
    """

    cycle = models.ForeignKey("cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    grading = models.ForeignKey("cycles.Grading", verbose_name=_("grading"), on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    sector = models.CharField(_("sector"), max_length=32)
    presence = models.CharField(_("between the years"), max_length=16, choices=Presence.choices,
                                default=Presence.CONTINUING)
    state = models.CharField(_("state"), max_length=16, choices=AcceptanceState.choices,
                             default=AcceptanceState.SELF_CHECK)
    baseline_grade = models.CharField(_("last year's grade"), max_length=32, choices=Grade.choices, blank=True)
    baseline_stars = models.PositiveSmallIntegerField(_("last year's stars"), null=True, blank=True)
    start_grade = models.CharField(_("grade at the start of the year"), max_length=32, choices=Grade.choices,
                                   blank=True)
    start_stars = models.PositiveSmallIntegerField(_("stars at the start of the year"), null=True, blank=True)
    report = models.TextField(_("self-check report"), blank=True)  # 自查报告
    survey = models.ForeignKey("ballots.BallotSession", verbose_name=_("satisfaction survey"),
                               on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    score = models.DecimalField(_("acceptance score"), max_digits=4, decimal_places=1, null=True, blank=True)
    accepted_grade = models.CharField(_("accepted grade"), max_length=32, choices=Grade.choices, blank=True)
    accepted_stars = models.PositiveSmallIntegerField(_("accepted stars"), null=True, blank=True)
    accepted_title = models.CharField(_("model title"), max_length=16, choices=ModelTitle.choices, blank=True)
    decision_reason = models.TextField(_("reason for the determination"), blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    revisit = models.BooleanField(_("to be revisited next year"), default=False)  # 回头看
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("determined by"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("determined at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("acceptance")
        verbose_name_plural = _("acceptances")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "organization"], name="acceptance_one_per_cycle_org"),
            models.CheckConstraint(condition=~Q(state__in=["passed", "failed"]) | ~Q(accepted_grade=""),
                                   name="acceptance_decided_has_grade"),
            models.CheckConstraint(condition=Q(accepted_stars__isnull=True) | Q(accepted_stars__lte=5),
                                   name="acceptance_stars_0_5"),
        ]
        indexes = [models.Index(fields=["cycle", "state"], name="acceptance_cycle_state_idx")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.cycle}"


class LevelAcceptance(models.Model):
    """A level's acceptance results of its direct subordinates, submitted upward once every one is re-graded
    (seeds/001 "逐级验收审定晋位升级档次")."""

    cycle = models.ForeignKey("cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("level"), on_delete=models.PROTECT,
                                     related_name="+")
    state = models.CharField(_("state"), max_length=16, choices=LevelState.choices, default=LevelState.OPEN)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("level acceptance")
        verbose_name_plural = _("level acceptances")
        constraints = [models.UniqueConstraint(fields=["cycle", "organization"], name="level_acceptance_once")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.cycle}"


class TransitionTally(models.Model):
    """A kept-current count for one level of one cycle, as cycles.Tally: acceptances in the level's subtree by
    state (``state``), by the year's move (``move``: sector|start grade|start stars|grade|stars|title) and by
    last year's grade to this year's (``years``: sector|last year|this year). Written by acceptance.tallies in
    the transaction of each change, so any level's matrix and rates are a read of a few hundred rows."""

    cycle = models.ForeignKey("cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("level"), on_delete=models.CASCADE,
                                     related_name="+")
    dimension = models.CharField(_("dimension"), max_length=16)
    key = models.CharField(_("key"), max_length=160)
    count = models.IntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("transition tally")
        verbose_name_plural = _("transition tallies")
        constraints = [models.UniqueConstraint(fields=["cycle", "organization", "dimension", "key"],
                                               name="transition_tally_unique")]

    def __str__(self) -> str:
        return f"{self.dimension}:{self.key}={self.count}"
