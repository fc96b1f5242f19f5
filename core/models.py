from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# What each audit action code means, for people reading an audit page.
ACTION_LABELS = {
    "organization.create": _("Organization created"),
    "organization.update": _("Organization edited"),
    "organization.move": _("Organization moved"),
    "organization.dissolve": _("Organization dissolved"),
    "organization.generate": _("Organizations generated"),
    "facts.create": _("Basic facts recorded"),
    "facts.update": _("Basic facts changed"),
    "role.assign": _("Role assigned"),
    "role.revoke": _("Role removed"),
    "user.create": _("User created"),
    "standard.create": _("Standard created"),
    "standard.derive": _("Standard derived"),
    "standard.revise": _("Standard revised"),
    "standard.correct": _("Standard corrected"),
    "sheet.open": _("Score sheet started"),
    "sheet.deduct": _("Points deducted"),
    "sheet.undeduct": _("Deduction removed"),
    "sheet.veto": _("Veto clause applied"),
    "sheet.unveto": _("Veto clause lifted"),
    "sheet.satisfaction": _("Satisfaction recorded"),
    "cycle.open": _("Cycle opened"),
    "cycle.update": _("Cycle changed"),
    "cycle.attachment": _("Notice attachment added"),
    "grading.submit": _("Submitted to the superior"),
    "grading.return": _("Returned for rework"),
    "grading.decide": _("Determined by the superior"),
    "grading.department_input": _("Department input recorded"),
    "grading.list_return": _("Returned with the list"),
    "grading.reopen": _("Approved grading reopened"),
    "list.submit": _("List submitted upward"),
    "list.return": _("List returned"),
    "list.approve": _("List approved"),
    "survey.save": _("Status survey saved"),
    "ledger.entry": _("Rectification entry saved"),
    "ledger.import": _("Ledger imported"),
}


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
        """The action in words; a grading step's record names its step ("step.member_review")."""
        if self.action.startswith("step."):
            from cycles.choices import Step

            step = self.action.removeprefix("step.")
            return _("Step recorded: %(step)s") % {"step": Step(step).label if step in Step.values else step}
        return str(ACTION_LABELS.get(self.action, self.action))
