"""Sections this app adds to other apps' pages (named on StandardsConfig)."""

from django.utils import timezone

from standards import selectors


def organization_scoring_section(*, user, organization) -> dict:
    """On an organization's page: the standard that applies this year, its score sheets under it, and the
    quota checks of the standards its subordinates use."""
    standard = selectors.standard_for(organization=organization, year=timezone.localdate().year)
    sheets = selectors.sheets_for_organization(user=user, organization=organization, standard=standard) if standard else {}
    quotas = [(used, selectors.quota_report(user=user, organization=organization, standard=used))
              for used in selectors.standards_used_below(organization=organization)]
    return {"template": "standards/_organization_scoring.html", "standard": standard, "sheets": sheets,
            "quotas": quotas}
