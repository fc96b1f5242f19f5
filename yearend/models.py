from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Job
from yearend.choices import CandidateSource, ShortlistState, SummaryState


class YearendSettings(models.Model):
    """考核验收's numbers for one cycle, with the seeds' values as defaults (yearend.rules).

    ``summary_due``: "年度工作总结和更新后的…台账于12月3日前报区委组织部" (seeds/002 四).
    ``commendation_rules``: the rules that propose candidates for 评先表优 ("考核验收结果…作为评先表优的重要依据",
    seeds/000), a list of {"rule": …, …} (yearend.rules.DEFAULT_COMMENDATION_RULES).
    """

    cycle = models.OneToOneField("cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE,
                                 related_name="yearend")
    summary_due = models.DateField(_("year summaries due"))
    commendation_rules = models.JSONField(_("commendation rules"), default=list, blank=True)

    class Meta:
        verbose_name = _("year-end settings")
        verbose_name_plural = _("year-end settings")

    def __str__(self) -> str:
        return str(self.cycle)


class YearSummary(models.Model):
    """年度工作总结: a level's summary of the year "对照年初制定的…工作目标，总结成绩和经验" (seeds/002 四), drafted
    from its figures, edited by the level and submitted to its superior. The figures are frozen at submission."""

    cycle = models.ForeignKey("cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("level"), on_delete=models.PROTECT,
                                     related_name="+")
    state = models.CharField(_("state"), max_length=16, choices=SummaryState.choices, default=SummaryState.DRAFT)
    text = models.TextField(_("summary text"), blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("year summary")
        verbose_name_plural = _("year summaries")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "organization"], name="year_summary_once"),
            models.CheckConstraint(condition=Q(state=SummaryState.DRAFT) | ~Q(text=""),
                                   name="year_summary_submitted_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} · {self.cycle_id}"


class SecretaryReport(models.Model):
    """述职: a committee secretary's report of the year for 三级联评联述联考 (seeds/000), attached to the level's
    year summary, whose figures it carries as its appendix."""

    summary = models.ForeignKey(YearSummary, verbose_name=_("year summary"), on_delete=models.CASCADE,
                                related_name="reports")
    secretary = models.CharField(_("secretary"), max_length=100)
    post = models.CharField(_("post"), max_length=100, blank=True)
    text = models.TextField(_("report"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("secretary's report")
        verbose_name_plural = _("secretaries' reports")
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=~Q(text="") & ~Q(secretary=""), name="report_not_empty")]

    def __str__(self) -> str:
        return f"{self.secretary} · {self.summary_id}"


class Shortlist(models.Model):
    """评先表优: a level's shortlist of organizations to commend, proposed by the cycle's rules, edited by the level
    with a reason for each change, and submitted upward."""

    cycle = models.ForeignKey("cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("level"), on_delete=models.PROTECT,
                                     related_name="+")
    state = models.CharField(_("state"), max_length=16, choices=ShortlistState.choices, default=ShortlistState.DRAFT)
    rules = models.JSONField(_("rules applied"), default=list, blank=True)
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("commendation shortlist")
        verbose_name_plural = _("commendation shortlists")
        constraints = [models.UniqueConstraint(fields=["cycle", "organization"], name="shortlist_once")]

    def __str__(self) -> str:
        return f"{self.organization_id} · {self.cycle_id}"


class Candidate(models.Model):
    """One organization on a shortlist: the rules it met (``reasons``), or the level's reason for adding it;
    removed with a reason (it stays, struck out, so the superior sees what was taken off and why)."""

    shortlist = models.ForeignKey(Shortlist, verbose_name=_("shortlist"), on_delete=models.CASCADE,
                                  related_name="candidates")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="+")
    source = models.CharField(_("proposed by"), max_length=16, choices=CandidateSource.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    added_reason = models.TextField(_("reason for adding"), blank=True)
    removed_reason = models.TextField(_("reason for removing"), blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("commendation candidate")
        verbose_name_plural = _("commendation candidates")
        ordering = ["organization__path"]
        constraints = [
            models.UniqueConstraint(fields=["shortlist", "organization"], name="candidate_once"),
            models.CheckConstraint(condition=~Q(source=CandidateSource.ADDED) | ~Q(added_reason=""),
                                   name="candidate_added_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} · {self.shortlist_id}"

    @property
    def removed(self) -> bool:
        return bool(self.removed_reason)


class SummaryJob(Job):
    """The PDF of a level's year summary with its tables and secretaries' reports, laid out on the "pdf" queue."""

    summary = models.ForeignKey(YearSummary, verbose_name=_("year summary"), on_delete=models.CASCADE,
                                related_name="+")
    file = models.FileField(_("file"), upload_to="yearend-jobs/%Y/%m/", blank=True)

    class Meta(Job.Meta):
        verbose_name = _("year summary PDF job")
        verbose_name_plural = _("year summary PDF jobs")

    def __str__(self) -> str:
        return f"{self.filename} · {self.summary_id}"
