from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Job
from rectification.choices import (
    MeasureKind,
    MeasureReview,
    MeasureState,
    MidyearRating,
    PlanState,
    ProblemSource,
    SupporterKind,
)
from standards.choices import Grade


class RectificationSettings(models.Model):
    """整改提高's numbers for one cycle, each with the seeds' value as its default.

    ``min_problems``: "每个支部…查找出的问题至少两项" (seeds/001). ``committee_plan_due`` and
    ``plan_due``: "各街道党工委的争创目标措施应于4月27日前报…审核；其他领域基层党组织的争创目标措施，
    也应于5月7日前…审核" (seeds/002). ``midyear_due``: "党委将在“七一”前，对每一个党支部整改落实情况进行
    一次考评" (seeds/001). ``ends_on``: the last day a measure's deadline may fall on (年底前考评验收).
    """

    cycle = models.OneToOneField("cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE,
                                 related_name="rectification")
    min_problems = models.PositiveSmallIntegerField(_("problems required per branch"), default=2)
    committee_plan_due = models.DateField(_("committees' plans due"))
    plan_due = models.DateField(_("branches' plans due"))
    midyear_due = models.DateField(_("mid-year check due"))
    ends_on = models.DateField(_("rectification ends"))

    class Meta:
        verbose_name = _("rectification settings")
        verbose_name_plural = _("rectification settings")

    def __str__(self) -> str:
        return str(self.cycle)


class Supporter(models.Model):
    """结对帮扶单位, 定点联系领导 or 驻点干部 (seeds/002, seeds/004 帮扶单位、联系领导): named once by a level
    and reused by the measures of its subtree, across problems and years."""

    owner = models.ForeignKey("orgs.Organization", verbose_name=_("named by"), on_delete=models.PROTECT,
                              related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=SupporterKind.choices)
    name = models.CharField(_("name"), max_length=100)
    post = models.CharField(_("post or unit"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("named by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("named at"), auto_now_add=True)

    class Meta:
        verbose_name = _("supporter")
        verbose_name_plural = _("supporters")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "kind", "name"], name="supporter_named_once"),
            models.CheckConstraint(condition=~Q(name=""), name="supporter_has_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.post}）" if self.post else self.name


class Plan(models.Model):
    """升级办法 / 晋位方案: an organization's rectification plan in one cycle (seeds/001 "一个党委一套晋位
    方案，一个支部一个升级办法"; "两定两诺两审").

    A branch's plan holds its target grade, problems and measures; a committee's adds its overall
    targets over its direct subordinates (``overall_targets``: [{"from": "average", "to":
    "advanced", "share": "0.30"}, …], its commitment to the level above). ``current_grade`` is the
    grade the cycle's grading gave it. An approved plan is locked: a change starts ``version`` + 1,
    reviewed again, while the approved content stays in its ``PlanVersion``. ``state`` changes only
    in rectification.services.
    """

    cycle = models.ForeignKey("cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    state = models.CharField(_("state"), max_length=16, choices=PlanState.choices, default=PlanState.DRAFT)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    current_grade = models.CharField(_("current grade"), max_length=32, choices=Grade.choices, blank=True)
    target_grade = models.CharField(_("target grade"), max_length=32, choices=Grade.choices, blank=True)  # 晋位升级目标
    target_stars = models.PositiveSmallIntegerField(_("target stars"), null=True, blank=True)
    overall_targets = models.JSONField(_("overall targets"), default=list, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    letter_scan = models.ForeignKey("Evidence", verbose_name=_("signed responsibility letter"),
                                    on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    letter_signed_on = models.DateField(_("responsibility letter signed on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "organization"], name="plan_one_per_cycle_org"),
            models.CheckConstraint(condition=~Q(state=PlanState.APPROVED) | Q(approved_at__isnull=False),
                                   name="plan_approved_has_time"),
        ]
        indexes = [models.Index(fields=["cycle", "state"], name="plan_cycle_state_idx")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.cycle}"


class PlanVersion(models.Model):
    """One approved version of a plan, as it was approved: what stays shown while a revision is reviewed."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveSmallIntegerField(_("version"))
    content = models.JSONField(_("content"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(_("approved at"))

    class Meta:
        verbose_name = _("approved plan version")
        verbose_name_plural = _("approved plan versions")
        ordering = ["plan", "-version"]
        constraints = [models.UniqueConstraint(fields=["plan", "version"], name="plan_version_once")]

    def __str__(self) -> str:
        return f"{self.plan} v{self.version}"


class Problem(models.Model):
    """问题档案: one problem of an organization, what is wrong, its causes and where it was found (seeds/001
    "逐一建立“问题档案”，分析问题原因"); linked to the deduction or veto of the score sheet it came from."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="problems")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("problem"), max_length=200)
    description = models.TextField(_("what is wrong"), blank=True)
    causes = models.TextField(_("causes"), blank=True)
    source = models.CharField(_("found through"), max_length=16, choices=ProblemSource.choices,
                              default=ProblemSource.OTHER)
    deduction = models.ForeignKey("standards.Deduction", verbose_name=_("deduction"), on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")
    veto_mark = models.ForeignKey("standards.VetoMark", verbose_name=_("veto clause"), on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["plan", "position", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(title=""), name="problem_has_title")]

    def __str__(self) -> str:
        return self.title


class Measure(models.Model):
    """整改措施: what will be done about one problem, by whom and by when (seeds/001 "量化目标和具体措施、
    责任人员、完成时限"; seeds/004 整改措施、整改时限、帮扶单位、联系领导、整改责任人).

    ``review`` is the superior's word on it in the plan's review; ``state`` its progress up to 销号.
    A "needs the superior" measure waits for the superior's ``answer``. ``plan`` repeats the problem's
    plan so that a level's measures are read without the join.
    """

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="measures")
    problem = models.ForeignKey(Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="measures")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    text = models.TextField(_("measure"))
    kind = models.CharField(_("kind of measure"), max_length=16, choices=MeasureKind.choices,
                            default=MeasureKind.PLANNED)
    responsible_person = models.CharField(_("responsible person"), max_length=64)  # 整改责任人
    deadline = models.DateField(_("deadline"))  # 整改时限
    expected_result = models.TextField(_("expected result"), blank=True)
    assisting_unit = models.ForeignKey(Supporter, verbose_name=_("assisting unit"), on_delete=models.PROTECT,
                                       null=True, blank=True, related_name="+")
    liaison_leader = models.ForeignKey(Supporter, verbose_name=_("liaison leader"), on_delete=models.PROTECT,
                                       null=True, blank=True, related_name="+")
    resident_cadre = models.ForeignKey(Supporter, verbose_name=_("resident cadre"), on_delete=models.PROTECT,
                                       null=True, blank=True, related_name="+")
    review = models.CharField(_("review"), max_length=16, choices=MeasureReview.choices, default=MeasureReview.PENDING)
    review_note = models.TextField(_("returned because"), blank=True)
    state = models.CharField(_("progress"), max_length=16, choices=MeasureState.choices, default=MeasureState.PLANNED)
    reopen_reason = models.TextField(_("reopened because"), blank=True)
    answer = models.TextField(_("the superior's answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("verified by"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["plan", "problem__position", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="measure_has_text"),
            models.CheckConstraint(condition=~Q(responsible_person=""), name="measure_has_responsible_person"),
            models.CheckConstraint(condition=~Q(state=MeasureState.VERIFIED) | Q(verified_at__isnull=False),
                                   name="measure_verified_has_time"),
        ]
        indexes = [models.Index(fields=["plan", "state"], name="measure_plan_state_idx")]

    def __str__(self) -> str:
        return self.text[:60]


class Evidence(models.Model):
    """A file that shows what was done — a photo, a meeting record, a signed letter — uploaded once for the
    organization's plan and reused by the progress reports, the ledger, the mid-year check and the year-end
    acceptance (entered once: no second upload for each)."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to="rectification/%Y/")
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.description or self.filename


class ProgressReport(models.Model):
    """A dated progress report on one measure, with its evidence."""

    measure = models.ForeignKey(Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="reports")
    reported_on = models.DateField(_("date"))
    text = models.TextField(_("what was done"))
    evidence = models.ManyToManyField(Evidence, verbose_name=_("evidence"), blank=True, related_name="reports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["measure", "-reported_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.reported_on} {self.text[:40]}"


class MidyearCheck(models.Model):
    """七一前考评 (seeds/001 三3): the superior's rating of one direct subordinate's progress; a criticism
    ("批评，并限期进行整改") carries its reason and the new deadline."""

    cycle = models.ForeignKey("cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    rating = models.CharField(_("rating"), max_length=16, choices=MidyearRating.choices)
    reason = models.TextField(_("reason"), blank=True)
    new_deadline = models.DateField(_("to be put right by"), null=True, blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("rated by"), on_delete=models.PROTECT,
                                 related_name="+")
    rated_at = models.DateTimeField(_("rated at"), auto_now=True)

    class Meta:
        verbose_name = _("mid-year check")
        verbose_name_plural = _("mid-year checks")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "organization"], name="midyear_once_per_org"),
            models.CheckConstraint(
                condition=~Q(rating=MidyearRating.CRITICIZE) | (~Q(reason="") & Q(new_deadline__isnull=False)),
                name="midyear_criticism_has_reason_and_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_rating_display()}"


class Tally(models.Model):
    """A kept-current count for one level of one cycle: plans by state, measures by state, open measures by
    deadline (a level's overdue count is the sum of the keys before today), mid-year ratings. Written by
    rectification.tallies in the transaction of each change."""

    cycle = models.ForeignKey("cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("level"), on_delete=models.CASCADE,
                                     related_name="+")
    dimension = models.CharField(_("dimension"), max_length=16)
    key = models.CharField(_("key"), max_length=64)
    count = models.IntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("rectification tally")
        verbose_name_plural = _("rectification tallies")
        constraints = [models.UniqueConstraint(fields=["cycle", "organization", "dimension", "key"],
                                               name="rectification_tally_unique")]

    def __str__(self) -> str:
        return f"{self.dimension}:{self.key}={self.count}"


class RectificationJob(Job):
    """An export of a level's problem or measure list (.xlsx), or a responsibility letter as a PDF, run by a
    worker (rectification.jobs). ``organization`` is the level (or the plan's organization for a letter)."""

    class Kind(models.TextChoices):
        PROBLEMS = "problems", _("Problem list")
        MEASURES = "measures", _("Measure list")
        LETTER = "letter", _("Responsibility letter")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="rectification-jobs/%Y/%m/", blank=True)
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("level"), on_delete=models.PROTECT,
                                     related_name="+")
    cycle = models.ForeignKey("cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, null=True, blank=True,
                             related_name="+")

    class Meta(Job.Meta):
        verbose_name = _("rectification job")
        verbose_name_plural = _("rectification jobs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename}"
