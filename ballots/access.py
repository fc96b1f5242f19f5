"""Who may see and run ballots, on top of orgs.access (404 outside the subtree, 403 inside it).

* A session is seen by everyone whose scope holds its organization.
* It is run (created, codes issued, paper tallies entered and confirmed, closed) by those who
  record the organization's steps (its secretary, administrators above) or by the superior who
  decides on it (下管一级).
* Voting needs no account: the one-time code is the credential (ballots.views.vote).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from ballots.models import BallotSession, PaperTally
from orgs import access as org_access

VIEW = org_access.VIEW
RUN = "run"


def can_run(user, organization) -> bool:
    """Those who record the organization's steps, or its superior who decides on it, run its ballots."""
    return org_access.can_edit_facts(user, organization) or org_access.can_decide(user, organization)


def require(user, organization, action: str = RUN) -> None:
    """404 outside the user's scope (as for a missing session), 403 inside it when the action is not theirs."""
    if not org_access.can_view(user, organization):
        raise Http404
    if action == RUN and not can_run(user, organization):
        raise PermissionDenied(_("You may not do this on %(name)s.") % {"name": organization.name})


def get_session_for(user, pk, action: str = VIEW):
    """The ballot session with this id if the user may do ``action`` on it; 404 when not visible."""
    try:
        session = BallotSession.objects.select_related("organization__parent", "grading__cycle").get(pk=int(pk))
    except (BallotSession.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    require(user, session.organization, action)
    return session


def get_tally_for(user, pk, action: str = RUN):
    """A paper tally, reached through its session's organization."""
    try:
        tally = PaperTally.objects.select_related("session__organization__parent", "entered_by").get(pk=int(pk))
    except (PaperTally.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    require(user, tally.session.organization, action)
    return tally
