from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.keys import public_key
from core.models import Job
from pledges.choices import Category, PledgeKind, PledgeResult, PledgeState


class Pledge(models.Model):
    """承诺: a member's or an organization's public pledge for one cycle (seeds/003 党员承诺践诺).

    提出 → 审核 (the branch vets a member's pledge, the superior an organization's: "量力而行") →
    公示 (on the organization's public board) → 践诺 (dated progress with evidence) → 评诺 → closed.
    A member's pledge belongs to the member's branch (``organization``); it is combined there with the
    branch's own. A pledge not kept carries a public explanation.
    """

    cycle = models.ForeignKey("cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="pledges")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="pledges")
    member = models.ForeignKey("members.Member", verbose_name=_("party member"), on_delete=models.PROTECT,
                               related_name="pledges", null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=PledgeKind.choices)
    state = models.CharField(_("state"), max_length=16, choices=PledgeState.choices, default=PledgeState.DRAFT)
    return_reason = models.TextField(_("reason for return"), blank=True)
    self_evaluation = models.TextField(_("self-evaluation"), blank=True)
    members_evaluation = models.TextField(_("members' evaluation"), blank=True)
    leader_comment = models.TextField(_("leader's comment"), blank=True)
    result = models.CharField(_("result"), max_length=16, choices=PledgeResult.choices, blank=True)
    explanation = models.TextField(_("public explanation"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["organization_id", "kind", "member__name", "pk"]
        indexes = [models.Index(fields=["cycle", "organization", "state"], name="pledge_board")]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "member"], condition=Q(member__isnull=False),
                                    name="pledge_one_per_member_cycle"),
            models.UniqueConstraint(fields=["cycle", "organization"], condition=Q(member__isnull=True),
                                    name="pledge_one_per_organization_cycle"),
            models.CheckConstraint(condition=Q(kind=PledgeKind.MEMBER, member__isnull=False)
                                   | Q(kind=PledgeKind.ORGANIZATION, member__isnull=True), name="pledge_kind_matches_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member.name if self.member_id else self.organization.name} · {self.cycle.year}"

    @property
    def pledger(self) -> str:
        return self.member.name if self.member_id else self.organization.name


class PledgeRating(models.Model):
    """评诺 by the public: an anonymous ballot (ballots, one-time codes) asking how well a pledge was kept, on the
    pledge results' scale ("把群众满意作为衡量承诺践诺成效的重要标准", seeds/003). Its count stays sealed on the
    session until it closes; the pledge reads it from there, beside the self, members' and leader's evaluations."""

    pledge = models.ForeignKey(Pledge, verbose_name=_("pledge"), on_delete=models.CASCADE, related_name="ratings")
    session = models.OneToOneField("ballots.BallotSession", verbose_name=_("ballot session"),
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("public rating of a pledge")
        verbose_name_plural = _("public ratings of pledges")
        ordering = ["pledge_id", "-session_id"]

    def __str__(self) -> str:
        return f"{self.pledge_id} · {self.session_id}"


class PledgeItem(models.Model):
    """One promise of a pledge: its category, what it promises, the baseline it starts from, a measurable
    target where one fits, and its deadline. "招待费比去年降低" with no baseline promises nothing: a
    measurable item needs both its baseline and its target."""

    pledge = models.ForeignKey(Pledge, verbose_name=_("pledge"), on_delete=models.CASCADE, related_name="items")
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    content = models.TextField(_("content"))
    measurable = models.BooleanField(_("measurable"), default=False)
    baseline = models.CharField(_("baseline"), max_length=200, blank=True)
    target = models.CharField(_("target"), max_length=200, blank=True)
    deadline = models.DateField(_("deadline"))

    class Meta:
        verbose_name = _("pledge item")
        verbose_name_plural = _("pledge items")
        ordering = ["pledge_id", "pk"]
        constraints = [models.CheckConstraint(condition=Q(measurable=False) | (~Q(baseline="") & ~Q(target="")),
                                              name="pledge_item_measurable_has_baseline_and_target")]

    def __str__(self) -> str:
        return self.content[:60]


class Progress(models.Model):
    """践诺: a dated step in keeping an item, with its evidence (a file, kept once and linked where needed)."""

    item = models.ForeignKey(PledgeItem, verbose_name=_("pledge item"), on_delete=models.CASCADE, related_name="progress")
    happened_on = models.DateField(_("date"))
    text = models.TextField(_("what was done"))
    evidence = models.FileField(_("evidence"), upload_to="pledge-evidence/%Y/", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress")
        verbose_name_plural = _("progress")
        ordering = ["item_id", "happened_on", "pk"]

    def __str__(self) -> str:
        return f"{self.happened_on} {self.text[:40]}"


class PublicBoard(models.Model):
    """The address of an organization's public board (公示栏) for a cycle: a random key, drawn the first time
    the board's page or poster is asked for, so that nobody finds the boards by counting ids."""

    cycle = models.ForeignKey("cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.CASCADE,
                                     related_name="+")
    public_key = models.CharField(_("public key"), max_length=16, unique=True, default=public_key, editable=False)

    class Meta:
        verbose_name = _("public board address")
        verbose_name_plural = _("public board addresses")
        constraints = [models.UniqueConstraint(fields=["cycle", "organization"], name="public_board_once")]

    def __str__(self) -> str:
        return self.public_key


class BoardWithdrawal(models.Model):
    """An organization's public board (公示栏) withdrawn for a cycle: its page answers 404 until restored."""

    cycle = models.ForeignKey("cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.CASCADE,
                                     related_name="+")
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("withdrawn by"), on_delete=models.PROTECT,
                                     related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn at"), auto_now_add=True)

    class Meta:
        verbose_name = _("withdrawn board")
        verbose_name_plural = _("withdrawn boards")
        constraints = [models.UniqueConstraint(fields=["cycle", "organization"], name="board_withdrawn_once")]

    def __str__(self) -> str:
        return f"{self.organization_id} · {self.cycle_id}"


class PledgeTally(models.Model):
    """A kept-current count of pledges for one level of one cycle: by kind × state and by kind × result,
    written by pledges.tallies in the transaction of each change (as cycles.Tally)."""

    cycle = models.ForeignKey("cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("level"), on_delete=models.CASCADE,
                                     related_name="+")
    dimension = models.CharField(_("dimension"), max_length=16)
    key = models.CharField(_("key"), max_length=64)
    count = models.IntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("pledge tally")
        verbose_name_plural = _("pledge tallies")
        constraints = [models.UniqueConstraint(fields=["cycle", "organization", "dimension", "key"],
                                               name="pledge_tally_unique")]

    def __str__(self) -> str:
        return f"{self.dimension}:{self.key}={self.count}"


class PledgeJob(Job):
    """The PDF of every member's 承诺书 (附件8) for a branch in a cycle, laid out by a worker on the "pdf" queue."""

    cycle = models.ForeignKey("cycles.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.CASCADE,
                                     related_name="+")
    file = models.FileField(_("file"), upload_to="pledge-jobs/%Y/%m/", blank=True)

    class Meta(Job.Meta):
        verbose_name = _("pledge letters job")
        verbose_name_plural = _("pledge letters jobs")

    def __str__(self) -> str:
        return f"{self.filename} · {self.organization_id}"
