from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem
from core.roles import FACTORY_STAFF, MANAGERS

ITEMS = [
    NavItem(_("Devices"), "devices:list", FACTORY_STAFF, order=600),
    NavItem(_("Alarms"), "devices:alarms", FACTORY_STAFF, order=610),
    NavItem(_("Register maps"), "devices:register-maps", MANAGERS, order=620),
]
