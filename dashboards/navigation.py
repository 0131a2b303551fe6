from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem
from core.roles import DISTRICT, FACTORY_STAFF, MANAGERS, MERCHANTS

ITEMS = [
    NavItem(_("Factory screen"), "dashboards:factory", FACTORY_STAFF, order=1),
    NavItem(_("Order tracking"), "dashboards:tracking", MERCHANTS, order=1),
    NavItem(_("District report"), "dashboards:district", DISTRICT, order=1),
    NavItem(_("Data profile"), "dashboards:profile", MANAGERS, order=800),
]
