import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ballots.choices import QuestionKind, SessionPurpose, SessionState
from core.keys import public_key
from standards.choices import Grade


class BallotSession(models.Model):
    """One anonymous vote (无记名投票/测评): a grading step's ballot or a satisfaction survey of an
    organization, open from ``opens_at`` to ``closes_at`` to holders of one-time codes.

    ``tallies`` stay empty until ``ballots.services.session_close`` counts them (sealed results);
    ``quorum`` is the number of ballots below which the count is not passed on (at least one: a session
    closed with no ballot is void). A joint meeting votes on the grade the organization declared
    (``grade_voted_on``), fixed when the session is scheduled.

    So that the evaluated cannot fill their own ballot box, ``voters`` (the members for a member
    review, a stated number otherwise) bounds the codes issued before it opens, and a second person
    opens it (``opened_by``): the organization's superior, or another of its people whose role
    predates the session.

    Its voters' pages are reached by ``public_key``, random per session, never by the id: counting
    ids would show every organization's ballots to anyone.
    """

    organization = models.ForeignKey("orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="ballot_sessions")
    public_key = models.CharField(_("public key"), max_length=16, unique=True, default=public_key, editable=False)
    grading = models.ForeignKey("cycles.Grading", verbose_name=_("grading"), on_delete=models.PROTECT, null=True,
                                blank=True, related_name="ballot_sessions")
    purpose = models.CharField(_("purpose"), max_length=32, choices=SessionPurpose.choices)
    question_kind = models.CharField(_("question"), max_length=16, choices=QuestionKind.choices)
    # Fixed when the session is created, so a cast checks its answer against the session row alone.
    answers = models.JSONField(_("answers offered"), default=list)
    # The words of answers that are not the engine's own (a pledge's rating scale), fixed with them.
    answer_labels = models.JSONField(_("words of the answers"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=200)
    grade_voted_on = models.CharField(_("grade voted on"), max_length=32, choices=Grade.choices, blank=True)
    quorum = models.PositiveIntegerField(_("quorum"), default=1)
    voters = models.PositiveIntegerField(_("voters"), default=1)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("ballot", "opened by"), on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    opened_at = models.DateTimeField(pgettext_lazy("ballot", "opened at"), null=True, blank=True)
    closed = models.BooleanField(_("closed"), default=False)
    tallied_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    tallies = models.JSONField(_("results"), default=dict, blank=True)
    delivered = models.BooleanField(_("passed on to the grading"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("scheduled at"), default=timezone.now)

    class Meta:
        verbose_name = _("ballot session")
        verbose_name_plural = _("ballot sessions")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="ballot_session_closes_after_opening"),
            models.CheckConstraint(condition=Q(closed=False) | Q(tallied_at__isnull=False),
                                   name="ballot_session_closed_is_counted"),
            models.CheckConstraint(condition=Q(quorum__gte=1), name="ballot_session_quorum_at_least_one"),
            models.CheckConstraint(condition=Q(voters__gte=1), name="ballot_session_voters_at_least_one"),
            models.CheckConstraint(condition=Q(opened_at__isnull=True) | Q(opened_by__isnull=False),
                                   name="ballot_session_opened_by_someone"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def state(self) -> str:
        if self.closed:
            return SessionState.CLOSED if self.tallies.get("ballots") else SessionState.VOID
        now = timezone.now()
        if now < self.opens_at or (self.opened_at is None and now < self.closes_at):
            return SessionState.SCHEDULED
        return SessionState.OPEN if now < self.closes_at else SessionState.ENDED

    def get_state_display(self) -> str:
        """The state in words, as Django names it for a field with choices (``state`` is derived, not stored)."""
        return str(SessionState(self.state).label)


class BallotCode(models.Model):
    """A one-time voting code (投票码) handed out on paper. Only a keyed hash of the code is kept,
    and nothing links it to the ballot it cast: ``used`` is all that changes."""

    session = models.ForeignKey(BallotSession, verbose_name=_("ballot session"), on_delete=models.CASCADE,
                                related_name="codes")
    code_hash = models.CharField(_("code hash"), max_length=64)
    used = models.BooleanField(_("used"), default=False)

    class Meta:
        verbose_name = _("ballot code")
        verbose_name_plural = _("ballot codes")
        constraints = [models.UniqueConstraint(fields=["session", "code_hash"], name="ballot_code_unique_in_session")]

    def __str__(self) -> str:
        return f"{self.session} · {self.pk}"


def random_key() -> uuid.UUID:
    return uuid.uuid4()


class Ballot(models.Model):
    """One anonymous ballot: its session, its answer and the receipt its voter was shown, nothing
    else (no code, time, address or browser), so no stored data tells who cast it or when within
    the session. The key is random, so the order of keys is not the order of casting."""

    id = models.UUIDField(primary_key=True, default=random_key, editable=False)
    session = models.ForeignKey(BallotSession, verbose_name=_("ballot session"), on_delete=models.CASCADE,
                                related_name="ballots")
    answer = models.CharField(_("answer"), max_length=32)
    receipt = models.CharField(_("receipt"), max_length=16)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [models.UniqueConstraint(fields=["session", "receipt"], name="ballot_receipt_unique_in_session")]

    def __str__(self) -> str:
        return f"{self.session} · {self.answer}"


class PaperTally(models.Model):
    """The counts of a session's paper ballots (纸质选票), entered by hand by one person and
    confirmed by a second, different one; only confirmed tallies are added to the count at close."""

    session = models.ForeignKey(BallotSession, verbose_name=_("ballot session"), on_delete=models.CASCADE,
                                related_name="paper_tallies")
    counts = models.JSONField(_("counts per answer"))
    issued = models.PositiveIntegerField(_("paper ballots handed out"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT,
                                   related_name="+")
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("paper ballot tally")
        verbose_name_plural = _("paper ballot tallies")
        ordering = ["entered_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(confirmed_by=F("entered_by")), name="paper_tally_confirmed_by_another"),
            models.CheckConstraint(condition=Q(confirmed_by__isnull=True) | Q(confirmed_at__isnull=False),
                                   name="paper_tally_confirmed_has_time"),
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.pk}"

    @property
    def ballots(self) -> int:
        return sum(self.counts.values())


class CodeGuesses(models.Model):
    """Wrong codes tried from one client (a keyed hash of its address; the address itself is never
    kept). Only refusals are counted: a successful ballot leaves no trace here. After a few
    failures each refusal asks the client to wait; after more it is blocked for a while."""

    client = models.CharField(_("client"), max_length=64, primary_key=True)
    failures = models.PositiveIntegerField(_("failures"), default=0)
    window_started_at = models.DateTimeField(_("counting since"))
    refuse_until = models.DateTimeField(_("refused until"), null=True, blank=True)
    blocked = models.BooleanField(_("blocked"), default=False)
    expires_at = models.DateTimeField(_("forgotten at"), db_index=True)

    class Meta:
        verbose_name = _("wrong codes from one client")
        verbose_name_plural = _("wrong codes from clients")

    def __str__(self) -> str:
        return self.client[:8]
