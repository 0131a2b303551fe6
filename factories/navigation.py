from django.utils.translation import gettext_lazy as _

from core.navigation import SETTINGS, NavItem
from core.roles import FACTORY_STAFF, MERCHANTS, SUPPLIERS

ITEMS = [
    NavItem(
        _("Partners"),
        "factories:partnerships",
        FACTORY_STAFF | MERCHANTS | SUPPLIERS,
        order=800,
        group=SETTINGS,
    ),
]
