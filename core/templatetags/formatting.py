"""Template filters for what people read: ``{% load formatting %}{{ rule.share|percent }}`` and
``{{ event.actor|person }}`` (core.formatting)."""

from django import template

from core import formatting

register = template.Library()


@register.filter
def percent(share) -> str:
    return formatting.percent(share)


@register.filter
def person(user) -> str:
    return formatting.person(user)
