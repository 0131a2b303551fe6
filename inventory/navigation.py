from django.utils.translation import gettext_lazy as _

from core.home import HomeCard, Severity
from core.navigation import MATERIALS, NavItem
from core.roles import FACTORY_STAFF, PLANNING, SUPPLIERS, WAREHOUSE
from factories.clock import factory_today
from inventory.selectors import latest_shortages, overdue_purchase_orders_count, purchase_orders_for

ITEMS = [
    NavItem(_("Stock"), "inventory:stock", FACTORY_STAFF, order=300, group=MATERIALS),
    NavItem(_("Materials"), "inventory:materials", FACTORY_STAFF, order=305, group=MATERIALS),
    NavItem(_("Shortages"), "inventory:shortages", FACTORY_STAFF, order=310, group=MATERIALS),
    NavItem(
        _("Purchase orders"),
        "inventory:purchase-orders",
        FACTORY_STAFF | SUPPLIERS,
        order=320,
        group=MATERIALS,
    ),
    NavItem(_("Suppliers"), "inventory:suppliers", FACTORY_STAFF, order=325, group=MATERIALS),
    NavItem(_("Cycle count"), "inventory:counts", WAREHOUSE, order=330, group=MATERIALS),
    NavItem(_("Stock value"), "inventory:value", PLANNING, order=340, group=MATERIALS),
]


def _purchase_orders(status: str):
    def count(organization, user) -> int:
        return purchase_orders_for(organization, status=status).count()

    return count


def _overdue(organization, user) -> int:
    factory = organization.factory
    return overdue_purchase_orders_count(factory, today=factory_today(factory))


def _shortages(organization, user) -> int:
    return latest_shortages(organization.factory).count()


# The counts read the selectors the linked lists show (inventory.views.purchase_orders,
# purchase_orders_overdue, shortages).
HOME_CARDS = [
    HomeCard(
        "purchase-orders-to-send",
        _("Purchase orders to send"),
        WAREHOUSE,
        _purchase_orders("draft"),
        "inventory:purchase-orders",
        query="status=draft",
        order=30,
    ),
    HomeCard(
        "purchase-orders-to-receive",
        _("Purchase orders to receive"),
        WAREHOUSE,
        _purchase_orders("to_receive"),
        "inventory:purchase-orders",
        query="status=to_receive",
        order=31,
    ),
    HomeCard(
        "purchase-orders-overdue",
        _("Overdue purchase orders"),
        WAREHOUSE,
        _overdue,
        "inventory:purchase-orders-overdue",
        severity=Severity.DANGER,
        order=3,
    ),
    HomeCard(
        "shortages",
        _("Material shortages"),
        WAREHOUSE,
        _shortages,
        "inventory:shortages",
        severity=Severity.WARNING,
        order=32,
    ),
    HomeCard(
        "supplier-to-confirm",
        _("Purchase orders to confirm"),
        SUPPLIERS,
        _purchase_orders("sent"),
        "inventory:purchase-orders",
        query="status=sent",
        severity=Severity.WARNING,
        order=10,
    ),
    HomeCard(
        "supplier-to-ship",
        _("Purchase orders to ship"),
        SUPPLIERS,
        _purchase_orders("confirmed"),
        "inventory:purchase-orders",
        query="status=confirmed",
        order=11,
    ),
]
