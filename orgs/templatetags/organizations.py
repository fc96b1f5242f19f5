from django import template

from orgs import access

register = template.Library()


@register.filter
def can_view(user, organization) -> bool:
    """A link to an organization only for those who may open it: above one's scope it would answer 404."""
    return organization is not None and access.can_view(user, organization)
