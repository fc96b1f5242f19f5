"""The demo data: Lanshan county's real sample ledger (seeds/004) and a district shaped like Chenghua (seeds/002).

``demo_load`` builds it through the services (``organization_create``, ``facts_save``,
``user_create``, ``role_assignment_create``) acting as the superuser ``admin``, so the audit log
of the demo is the one real use would write. It only adds what is missing: an organization is
known by its official code, a year's facts by (organization, year), a user by user name, so a
second run changes nothing, and what people changed in the demo since is kept.

Lanshan (蓝山县, 湖南省永州市) is the sample of 附件三 of seeds/004: five village branches with
their 2012 facts as the ledger states them. The ledger's grading and rectification columns are
kept here as data (``LANSHAN_LEDGER``) for the ledger and grading features; they are not loaded.
The Chenghua-shaped district (成华区, 成都市) follows seeds/002: street working committees
(街道党工委) with their communities, non-public enterprises, social organizations and
remote-education sites, plus the district organs' working committee and two system committees
(区直机关工委, 系统党委). Its names, secretaries and facts are invented but plausible, and the
same on every run.

By sub-topic: the records, Lanshan, the Chenghua-shaped district, loading them with the demo users.
"""

from orgs.demo.chenghua import (
    ASSOCIATIONS,
    CHENGHUA_COMMUNITIES,
    CHENGHUA_DISTRICT,
    CHENGHUA_SEED,
    CHENGHUA_STREETS,
    DISTRICT_AGENCIES,
    DISTRICT_HEALTH,
    DISTRICT_SCHOOLS,
    ENTERPRISE_STEMS,
    FEATURES,
    GIVEN,
    HONGXING,
    INDUSTRIES,
    MENGZHUIWAN,
    PROBLEMS,
    SURNAMES,
    WANGPING,
    chenghua_data,
)
from orgs.demo.lanshan import (
    HUNAN_GRADES,
    LANSHAN_COUNTY,
    LANSHAN_FACTS,
    LANSHAN_LEDGER,
    LANSHAN_ORGANIZATIONS,
    LANSHAN_YEAR,
    MAOJUN,
    SICUN,
    TUSHI,
    LedgerSample,
)
from orgs.demo.loading import ADMIN_PASSWORD, ADMIN_USERNAME, DEMO_USERS, DemoLoadResult, DemoLogin, DemoUser, demo_load
from orgs.demo.records import DemoFacts, DemoOrganization

__all__ = ["DemoOrganization", "DemoFacts", "LANSHAN_YEAR", "LANSHAN_COUNTY", "MAOJUN", "TUSHI", "SICUN", "LANSHAN_ORGANIZATIONS", "LANSHAN_FACTS", "HUNAN_GRADES", "LedgerSample", "LANSHAN_LEDGER", "CHENGHUA_DISTRICT", "CHENGHUA_SEED", "MENGZHUIWAN", "WANGPING", "HONGXING", "CHENGHUA_STREETS", "CHENGHUA_COMMUNITIES", "ENTERPRISE_STEMS", "INDUSTRIES", "ASSOCIATIONS", "DISTRICT_AGENCIES", "DISTRICT_SCHOOLS", "DISTRICT_HEALTH", "SURNAMES", "GIVEN", "FEATURES", "PROBLEMS", "chenghua_data", "ADMIN_USERNAME", "ADMIN_PASSWORD", "DemoUser", "DEMO_USERS", "DemoLogin", "DemoLoadResult", "demo_load"]
