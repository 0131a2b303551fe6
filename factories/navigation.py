from django.utils.translation import gettext_lazy as _

from core.navigation import HOME, SETTINGS, NavItem
from core.roles import (
    FACTORY_STAFF,
    MANAGERS,
    MERCHANTS,
    OWNERS,
    PLANNING,
    PLATFORM_OPERATORS,
    SUPPLIERS,
)

ITEMS = [
    NavItem(
        _("Partners"),
        "factories:partnerships",
        FACTORY_STAFF | MERCHANTS | SUPPLIERS,
        order=800,
        group=SETTINGS,
    ),
    NavItem(_("Platform console"), "platform:tenants", PLATFORM_OPERATORS, order=10, group=HOME),
    NavItem(_("Factory set-up"), "factories:setup", MANAGERS | PLANNING, order=850, group=SETTINGS),
    NavItem(_("Our data"), "factories:data", OWNERS, order=860, group=SETTINGS),
]
