"""The quality hold a bundle or a carton can be put on, apart from its workflow status: a held
bundle keeps its place in the flow (cut, in sewing, ...) but cannot be recorded or packed, a
held carton cannot ship. Moved only by production.services.holds (its transition tables)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Hold(models.TextChoices):
    FREE = "free", _("Not on hold")
    HELD = "held", _("On hold")


def hold_field():
    return models.CharField(_("hold"), max_length=4, choices=Hold.choices, default=Hold.FREE)


def hold_reason_field():
    return models.CharField(_("hold reason"), max_length=300, blank=True)
