"""dashboards' models in the support desk's admin (core.admin.SupportAdmin: read-mostly,
filtered by tenant)."""

from django.contrib import admin

from core.admin import SupportAdmin
from dashboards.models import (
    FactoryDay,
    LineDay,
    MachineHour,
    OutputHour,
    ProfileLink,
    ProfileLinkView,
    SyntheticHistory,
)

admin.site.register(
    [
        FactoryDay,
        LineDay,
        MachineHour,
        OutputHour,
        ProfileLink,
        ProfileLinkView,
        SyntheticHistory,
    ],
    SupportAdmin,
)
