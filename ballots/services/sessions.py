"""A session's life: scheduled, closed and counted once, its results passed on."""

import datetime
import secrets
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ballots import access
from ballots.choices import CALLER_ANSWERS, PURPOSE_KIND, PURPOSE_STEP, QuestionKind, Satisfaction, SessionPurpose
from ballots.models import Ballot, BallotSession
from ballots.services.common import MAX_VOTERS, answers_for, is_count, locked, refuse, require_run, session_answers
from core.formatting import person
from core.services import audit_record
from cycles import access as cycle_access
from cycles import selectors as cycle_selectors
from cycles import services as cycle_services
from cycles.models import Grading
from orgs.models import Organization, OrganizationFacts
from standards import services as standard_services
from standards.choices import Grade


@transaction.atomic
def session_create(*, actor, organization: Organization, purpose: str, opens_at: datetime.datetime,
                   closes_at: datetime.datetime, quorum: int = 0, grading: Grading | None = None,
                   title: str = "", voters: int | None = None,
                   answers: list[tuple[str, str]] | None = None) -> BallotSession:
    """Schedule a ballot session for an organization; a step's ballot names the organization's grading.

    ``voters`` is how many people it is for, which bounds the codes issued before it opens: for a
    member review the party members in the organization's basic facts (of the cycle's year, else the
    latest), otherwise the number stated. It opens only when a second person opens it (``session_open``).
    A pledge's rating states its ``answers`` as (value, words), best first: the engine does not know the scale.
    """
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    require_run(actor, organization)
    if purpose not in SessionPurpose.values:
        refuse("purpose", _("Purpose: %(value)s is not a kind of ballot.") % {"value": purpose})
    step = PURPOSE_STEP[SessionPurpose(purpose)]
    if grading is not None:
        grading = Grading.objects.select_related("cycle").get(pk=grading.pk)  # its declared grade as it is now
    if grading is not None and grading.organization_id != organization.pk:
        refuse("grading", _("Grading: it is not %(name)s's grading.") % {"name": organization.name})
    if step is not None:
        if grading is None:
            refuse("grading", _("Grading: a step's ballot belongs to the organization's grading."))
        if not grading.cycle.requires(step):
            refuse("purpose", _("Purpose: this cycle does not have the step %(step)s.") % {
                "step": SessionPurpose(purpose).label})
    if (purpose in CALLER_ANSWERS) != bool(answers):
        refuse("purpose", _("Purpose: a pledge's public rating is scheduled from the pledge's page."))
    if opens_at is None or closes_at is None or closes_at <= opens_at:
        refuse("closes_at", _("Closing time: it must come after the opening time."))
    if purpose == SessionPurpose.MEMBER_REVIEW:
        voters = _members(organization, grading)
        if not voters:
            refuse("voters", _("Voters: a member review is for the party members of %(name)s, and its basic facts "
                               "record none: enter the number of party members in the basic facts first.") % {
                "name": organization.name})
    elif not is_count(voters) or voters < 1:
        refuse("voters", _("Voters: enter how many people this ballot is for, a whole number from 1 to %(max)d; "
                           "no more codes than that are issued before it opens.") % {"max": MAX_VOTERS})
    if not is_count(quorum) or quorum < 1:
        refuse("quorum", _("Quorum: enter a whole number from 1 to %(max)d.") % {"max": MAX_VOTERS})
    if quorum > voters:
        refuse("quorum", _("Quorum: at most the number of voters, %(voters)d.") % {"voters": voters})
    grade_voted_on = ""
    if purpose == SessionPurpose.MEETING_REVIEW:
        grade_voted_on = grading.declared_grade
        if not grade_voted_on:
            refuse("purpose", _("Purpose: the joint meeting votes on the grade %(name)s declares, and it has declared "
                                 "none yet: record the self-assessment first.") % {"name": organization.name})
    session = BallotSession(
        organization=organization, grading=grading, purpose=purpose, question_kind=PURPOSE_KIND[SessionPurpose(purpose)],
        title=(title.strip() or _default_title(organization, purpose, grade_voted_on))[:200], quorum=quorum,
        voters=voters, grade_voted_on=grade_voted_on, opens_at=opens_at, closes_at=closes_at, created_by=actor,
        created_at=timezone.now())
    if answers:
        session.answers = [str(value) for value, _words in answers]
        session.answer_labels = {str(value): str(words) for value, words in answers}
    else:
        session.answers = answers_for(session)
    session.save()
    audit_record(actor=actor, obj=session, organization=organization, action="ballot.session_create",
                 after={"purpose": purpose, **({"grade_voted_on": grade_voted_on} if grade_voted_on else {}),
                        "quorum": quorum, "voters": voters, "opens_at": opens_at.isoformat(),
                        "closes_at": closes_at.isoformat()})
    return session


def _members(organization: Organization, grading: Grading | None) -> int:
    """The party members in the organization's basic facts: of the grading's year, else the latest recorded."""
    facts = OrganizationFacts.objects.filter(organization=organization)
    if grading is not None:
        of_year = facts.filter(year=grading.cycle.year).values_list("members_total", flat=True).first()
        if of_year:
            return of_year
    return facts.order_by("-year").values_list("members_total", flat=True).first() or 0


def _second_person_refusal(field: str, session: BallotSession, what: str) -> None:
    refuse(field, _("%(what)s needs a second person: the superior of %(name)s, or another of its people than "
                    "%(person)s, who scheduled it, holding their role since before the ballot opened (for opening "
                    "it, since before it was scheduled).") % {
        "what": what, "name": session.organization.name, "person": person(session.created_by)})


@transaction.atomic
def session_open(*, actor, session: BallotSession) -> BallotSession:
    """Open the ballot for voting, from its opening time on. A second person does it (the superior, or
    another of the organization's people than the one who scheduled it), after the codes are issued:
    no one alone both holds the codes and lets them vote."""
    session = locked(session)
    require_run(actor, session.organization)
    now = timezone.now()
    if session.closed or now >= session.closes_at:
        refuse("session", _("This ballot has ended; it can no longer be opened."))
    if session.opened_at is not None:
        refuse("session", _("This ballot is already open."))
    if not access.is_second_person(actor, session, first_person_id=session.created_by_id):
        _second_person_refusal("session", session, _("Opening a ballot"))
    session.opened_by, session.opened_at = actor, now
    session.save(update_fields=["opened_by", "opened_at"])
    audit_record(actor=actor, obj=session, organization=session.organization, action="ballot.open",
                 after={"voters": session.voters, "issued": session.codes.count()})
    return session


def _default_title(organization: Organization, purpose: str, grade_voted_on: str) -> str:
    """What the slips and the voting page say when no title is given: the organization, the purpose, and for
    a joint meeting the grade it votes on."""
    if grade_voted_on:
        return _("%(name)s · %(purpose)s: declared grade %(grade)s") % {
            "name": organization.name, "purpose": SessionPurpose(purpose).label, "grade": Grade(grade_voted_on).label}
    return f"{organization.name} · {SessionPurpose(purpose).label}"


def count_ballots(*, answers: list[str], electronic: dict[str, int], paper: list[dict], issued: int,
                  kind: str, quorum: int) -> dict:
    """The sealed results of a session, from plain data: counts per answer (zeros included) of the
    electronic ballots and the confirmed paper tallies, turnout (ballots / codes and paper ballots
    handed out) and, for satisfaction, (满意 + 基本满意) / ballots."""
    counts = {answer: 0 for answer in answers}
    for answer, number in electronic.items():
        counts[answer] = counts.get(answer, 0) + number
    for tally in paper:
        for answer, number in tally.items():
            counts[answer] = counts.get(answer, 0) + number
    ballots = sum(counts.values())
    satisfaction = None
    if kind == QuestionKind.SATISFACTION and ballots:
        content = counts[Satisfaction.SATISFIED] + counts[Satisfaction.BASICALLY_SATISFIED]
        satisfaction = str((Decimal(content) / ballots).quantize(Decimal("0.0001")))
    return {
        "counts": counts,
        "ballots": ballots,
        "electronic": sum(electronic.values()),
        "paper": ballots - sum(electronic.values()),
        "issued": issued,
        "turnout": str((Decimal(ballots) / issued).quantize(Decimal("0.0001"))) if issued else None,
        "satisfaction": satisfaction,
        "quorum": quorum,
        "quorum_met": ballots >= quorum and ballots > 0,
    }


@transaction.atomic
def session_close(*, actor, session: BallotSession) -> BallotSession:
    """Close the ballot (at or before its closing time), count it once, and pass the results on:
    a step's vote counts to the grading's step record, a satisfaction rate to the organization under
    the cycle's standard, where its score sheets meet it, those started later too (a satisfaction veto
    clause below its threshold).

    The session row is locked FOR UPDATE: the count waits for the casts under way (they hold it
    FOR SHARE) and every cast after it finds the session closed, so each accepted ballot is counted.
    Paper tallies count only once a second person has confirmed them; the close too is a second
    person's (``access.is_second_person``).
    """
    session = locked(session)
    require_run(actor, session.organization)
    if session.closed:
        refuse("closed", _("This ballot is already closed and counted."))
    if timezone.now() < session.opens_at:
        refuse("closed", _("This ballot has not opened yet."))
    if not access.is_second_person(actor, session, first_person_id=session.created_by_id):
        _second_person_refusal("closed", session, _("Closing a ballot"))
    _rewrite_in_random_order(session)
    electronic = dict(session.ballots.values_list("answer").annotate(number=Count("pk")).order_by())
    confirmed = list(session.paper_tallies.filter(confirmed_by__isnull=False))
    session.tallies = count_ballots(
        answers=session_answers(session), electronic=electronic, paper=[tally.counts for tally in confirmed],
        issued=session.codes.count() + sum(tally.issued for tally in confirmed), kind=session.question_kind,
        quorum=session.quorum)
    session.tallies["unconfirmed_tallies"] = session.paper_tallies.filter(confirmed_by__isnull=True).count()
    session.tallies["void"] = not session.tallies["ballots"]  # no ballot: void, and nothing is passed on
    session.closed = True
    session.tallied_at = timezone.now()
    session.delivered = (session.tallies["quorum_met"] and not session.tallies["void"]
                         and _deliver(actor=actor, session=session))
    session.save(update_fields=["tallies", "closed", "tallied_at", "delivered"])
    audit_record(actor=actor, obj=session, organization=session.organization, action="ballot.close",
                 after=session.tallies | {"delivered": session.delivered})
    return session


def _rewrite_in_random_order(session: BallotSession) -> None:
    """Rewrite the session's ballots in random order and touch every code, in the count's transaction.

    A database keeps traces of how rows were written: PostgreSQL marks each row with the transaction
    that wrote it (``xmin``), so a cast's code and ballot share a mark, and keeps rows roughly in the
    order written, as SQLite's hidden rowid does. Afterwards every ballot and code carries the count's
    mark, and the ballots lie in an order no one chose. While the session is open the traces exist:
    only someone reading the database's system columns can see them (README, Ballots).
    """
    ballots = list(session.ballots.values_list("answer", "receipt"))
    secrets.SystemRandom().shuffle(ballots)
    session.ballots.all().delete()
    Ballot.objects.bulk_create([Ballot(session=session, answer=answer, receipt=receipt) for answer, receipt in ballots],
                               batch_size=1000)
    session.codes.update(used=F("used"))



def _deliver(*, actor, session: BallotSession) -> bool:
    """Pass the results on; False when they stay on the session for the step to be recorded by hand."""
    tallies = session.tallies
    step = PURPOSE_STEP[SessionPurpose(session.purpose)]
    if step is not None:
        if session.purpose == SessionPurpose.MEETING_REVIEW and session.grade_voted_on != session.grading.declared_grade:
            return False  # the organization declared another grade since: this vote was on the one before
        # The superior who closes a ballot does not record the organization's steps: the one who scheduled it does.
        recorder = next((person for person in (actor, session.created_by)
                         if cycle_access.can_record(person, session.grading)), None)
        if recorder is None:
            return False
        try:
            with transaction.atomic():  # a refused record leaves the count on the session, nothing half-written
                cycle_services.step_record(
                    actor=recorder, grading=session.grading, step=step,
                    held_on=timezone.localdate(min(session.tallied_at, session.closes_at)),
                    participants=tallies["ballots"], votes=dict(tallies["counts"]),
                    notes=_("Anonymous ballot: %(ballots)d ballots of %(issued)d codes.") % {
                        "ballots": tallies["ballots"], "issued": tallies["issued"]})
        except (ValidationError, PermissionDenied, Http404):
            return False
        return True
    if tallies["satisfaction"] is None or session.grading_id is None:
        return False
    standard = cycle_selectors.grading_standard(grading=session.grading)
    if standard is None:
        return False
    standard_services.satisfaction_record(
        actor=actor, organization=session.organization, standard=standard, rate=Decimal(tallies["satisfaction"]),
        evidence=_("anonymous ballot %(title)s, %(ballots)d ballots") % {"title": session.title,
                                                                        "ballots": tallies["ballots"]})
    return True
