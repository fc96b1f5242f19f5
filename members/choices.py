from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Education(models.TextChoices):
    """学历 as a roster records it; 大专 and above count as college-educated (Hunan 基本情况, seeds/004)."""

    PRIMARY = "primary", _("Primary school or below")
    JUNIOR = "junior", _("Junior middle school")
    SENIOR = "senior", _("Senior middle school or technical school")
    COLLEGE = "college", _("Junior college")
    BACHELOR = "bachelor", _("Bachelor's degree")
    POSTGRADUATE = "postgraduate", _("Postgraduate")


COLLEGE_EDUCATION = frozenset({Education.COLLEGE, Education.BACHELOR, Education.POSTGRADUATE})


class MemberStatus(models.TextChoices):
    """Where the member stands in the branch's roster."""

    ACTIVE = "active", _("In the branch")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    DECEASED = "deceased", _("Deceased")
