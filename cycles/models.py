from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cycles.choices import CycleState, GradingState, ListState, Step, SurveyRating
from standards.choices import Grade


class Cycle(models.Model):
    """年度工作: one year's grading and upgrading run, opened by an organization department for its subtree.

    seeds/002 二、时间安排及方法步骤 and seeds/000 (安排部署 → 分类定级 → 整改提高 → 考核验收).
    ``steps`` are the grading steps this cycle requires, in order (cycles.choices.PRESETS);
    ``deadlines`` maps a step to its last day; ``list_deadlines`` maps a level's depth below the
    owner (1, 2, …) to the last day for its list (Chenghua: lists by 4-18); ``quotas`` are the
    quota rules checked before a level submits its list (seeds/000 先进比例不能过高…).
    """

    owner = models.ForeignKey("orgs.Organization", verbose_name=_("opened by"), on_delete=models.PROTECT,
                              related_name="cycles")
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=200)
    state = models.CharField(_("state"), max_length=16, choices=CycleState.choices, default=CycleState.OPEN)
    steps = models.JSONField(_("required steps"))
    deadlines = models.JSONField(_("step deadlines"), default=dict, blank=True)
    list_deadlines = models.JSONField(_("list deadlines by level"), default=dict, blank=True)
    lock_after_deadline = models.BooleanField(_("lock steps after their deadline"), default=True)
    quotas = models.JSONField(_("quota rules"), default=list, blank=True)
    notice = models.TextField(_("deployment notice"), blank=True)
    survey_enabled = models.BooleanField(_("status survey"), default=False)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT,
                                  related_name="+")
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        ordering = ["-year", "owner__path"]
        constraints = [models.UniqueConstraint(fields=["owner", "year"], name="cycle_one_per_owner_year")]

    def __str__(self) -> str:
        return self.name

    def requires(self, step: str) -> bool:
        return step in self.steps


class CycleStandard(models.Model):
    """The standard a cycle uses for one sector."""

    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="standards")
    sector = models.CharField(_("sector"), max_length=32)
    standard = models.ForeignKey("standards.Standard", verbose_name=_("standard"), on_delete=models.PROTECT,
                                 related_name="+")

    class Meta:
        verbose_name = _("cycle standard")
        verbose_name_plural = _("cycle standards")
        constraints = [models.UniqueConstraint(fields=["cycle", "sector"], name="cycle_standard_per_sector")]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.sector}"


class CycleAttachment(models.Model):
    """A file of the deployment notice (实施方案, 附件) that everyone in the subtree sees."""

    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="notices/%Y/")

    class Meta:
        verbose_name = _("notice attachment")
        verbose_name_plural = _("notice attachments")

    def __str__(self) -> str:
        return self.title


class Grading(models.Model):
    """分类定级: one organization's grading in one cycle, from its own steps to the superior's
    determination (上级党组织评定) and the approval one level further up (审核).

    seeds/004 keeps both the declared grade (支部申报定级类别) and the superior's (上级党组织审核定级
    类别): 四村党支部 declared 较好 and was set to 一般. ``state`` changes only in cycles.services.
    ``baseline_grade`` and ``baseline_stars`` are the organization's final grade and stars in the
    owner's previous cycle, kept when this one opened: the start of the year's transition (seeds/000:
    考核验收's results are the basis of the next year's grading).
    """

    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="gradings")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="gradings")
    state = models.CharField(_("state"), max_length=16, choices=GradingState.choices, default=GradingState.PREPARING)
    declared_grade = models.CharField(_("declared grade"), max_length=32, choices=Grade.choices, blank=True)
    self_total = models.DecimalField(_("self-assessment score"), max_digits=4, decimal_places=1, null=True, blank=True)
    final_grade = models.CharField(_("superior's grade"), max_length=32, choices=Grade.choices, blank=True)
    final_stars = models.PositiveSmallIntegerField(_("stars"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the determination"), blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("determined by"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("determined at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    baseline_cycle = models.ForeignKey(Cycle, verbose_name=_("previous cycle"), on_delete=models.SET_NULL, null=True,
                                       blank=True, related_name="+")
    baseline_grade = models.CharField(_("last year's grade"), max_length=32, choices=Grade.choices, blank=True)
    baseline_stars = models.PositiveSmallIntegerField(_("last year's stars"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("grading")
        verbose_name_plural = _("gradings")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "organization"], name="grading_one_per_cycle_org"),
            models.CheckConstraint(
                condition=~Q(state__in=[GradingState.DECIDED, GradingState.APPROVED]) | ~Q(final_grade=""),
                name="grading_decided_has_grade",
            ),
        ]
        indexes = [models.Index(fields=["cycle", "state"], name="grading_cycle_state_idx")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.cycle}"


class StepRecord(models.Model):
    """One grading step as it happened: date, participants, result (a grade or vote counts), notes.

    ``votes`` holds counts: per grade for ratings ({"advanced": 31, …}); agree / disagree /
    abstain for the joint meeting's anonymous vote on the declared grade (无记名测评).
    ``needs_work`` is the superior's reason when it returned this step.
    """

    grading = models.ForeignKey(Grading, verbose_name=_("grading"), on_delete=models.CASCADE, related_name="records")
    step = models.CharField(_("step"), max_length=32, choices=Step.choices)
    held_on = models.DateField(_("held on"))
    participants = models.PositiveIntegerField(_("participants"), default=0)
    grade = models.CharField(_("result"), max_length=32, choices=Grade.choices, blank=True)
    votes = models.JSONField(_("vote counts"), default=dict, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to="steps/%Y/", blank=True)
    needs_work = models.TextField(_("returned because"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("step record")
        verbose_name_plural = _("step records")
        constraints = [models.UniqueConstraint(fields=["grading", "step"], name="step_record_once")]

    def __str__(self) -> str:
        return f"{self.grading} · {self.get_step_display()}"


class DeadlineExtension(models.Model):
    """A later deadline for one step of one organization, granted by the cycle's owner with a reason:
    the way out for a branch whose step closed (the cycle's ``lock_after_deadline``). The effective
    deadline is the later of the cycle's and this one."""

    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="extensions")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    step = models.CharField(_("step"), max_length=32, choices=Step.choices)
    until = models.DateField(_("extended until"))
    reason = models.TextField(_("reason for the extension"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT,
                                   related_name="+")
    granted_at = models.DateTimeField(_("granted at"), auto_now=True)

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "organization", "step"], name="deadline_extension_once"),
            models.CheckConstraint(condition=~Q(reason=""), name="deadline_extension_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_step_display()} → {self.until}"


class LevelList(models.Model):
    """分类名单: a level's determinations of its direct subordinates, submitted upward for approval
    (逐级审核汇总, seeds/004; "分类名单报区委组织部审核", seeds/002)."""

    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="lists")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("level"), on_delete=models.PROTECT,
                                     related_name="+")
    state = models.CharField(_("state"), max_length=16, choices=ListState.choices, default=ListState.OPEN)
    exception = models.TextField(_("written exception"), blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved or returned by"),
                                   on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("approved or returned at"), null=True, blank=True)

    class Meta:
        verbose_name = _("level list")
        verbose_name_plural = _("level lists")
        constraints = [models.UniqueConstraint(fields=["cycle", "organization"], name="level_list_once")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.cycle}"


class Tally(models.Model):
    """A kept-current count for one level of one cycle: gradings in the level's subtree by state,
    by sector × grade, by stars. Written by cycles.tallies in the transaction of each change, so
    progress pages and charts read a few rows, never count the tree."""

    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("level"), on_delete=models.CASCADE,
                                     related_name="+")
    dimension = models.CharField(_("dimension"), max_length=16)
    key = models.CharField(_("key"), max_length=64)
    count = models.IntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")
        constraints = [models.UniqueConstraint(fields=["cycle", "organization", "dimension", "key"], name="tally_unique")]

    def __str__(self) -> str:
        return f"{self.dimension}:{self.key}={self.count}"


class DepartmentInput(models.Model):
    """An assessment of a street working committee from another department (目督办, 信访局, 民政局 in
    seeds/002: "区委组织部将协调目督办、信访局、民政局等相关部门对街道自评结果进行综合评定")."""

    grading = models.ForeignKey(Grading, verbose_name=_("grading"), on_delete=models.CASCADE, related_name="inputs")
    department = models.CharField(_("department"), max_length=100)
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=1)
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("department input")
        verbose_name_plural = _("department inputs")
        constraints = [
            models.UniqueConstraint(fields=["grading", "department"], name="department_input_once"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="department_input_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.score}"


def _rating(label):
    return models.CharField(label, max_length=8, choices=SurveyRating.choices, blank=True)


class SurveyAnswer(models.Model):
    """现状调查 (seeds/002): the six questions for one organization — each answered yes, partly or no,
    with what was found — and its short report (专题报告). The answers roll up per question and sector."""

    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="survey_answers")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    setup_rating = _rating(_("Is the organization set up reasonably?"))  # 组织设置是否合理
    leadership_rating = _rating(_("Is the leadership complete?"))  # 领导班子是否健全
    rules_rating = _rating(_("Are the rules complete?"))  # 组织制度是否完善
    reporting_line_rating = _rating(_("Is the reporting line clear?"))  # 隶属关系是否顺畅
    funds_and_venue_rating = _rating(_("Are funds and venue secured?"))  # 经费场所是否保障落实
    role_played_rating = _rating(_("Does it play its role fully?"))  # 作用发挥是否充分
    setup = models.TextField(_("Findings on the set-up"), blank=True)  # 组织设置情况
    leadership = models.TextField(_("Findings on the leadership"), blank=True)  # 领导班子情况
    rules = models.TextField(_("Findings on the rules"), blank=True)  # 组织制度情况
    reporting_line = models.TextField(_("Findings on the reporting line"), blank=True)  # 隶属关系情况
    funds_and_venue = models.TextField(_("Findings on funds and venue"), blank=True)  # 经费场所情况
    role_played = models.TextField(_("Findings on the role played"), blank=True)  # 作用发挥情况
    report = models.TextField(_("report"), blank=True)  # 专题报告
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("status survey answer")
        verbose_name_plural = _("status survey answers")
        constraints = [models.UniqueConstraint(fields=["cycle", "organization"], name="survey_once_per_org")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.cycle}"
