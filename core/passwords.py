"""Password rules beyond Django's own: the minimum length in words the zh-hans catalogue has (Django 5.2's
message for it has no Chinese translation, so a Chinese page would show it in English)."""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum length, its refusal and help text worded in Jinwei's catalogue."""

    def get_error_message(self):
        return ngettext("Password: it is too short; please use at least %(count)d character.",
                        "Password: it is too short; please use at least %(count)d characters.",
                        self.min_length) % {"count": self.min_length}

    def get_help_text(self):
        return ngettext("At least %(count)d character.", "At least %(count)d characters.",
                        self.min_length) % {"count": self.min_length}
