from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import audit


class AuditEvent(models.Model):
    """One change made in Jinwei: who did what to which object, before and after, and why.

    DESIGN.md "Audit is explicit": every change of a grade, score, step, plan or ballot session
    writes one of these in the same transaction as the change itself. ``organization`` is the
    organization the change concerns, so each organization has its own audit page.
    """

    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=255)
    action = models.CharField(_("action"), max_length=64)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-time", "-id"]
        indexes = [
            models.Index(fields=["organization", "-time"], name="audit_org_time_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    @property
    def action_label(self) -> str:
        """The action in words, as the app that owns it declares (core.audit)."""
        return audit.action_label(self.action)

    @property
    def object_label(self) -> str:
        return audit.audit_object(self)

    @property
    def before_lines(self) -> list[tuple[str, str]]:
        return audit.audit_lines(self, self.before)

    @property
    def after_lines(self) -> list[tuple[str, str]]:
        return audit.audit_lines(self, self.after)


class Job(models.Model):
    """Work that outlasts a request — an import, an export, a PDF — run by a worker process, as the
    page and the API see it: its state, the problems it found, its result and the file it keeps.

    DESIGN.md "Background work": the task (django-tasks, run by ``manage.py db_worker``) is how it
    runs; this row is what people read. ``state`` is queued until the work ends, then done or failed;
    while it runs, its progress and its worker's heartbeat are a ``JobRun`` and a ``Worker`` in the
    queue's database (core.jobs). ``stage`` names the part of the work the state is about (an
    import's "preview", then "commit"); ``problems`` are what it found, each with a message for
    people (and a row and column when a file's cell is meant); ``language`` the one its messages are
    written in, the requester's. Each app's jobs are a model built on this one.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    stage = models.CharField(_("stage"), max_length=16, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows in all"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    file = models.FileField(_("file"), upload_to="jobs/%Y/%m/", blank=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    queue = models.CharField(_("queue"), max_length=32, blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=models.Q(done__lte=models.F("total")) | models.Q(total=0),
                                              name="%(app_label)s_%(class)s_done_within_total")]

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def blocking_problems(self) -> int:
        return sum(1 for problem in self.problems if problem.get("blocking", True))


class Worker(models.Model):
    """A running ``manage.py db_worker`` process and the heartbeat it writes every few seconds.

    Lives in the queue's database (``TASKS_DATABASE``). A job's page reads it to say that no worker
    is running (后台任务未运行) rather than show a bar that never moves, and a job whose worker fell
    silent is failed (core.jobs). ``queues`` are those it takes tasks from, as given to the command.
    """

    id = models.CharField(_("worker"), max_length=64, primary_key=True)
    queues = models.CharField(_("queues"), max_length=255)
    host = models.CharField(_("host"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("process id"), null=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    beat_at = models.DateTimeField(_("last heartbeat"))

    class Meta:
        verbose_name = _("task worker")
        verbose_name_plural = _("task workers")

    def __str__(self) -> str:
        return f"{self.host}:{self.pid} ({self.queues})"

    def serves(self, queue: str) -> bool:
        queues = self.queues.split(",")
        return queue in queues or "*" in queues


class JobRun(models.Model):
    """The job a worker is running now, with its progress (rows done of rows in all).

    Lives in the queue's database, written through its own connection at most twice a second, so
    that any web process reads it even while the job's own transaction is open; deleted when the
    job ends, whose row then keeps the final figures. ``job`` names the job's model and id.
    """

    job = models.CharField(_("job"), max_length=128, unique=True)
    worker_id = models.CharField(_("worker"), max_length=64)
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows in all"), default=0)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("running job")
        verbose_name_plural = _("running jobs")

    def __str__(self) -> str:
        return f"{self.job} · {self.done}/{self.total}"


class UploadRecord(models.Model):
    """One file a signed-in person uploaded, kept for an hour: how many files one person may upload in
    an hour (``UPLOADS_PER_HOUR``, core.uploads) is counted from these rows, across every web process."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="+")
    at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        indexes = [models.Index(fields=["user", "at"], name="core_upload_user_at")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.at:%Y-%m-%d %H:%M}"
