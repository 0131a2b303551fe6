from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem
from core.roles import FACTORY_STAFF, MERCHANTS, PLANNING

ITEMS = [
    NavItem(_("Orders"), "orders:list", FACTORY_STAFF | MERCHANTS, order=100),
    NavItem(_("Tech packs"), "orders:styles", FACTORY_STAFF | MERCHANTS, order=110),
    NavItem(_("Quotations"), "orders:quotations", PLANNING | MERCHANTS, order=125),
    NavItem(_("Webhooks"), "orders:webhooks", MERCHANTS, order=140),
]
