"""The JSON API of the organization tree, by sub-topic: ``organizations`` (the tree, basic facts, role
assignments) and ``jobs`` (the tree's import and export, the people import)."""

from orgs.api.jobs import jobs_router
from orgs.api.organizations import roles_router, router

__all__ = ["jobs_router", "roles_router", "router"]
