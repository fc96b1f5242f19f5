"""Paper ballots (纸质选票): their counts entered by one person and confirmed by a second."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ballots import access
from ballots.models import BallotSession, PaperTally
from ballots.services.common import MAX_VOTERS, is_count, locked, refuse, require_run, session_answers
from core.services import audit_record


def _paper_counts(session: BallotSession, counts) -> dict[str, int]:
    answers = session_answers(session)
    if not isinstance(counts, dict) or set(counts) - set(answers):
        refuse("counts", _("Counts: give a number for the answers of this ballot only."))
    cleaned = {}
    for answer in answers:
        number = counts.get(answer, 0)
        if not is_count(number):
            refuse(answer, _("Count: enter a whole number from 0 to %(max)d.") % {"max": MAX_VOTERS})
        cleaned[answer] = number
    if not sum(cleaned.values()):
        refuse("counts", _("Counts: the paper ballots counted add up to nothing."))
    return cleaned


@transaction.atomic
def paper_tally_enter(*, actor, session: BallotSession, counts: dict, issued: int | None = None) -> PaperTally:
    """Enter the counts of a session's paper ballots (纸质选票), to be confirmed by a second person."""
    session = locked(session)
    require_run(actor, session.organization)
    if session.closed:
        refuse("counts", _("This ballot is already closed and counted."))
    cleaned = _paper_counts(session, counts)
    ballots = sum(cleaned.values())
    if issued is None:
        issued = ballots
    if not is_count(issued) or issued < ballots:
        refuse("issued", _("Paper ballots handed out: at least as many as were counted (%(ballots)d).") % {
            "ballots": ballots})
    tally = PaperTally.objects.create(session=session, counts=cleaned, issued=issued, entered_by=actor)
    audit_record(actor=actor, obj=session, organization=session.organization, action="ballot.paper_enter",
                 after={"tally": tally.pk, "counts": cleaned, "issued": issued})
    return tally


@transaction.atomic
def paper_tally_confirm(*, actor, tally: PaperTally) -> PaperTally:
    """A second person confirms a paper tally; its counts then join the count at close. The second
    person's role must predate the opening (``access.is_second_person``): someone given a role for
    the purpose does not count."""
    session = locked(tally.session)
    require_run(actor, session.organization)
    tally = PaperTally.objects.select_for_update().get(pk=tally.pk)
    if session.closed:
        refuse("tally", _("This ballot is already closed and counted."))
    if tally.confirmed_by_id is not None:
        refuse("tally", _("This tally is already confirmed."))
    if tally.entered_by_id == actor.pk:
        refuse("tally", _("A tally is confirmed by a second person, not by the one who entered it."))
    if not access.is_second_person(actor, session, first_person_id=tally.entered_by_id):
        refuse("tally", _("A tally is confirmed by a second person who held their role on %(name)s or above it "
                          "before the ballot opened; a role granted since does not count.") % {
            "name": session.organization.name})
    tally.confirmed_by, tally.confirmed_at = actor, timezone.now()
    tally.save(update_fields=["confirmed_by", "confirmed_at"])
    audit_record(actor=actor, obj=session, organization=session.organization, action="ballot.paper_confirm",
                 after={"tally": tally.pk, "counts": tally.counts, "entered_by": tally.entered_by_id})
    return tally


@transaction.atomic
def paper_tally_discard(*, actor, tally: PaperTally) -> None:
    """Withdraw a paper tally not yet confirmed (a mistyped count is discarded and entered again)."""
    session = locked(tally.session)
    require_run(actor, session.organization)
    tally = PaperTally.objects.select_for_update().get(pk=tally.pk)
    if session.closed or tally.confirmed_by_id is not None:
        refuse("tally", _("A confirmed tally or one of a closed ballot cannot be withdrawn."))
    audit_record(actor=actor, obj=session, organization=session.organization, action="ballot.paper_discard",
                 before={"tally": tally.pk, "counts": tally.counts, "issued": tally.issued})
    tally.delete()
