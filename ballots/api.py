"""The JSON API of anonymous ballots, on the same services, selectors and access rules as the pages.

Sessions (list, schedule, read, close; results only once closed), codes (issued and returned in
plain text once, the only time they exist), paper tallies (enter, confirm by a second person), and
the public receipt list. No endpoint reads individual ballots. Voting itself is the phone page
(``POST /v/<key>/``): it needs no account, which this API always does.
"""

import datetime

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from ballots import access, selectors, services
from ballots.choices import SessionPurpose
from ballots.models import BallotSession, PaperTally
from core.api import Pagination, error_body
from cycles import access as cycle_access
from orgs import access as org_access

router = Router(tags=["ballots"])


def label(model, name: str):
    return model._meta.get_field(name).verbose_name


SessionId = Path[int, {"title": BallotSession._meta.verbose_name}]
TallyId = Path[int, {"title": PaperTally._meta.verbose_name}]


class SessionIn(Schema):
    model_config = ConfigDict(use_enum_values=True)

    organization: int = Field(title=label(BallotSession, "organization"))
    purpose: SessionPurpose = Field(title=label(BallotSession, "purpose"))
    grading: int | None = Field(None, title=label(BallotSession, "grading"),
                                description="The organization's grading: required for a step's ballot; for a "
                                            "satisfaction survey, the score sheets its rate goes to.")
    title: str = Field("", max_length=200, title=label(BallotSession, "title"))
    opens_at: datetime.datetime = Field(title=label(BallotSession, "opens_at"))
    closes_at: datetime.datetime = Field(title=label(BallotSession, "closes_at"))
    quorum: int = Field(1, ge=1, le=services.MAX_VOTERS, title=label(BallotSession, "quorum"))
    voters: int | None = Field(None, ge=1, le=services.MAX_VOTERS, title=label(BallotSession, "voters"),
                               description="How many people it is for, which bounds the codes issued before it "
                                           "opens; a member review takes the party members of the basic facts.")


class SessionOut(Schema):
    id: int
    organization_id: int
    grading_id: int | None
    purpose: str
    question_kind: str
    title: str
    answers: list[str]
    grade_voted_on: str = Field(description="A joint meeting's ballot: the declared grade it votes on; else empty.")
    quorum: int
    voters: int
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    opened_at: datetime.datetime | None = Field(description="When a second person opened it; null until then.")
    state: str = Field(description="scheduled, open, ended (not yet counted), closed (counted) or void (closed "
                                   "with no ballot: nothing passed on).")
    closed: bool
    delivered: bool
    results: dict | None = Field(None, description="The counts, turnout and satisfaction rate; null until closed.")
    vote_path: str
    receipts_path: str

    @staticmethod
    def resolve_results(session):
        return session.tallies if session.closed else None

    @staticmethod
    def resolve_vote_path(session):
        return reverse("ballots:vote", args=[session.public_key])

    @staticmethod
    def resolve_receipts_path(session):
        return reverse("ballots:receipts", args=[session.public_key])


class BelowOut(Schema):
    id: int
    organization_id: int
    organization: str
    title: str
    purpose: str
    state: str
    voters: int
    issued: int = Field(description="Codes issued.")
    cast: int = Field(description="Ballots cast on phones so far.")
    quorum: int
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    opened_at: datetime.datetime | None

    @staticmethod
    def resolve_organization(session):
        return session.organization.name


class CodesIn(Schema):
    count: int = Field(ge=1, le=services.MAX_CODES, title=gettext_lazy("Number of codes"))


class CodesOut(Schema):
    codes: list[str] = Field(description="The codes, grouped ABCDE-FGHIJ: returned this once and never again.")
    vote_url: str = Field(description="The voting address; a QR code carries it with the code after '#'.")


class TallyIn(Schema):
    counts: dict[str, int] = Field(title=label(PaperTally, "counts"), description="Paper ballots per answer.")
    issued: int | None = Field(None, ge=0, le=services.MAX_VOTERS, title=label(PaperTally, "issued"),
                               description="Paper ballots handed out; by default the number counted.")


class TallyOut(Schema):
    id: int
    session_id: int
    counts: dict[str, int]
    issued: int
    entered_by: str
    entered_at: datetime.datetime
    confirmed_by: str | None
    confirmed_at: datetime.datetime | None

    @staticmethod
    def resolve_entered_by(tally):
        return tally.entered_by.get_username()

    @staticmethod
    def resolve_confirmed_by(tally):
        return tally.confirmed_by.get_username() if tally.confirmed_by else None


class ReceiptsOut(Schema):
    published: bool = Field(description="false until the session is closed and counted.")
    receipts: list[str]


class ErrorOut(Schema):
    detail: str
    errors: list[dict]


@router.get("/sessions", response=list[SessionOut])
@paginate(Pagination)
def session_list(request, organization: int):
    """An organization's ballot sessions, the latest first."""
    organization = org_access.get_organization_for(request.user, organization)
    return selectors.session_list(user=request.user, organization=organization)


@router.get("/below", response=list[BelowOut])
@paginate(Pagination)
def sessions_below(request, organization: int):
    """Every ballot of the organizations under this one, with voters, codes issued, ballots cast so far and
    quorum: what the superior watches so that no one fills a ballot box alone."""
    level = org_access.get_organization_for(request.user, organization)
    return selectors.sessions_below(user=request.user, level=level)


@router.post("/sessions", response={201: SessionOut})
def session_create(request, payload: SessionIn):
    """Schedule a ballot for an organization (a step's ballot names its grading)."""
    organization = org_access.get_organization_for(request.user, payload.organization)
    grading = cycle_access.get_grading_for(request.user, payload.grading) if payload.grading is not None else None
    opens_at, closes_at = (moment if timezone.is_aware(moment) else timezone.make_aware(moment)  # local time when unmarked
                           for moment in (payload.opens_at, payload.closes_at))
    session = services.session_create(
        actor=request.user, organization=organization, purpose=payload.purpose, grading=grading, title=payload.title,
        opens_at=opens_at, closes_at=closes_at, quorum=payload.quorum, voters=payload.voters)
    return Status(201, session)


@router.get("/sessions/{session_id}", response=SessionOut)
def session_detail(request, session_id: SessionId):
    """One session; its results are null until it is closed and counted."""
    return access.get_session_for(request.user, session_id)


@router.get("/sessions/{session_id}/results", response={200: dict, 409: ErrorOut})
def session_results(request, session_id: SessionId):
    """The counted results: counts per answer, ballots (phones and paper), turnout, satisfaction rate.
    409 while the session is open: results stay sealed until the count."""
    session = access.get_session_for(request.user, session_id)
    results = selectors.session_results(user=request.user, session=session)
    if results is None:
        return Status(409, error_body(_("The results are sealed until the ballot is closed and counted.")))
    return results


@router.post("/sessions/{session_id}/open", response=SessionOut)
def session_open(request, session_id: SessionId):
    """Open the ballot for voting (from its opening time): a second person's act, the superior or another
    of the organization's people than the one who scheduled it, once the codes are issued."""
    session = access.get_session_for(request.user, session_id, access.RUN)
    return services.session_open(actor=request.user, session=session)


@router.post("/sessions/{session_id}/close", response=SessionOut)
def session_close(request, session_id: SessionId):
    """Close the ballot, count it once (with the confirmed paper tallies) and pass the results on; a second
    person's act, as opening it."""
    session = access.get_session_for(request.user, session_id, access.RUN)
    return services.session_close(actor=request.user, session=session)


@router.post("/sessions/{session_id}/codes", response={201: CodesOut})
def codes_generate(request, session_id: SessionId, payload: CodesIn):
    """Issue one-time codes. They are returned this once: only keyed hashes are stored. Before the ballot
    opens, up to one per voter; more, or any once it is open, only a second person issues."""
    session = access.get_session_for(request.user, session_id, access.RUN)
    codes = services.codes_generate(actor=request.user, session=session, count=payload.count)
    return Status(201, {"codes": [services.grouped(code) for code in codes],
                        "vote_url": request.build_absolute_uri(reverse("ballots:vote", args=[session.public_key]))})


@router.get("/sessions/{session_id}/tallies", response=list[TallyOut])
def paper_tally_list(request, session_id: SessionId):
    """The session's paper tallies, confirmed or not."""
    session = access.get_session_for(request.user, session_id)
    return list(selectors.paper_tally_list(session=session))


@router.post("/sessions/{session_id}/tallies", response={201: TallyOut})
def paper_tally_enter(request, session_id: SessionId, payload: TallyIn):
    """Enter the counts of paper ballots; a second person confirms them."""
    session = access.get_session_for(request.user, session_id, access.RUN)
    return Status(201, services.paper_tally_enter(actor=request.user, session=session, counts=payload.counts,
                                                  issued=payload.issued))


@router.post("/tallies/{tally_id}/confirm", response=TallyOut)
def paper_tally_confirm(request, tally_id: TallyId):
    """Confirm a paper tally entered by someone else; only confirmed tallies are counted."""
    tally = access.get_tally_for(request.user, tally_id)
    return services.paper_tally_confirm(actor=request.user, tally=tally)


@router.get("/sessions/{session_id}/receipts", response=ReceiptsOut, auth=None)
def receipt_list(request, session_id: SessionId):
    """The receipts of a closed session's phone ballots, sorted (public, like its page; no answers)."""
    try:
        session = BallotSession.objects.get(pk=session_id)
    except BallotSession.DoesNotExist:
        raise Http404 from None
    listed = selectors.receipt_list(session=session)
    return {"published": listed is not None, "receipts": [services.grouped(r, 4) for r in listed or []]}
