from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    """Kinds of party organization (seeds/000: 党委, 党总支, 党支部; seeds/002: 党工委)."""

    COMMITTEE = "committee", _("Party committee")  # 党委
    WORKING_COMMITTEE = "working_committee", _("Party working committee")  # 党工委
    GENERAL_BRANCH = "general_branch", _("General party branch")  # 党总支
    BRANCH = "branch", _("Party branch")  # 党支部
    LEADING_GROUP = "leading_group", _("Party leadership group")  # 党组
    DEPARTMENT = "department", _("Organization department")  # 组织部 (county and above)


class Sector(models.TextChoices):
    """领域: the sectors of DESIGN.md, each with its own standard and veto clauses (seeds/002)."""

    VILLAGE = "village", _("Village")
    COMMUNITY = "community", _("Community")
    AGENCY = "agency", _("Government agency")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution")
    SOE = "soe", _("State-owned enterprise")
    FINANCIAL = "financial", _("Financial institution")
    NON_PUBLIC_ENTERPRISE = "non_public_enterprise", _("Non-public enterprise")
    SOCIAL_ORG = "social_org", _("Social organization")
    UNIVERSITY = "university", _("University")
    STREET_COMMITTEE = "street_committee", _("Street working committee")
    REMOTE_EDUCATION_SITE = "remote_education_site", _("Remote-education site")
    REGIONAL = "regional", _("Regional (province, city, county, town)")


class VenueStatus(models.TextChoices):
    """活动场所情况 as the Hunan ledger records it (seeds/004): 已建 / 某月完工 / 没有."""

    BUILT = "built", _("Built")
    UNDER_CONSTRUCTION = "under_construction", _("Under construction")
    NONE = "none", _("None")


class Role(models.TextChoices):
    """What a person does on an organization; the role reaches its whole subtree for reading."""

    ADMIN = "admin", _("Organization-department administrator")
    REVIEWER = "reviewer", _("Reviewer (unit committee)")
    SECRETARY = "secretary", _("Branch secretary")
    MEMBER = "member", _("Party member")
    OBSERVER = "observer", _("Read-only observer")
