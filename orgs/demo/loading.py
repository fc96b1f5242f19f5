"""Loading the demo through the services as the superuser ``admin``, with the demo users and their roles."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import audit_record
from orgs import services
from orgs.choices import Role
from orgs.demo.chenghua import CHENGHUA_DISTRICT, HONGXING, MENGZHUIWAN, WANGPING, chenghua_data
from orgs.demo.lanshan import LANSHAN_COUNTY, LANSHAN_FACTS, LANSHAN_ORGANIZATIONS, SICUN, TUSHI
from orgs.models import Organization, OrganizationFacts, RoleAssignment

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "jinwei-admin"


@dataclass(frozen=True)
class DemoUser:
    """A demo login: its role on the organization with ``organization_code``; ``title`` is who they play."""

    username: str
    password: str
    full_name: str
    role: str
    organization_code: str
    title: str


DEMO_USERS = [
    DemoUser("lanshan_admin", "lanshan-admin-2012", "雷建华", Role.ADMIN, LANSHAN_COUNTY, "蓝山县委组织部组织员"),
    DemoUser("tushi_reviewer", "tushi-review-2012", "欧阳明", Role.REVIEWER, TUSHI, "土市乡党委组织委员"),
    DemoUser("sicun_secretary", "sicun-branch-2012", "黄玉生", Role.SECRETARY, SICUN, "四村党支部书记"),
    DemoUser("chenghua_admin", "chenghua-admin-2012", "刘晓燕", Role.ADMIN, CHENGHUA_DISTRICT, "成华区委组织部干部"),
    DemoUser("mzw_reviewer", "mengzhuiwan-review-2012", "陈志强", Role.REVIEWER, MENGZHUIWAN, "猛追湾街道党工委组织委员"),
    DemoUser("wangping_secretary", "wangping-branch-2012", "徐永", Role.SECRETARY, WANGPING, "望平社区党支部书记"),
    DemoUser("hongxing_secretary", "hongxing-branch-2012", "叶文福", Role.SECRETARY, HONGXING, "红星社区党支部书记"),
    DemoUser("chenghua_observer", "chenghua-observer-2012", "周敏", Role.OBSERVER, CHENGHUA_DISTRICT,
             "成华区委组织部督查组"),
]


@dataclass(frozen=True)
class DemoLogin:
    """One line of the printed logins; ``existed`` when the user was there before this run."""

    username: str
    password: str
    role: str
    organization: str
    title: str
    existed: bool


@dataclass
class DemoLoadResult:
    """What ``demo_load`` added; all zero on a second run."""

    organizations: int = 0
    facts: int = 0
    users: int = 0
    roles: int = 0
    logins: list[DemoLogin] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.organizations or self.facts or self.users or self.roles)


def _admin_user() -> tuple[object, bool]:
    """The demo's superuser ``admin``, created (and its creation audited) when missing."""
    User = get_user_model()
    admin = User.objects.filter(username=ADMIN_USERNAME).first()
    if admin is not None:
        return admin, False
    admin = User.objects.create_superuser(ADMIN_USERNAME, password=ADMIN_PASSWORD, first_name="系统管理员")
    audit_record(actor=None, obj=admin, action="user.create", after={"username": ADMIN_USERNAME, "superuser": True})
    return admin, True


@transaction.atomic
def demo_load(*, year: int | None = None) -> DemoLoadResult:
    """Load whatever of the demo is missing, through the services, acting as ``admin``.

    ``year`` is the year of the Chenghua-shaped district's facts (this year by default); Lanshan's
    are the sample's 2012. One transaction: a failure leaves nothing half-loaded.
    """
    year = year or timezone.localdate().year
    result = DemoLoadResult()
    admin, admin_created = _admin_user()
    result.users += admin_created
    chenghua_organizations, chenghua_facts = chenghua_data(year=year)
    organizations = LANSHAN_ORGANIZATIONS + chenghua_organizations
    by_code = {org.code: org for org in Organization.objects.filter(code__in=[spec.code for spec in organizations])}
    for spec in organizations:
        if spec.code in by_code:
            continue
        by_code[spec.code] = services.organization_create(
            actor=admin,
            parent=by_code[spec.parent_code] if spec.parent_code else None,
            name=spec.name,
            short_name=spec.short_name,
            code=spec.code,
            kind=spec.kind,
            sector=spec.sector,
            secretary=spec.secretary,
            first_secretary=spec.first_secretary,
        )
        result.organizations += 1

    facts = LANSHAN_FACTS + chenghua_facts
    present = set(OrganizationFacts.objects.filter(organization__in=list(by_code.values())).values_list(
        "organization__code", "year"))
    for spec in facts:
        if (spec.code, spec.year) in present:
            continue
        services.facts_save(actor=admin, organization=by_code[spec.code], year=spec.year, **spec.fields())
        result.facts += 1

    User = get_user_model()
    result.logins.append(DemoLogin(ADMIN_USERNAME, ADMIN_PASSWORD, _("System administrator (superuser)"),
                                   _("all organizations"), "", not admin_created))
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first()
        existed = user is not None
        if user is None:
            user = services.user_create(actor=admin, username=spec.username, password=spec.password,
                                        full_name=spec.full_name, published_password=True)
            result.users += 1
        organization = by_code[spec.organization_code]
        if not RoleAssignment.objects.filter(user=user, organization=organization, role=spec.role).exists():
            services.role_assignment_create(actor=admin, user=user, organization=organization, role=spec.role)
            result.roles += 1
        result.logins.append(DemoLogin(spec.username, spec.password, str(Role(spec.role).label), organization.name,
                                       spec.title, existed))
    return result
