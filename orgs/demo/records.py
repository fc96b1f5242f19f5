"""The demo's organizations and yearly basic facts as plain records, before they are loaded."""

import calendar
import datetime
from dataclasses import dataclass

from orgs import services
from orgs.choices import VenueStatus


@dataclass(frozen=True)
class DemoOrganization:
    """One organization of the demo, under the organization with ``parent_code``."""

    code: str
    name: str
    kind: str
    sector: str
    parent_code: str | None
    short_name: str = ""
    secretary: str = ""
    first_secretary: str = ""


@dataclass(frozen=True)
class DemoFacts:
    """One year's basic facts (基本情况) of the organization with ``code``."""

    code: str
    year: int
    members_total: int
    probationary_members: int = 0
    female_members: int = 0
    members_under_35: int = 0
    college_members: int = 0
    leadership_size: int = 0
    mobile_members: int = 0
    venue_status: str = VenueStatus.BUILT
    venue_expected_completion: datetime.date | None = None
    main_features: str = ""
    problems: str = ""

    def fields(self) -> dict:
        """The keyword arguments of ``services.facts_save``."""
        return {name: getattr(self, name) for name in services.FACT_FIELDS}


def month_end(year: int, month: int) -> datetime.date:
    """"2012年8月完工" means done within August: the expected completion is the month's last day."""
    return datetime.date(year, month, calendar.monthrange(year, month)[1])
