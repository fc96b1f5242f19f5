from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class YearendConfig(AppConfig):
    name = "yearend"
    verbose_name = _("Year end")
    audit_actions = {
        "yearend.settings": _("Year-end settings changed"),
        "summary.save": _("Year summary saved"),
        "summary.submit": _("Year summary submitted upward"),
        "summary.reopen": _("Year summary reopened"),
        "report.save": _("Secretary's report saved"),
        "shortlist.propose": _("Commendation candidates proposed"),
        "shortlist.add": _("Commendation candidate added"),
        "shortlist.remove": _("Commendation candidate removed"),
        "shortlist.submit": _("Commendation shortlist submitted upward"),
    }
