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
