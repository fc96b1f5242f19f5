from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.audit import AuditValue


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = _("Organizations")
    # What each audit action of this app means, and the values it writes besides model fields (core.audit).
    audit_actions = {
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
        "user.initial_password": _("Initial password printed"),
        "user.password_change": _("Password changed"),
        "user.unlock": _("Login unlocked"),
        "user.deactivate": _("Account deactivated"),
        "user.reactivate": _("Account reactivated"),
    }
    audit_values = {
        "count": AuditValue(_("organizations generated")),
        "seed": AuditValue(_("random seed")),
        "root_code": AuditValue(_("official code of the top organization")),
        "full_name": AuditValue(_("Full name")),
        "superuser": AuditValue(_("superuser")),
        "username": AuditValue(_("User name")),
        "is_active": AuditValue(_("may log in")),
    }
