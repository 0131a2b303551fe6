from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem
from core.roles import FACTORY_STAFF, FLOOR, MERCHANTS, QUALITY, Role

ITEMS = [
    NavItem(_("Plan"), "production:schedule", FACTORY_STAFF, order=30),
    NavItem(_("Work orders"), "production:work-orders", FACTORY_STAFF, order=31),
    NavItem(_("Cutting"), "production:cutting", FACTORY_STAFF, order=31),
    NavItem(_("Scan"), "production:scan", FLOOR | {Role.WORKER}, order=32),
    NavItem(_("WIP"), "production:wip", FACTORY_STAFF, order=33),
    NavItem(_("Records"), "production:records", FLOOR, order=34),
    NavItem(_("Quality"), "production:quality", QUALITY, order=35),
    # Merchants' pages at orders' addresses that need production's promises and lead times.
    NavItem(_("New order"), "production_orders:new", MERCHANTS, order=101),
    NavItem(_("Sell-through"), "production_orders:sales", MERCHANTS, order=120),
    NavItem(_("Find a factory"), "production_orders:matching", MERCHANTS, order=130),
]
