from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.audit import AuditValue


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Party members")
    audit_actions = {
        "member.create": _("Member added to the roster"),
        "member.update": _("Member's record changed"),
        "member.transfer": _("Member transferred"),
        "roster.import": _("Roster imported"),
        "roster.export": _("Roster exported"),
    }
    audit_values = {
        "to_organization": AuditValue(field="members.Transfer.to_organization"),
        "from_organization": AuditValue(field="members.Transfer.from_organization"),
        "rows": AuditValue(_("rows")),
        "added": AuditValue(_("members added")),
        "changed": AuditValue(_("members changed")),
    }
