"""Template filters for what people read: ``{% load formatting %}{{ rule.share|percent }}`` and
``{{ event.actor|person }}`` (core.formatting)."""

from django import template

from core import formatting
from core.versions import version_of

register = template.Library()


@register.filter
def percent(share) -> str:
    return formatting.percent(share)


@register.filter
def person(user) -> str:
    return formatting.person(user)


@register.filter
def version(obj) -> str:
    """The version an edit form carries for the row it shows (core.versions): ``{{ measure|version }}``."""
    return version_of(obj)
