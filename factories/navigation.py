from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem
from core.roles import FACTORY_STAFF, MANAGERS, MERCHANTS, PLANNING, SUPPLIERS

ITEMS = [
    NavItem(
        _("Partners"), "factories:partnerships", FACTORY_STAFF | MERCHANTS | SUPPLIERS, order=800
    ),
    NavItem(_("Factory set-up"), "factories:setup", MANAGERS | PLANNING, order=850),
]
