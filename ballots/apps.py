from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ballots.choices import Agreement, Satisfaction
from core.audit import AuditValue


class BallotsConfig(AppConfig):
    name = "ballots"
    verbose_name = _("Anonymous ballots")
    # What each audit action of this app means, and the values it writes besides model fields (core.audit).
    audit_actions = {
        "ballot.session_create": _("Ballot scheduled"),
        "ballot.codes": _("Voting codes issued"),
        "ballot.open": _("Ballot opened for voting"),
        "ballot.close": _("Ballot closed and counted"),
        "ballot.paper_enter": _("Paper tally entered"),
        "ballot.paper_confirm": _("Paper tally confirmed"),
        "ballot.paper_discard": _("Paper tally withdrawn"),
    }
    audit_values = {
        "count": AuditValue(_("codes issued now")),
        "issued": AuditValue(_("handed out")),
        "tally": AuditValue(_("paper tally number")),
        "counts": AuditValue(_("ballots per answer")),
        "entered_by": AuditValue(field="ballots.PaperTally.entered_by"),
        "ballots": AuditValue(_("ballots")),
        "electronic": AuditValue(_("cast on phones")),
        "paper": AuditValue(_("on paper")),
        "turnout": AuditValue(_("turnout"), percent=True),
        "satisfaction": AuditValue(_("satisfaction rate"), percent=True),
        "quorum_met": AuditValue(_("quorum reached")),
        "unconfirmed_tallies": AuditValue(_("paper tallies not confirmed, not counted")),
        "void": AuditValue(_("void: no ballot")),
    }

    @property
    def audit_codes(self) -> dict:
        """The answers of a ballot, which no model field lists as choices."""
        return {**dict(Agreement.choices), **dict(Satisfaction.choices)}
