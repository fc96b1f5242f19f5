from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.audit import AuditValue


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = _("Pledges")
    audit_actions = {
        "pledge.create": _("Pledge drafted"),
        "pledge.item_add": _("Pledge item added"),
        "pledge.submit": _("Pledge submitted for review"),
        "pledge.return": _("Pledge returned"),
        "pledge.approve": _("Pledge made public"),
        "pledge.progress": _("Progress recorded"),
        "pledge.fulfil": _("Pledge being fulfilled"),
        "pledge.evaluate": _("Pledge evaluated"),
        "pledge.close": _("Pledge closed"),
        "pledge.rating_schedule": _("Public rating of the pledge scheduled"),
        "board.withdraw": _("Public board withdrawn"),
        "board.restore": _("Public board restored"),
    }
    audit_values = {
        "happened_on": AuditValue(field="pledges.Progress.happened_on"),
        "text": AuditValue(field="pledges.Progress.text"),
        "category": AuditValue(field="pledges.PledgeItem.category"),
        "content": AuditValue(field="pledges.PledgeItem.content"),
        "measurable": AuditValue(field="pledges.PledgeItem.measurable"),
        "baseline": AuditValue(field="pledges.PledgeItem.baseline"),
        "target": AuditValue(field="pledges.PledgeItem.target"),
        "deadline": AuditValue(field="pledges.PledgeItem.deadline"),
        "session": AuditValue(field="pledges.PledgeRating.session"),
        "voters": AuditValue(field="ballots.BallotSession.voters"),
        "quorum": AuditValue(field="ballots.BallotSession.quorum"),
    }
