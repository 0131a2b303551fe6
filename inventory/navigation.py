from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem
from core.roles import FACTORY_STAFF, PLANNING, SUPPLIERS, WAREHOUSE

ITEMS = [
    NavItem(_("Stock"), "inventory:stock", FACTORY_STAFF, order=300),
    NavItem(_("Materials"), "inventory:materials", FACTORY_STAFF, order=305),
    NavItem(_("Shortages"), "inventory:shortages", FACTORY_STAFF, order=310),
    NavItem(
        _("Purchase orders"), "inventory:purchase-orders", FACTORY_STAFF | SUPPLIERS, order=320
    ),
    NavItem(_("Suppliers"), "inventory:suppliers", FACTORY_STAFF, order=325),
    NavItem(_("Cycle count"), "inventory:counts", WAREHOUSE, order=330),
    NavItem(_("Stock value"), "inventory:value", PLANNING, order=340),
]
