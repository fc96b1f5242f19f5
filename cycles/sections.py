"""Sections this app adds to other apps' pages (named on CyclesConfig)."""

from cycles import selectors


def organization_gradings_section(*, user, organization) -> dict:
    """On an organization's page: its gradings, latest year first."""
    return {"template": "cycles/_organization_gradings.html",
            "grading_history": selectors.grading_history(user=user, organization=organization)[:20]}
