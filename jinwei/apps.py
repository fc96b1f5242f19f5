from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JinweiConfig(AppConfig):
    """The project itself: the pages and commands that bring every app together (the home page, the demo)."""

    name = "jinwei"
    verbose_name = _("Jinwei")
