from django.db import models
from django.utils.translation import gettext_lazy as _


class SpotCheckState(models.TextChoices):
    """A spot check's life: the population is frozen, the entropy typed, the sample drawn, the check closed.
    Only spotchecks.services assigns it."""

    DRAFT = "draft", _("Being prepared")
    FROZEN = "frozen", _("Population frozen")
    DRAWN = "drawn", _("Sample drawn")
    CLOSED = "closed", _("Closed")


class Stratification(models.TextChoices):
    """How the population is split before the draw, each stratum drawn on its own."""

    NONE = "", _("No strata")
    SECTOR = "sector", _("By sector")
    GRADE = "grade", _("By grade")


class FindingResult(models.TextChoices):
    """An inspector's word on one checklist item of one sampled organization."""

    MET = "met", _("In order")
    PROBLEM = "problem", _("Problem found")
