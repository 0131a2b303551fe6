from django.utils.translation import gettext_lazy as _

from core.home import HomeCard, Severity
from core.navigation import ORDERS, NavItem
from core.roles import FACTORY_STAFF, MANAGERS, MERCHANTS, PLANNING
from factories.clock import factory_today
from orders.selectors import orders_for, quotations_for

ITEMS = [
    NavItem(_("Orders"), "orders:list", FACTORY_STAFF | MERCHANTS, order=100, group=ORDERS),
    NavItem(_("Tech packs"), "orders:styles", FACTORY_STAFF | MERCHANTS, order=110, group=ORDERS),
    NavItem(_("Quotations"), "orders:quotations", PLANNING | MERCHANTS, order=125, group=ORDERS),
    NavItem(_("Webhooks"), "orders:webhooks", MERCHANTS, order=140, group=ORDERS),
]


def _orders(status: str):
    def count(organization, user) -> int:
        return orders_for(organization, status=status).count()

    return count


def _late_orders(organization, user) -> int:
    return orders_for(organization, late_on=factory_today(organization.factory)).count()


def _quotations(status: str):
    def count(organization, user) -> int:
        return quotations_for(organization, status=status).count()

    return count


# The counts read the selectors the linked lists show (orders.views.order_list,
# orders.quotation_views.quotation_list).
HOME_CARDS = [
    HomeCard(
        "orders-to-accept",
        _("Orders to accept"),
        PLANNING,
        _orders("placed"),
        "orders:list",
        query="status=placed",
        severity=Severity.WARNING,
        order=10,
    ),
    HomeCard(
        "orders-to-convert",
        _("Orders to convert into work orders"),
        PLANNING,
        _orders("accepted"),
        "orders:list",
        query="status=accepted",
        order=11,
    ),
    HomeCard(
        "late-shipments",
        _("Late shipments"),
        PLANNING | MANAGERS,
        _late_orders,
        "orders:list",
        query="show=late",
        severity=Severity.DANGER,
        order=1,
    ),
    HomeCard(
        "quotations-to-send",
        _("Quotations to send"),
        PLANNING,
        _quotations("draft"),
        "orders:quotations",
        query="status=draft",
        order=12,
    ),
    HomeCard(
        "merchant-drafts",
        _("Draft orders to place"),
        MERCHANTS,
        _orders("draft"),
        "orders:list",
        query="status=draft",
        order=10,
    ),
    HomeCard(
        "merchant-quotations",
        _("Quotations to answer"),
        MERCHANTS,
        _quotations("sent"),
        "orders:quotations",
        query="status=sent",
        severity=Severity.WARNING,
        order=11,
    ),
    HomeCard(
        "merchant-placed",
        _("Orders waiting for the factory"),
        MERCHANTS,
        _orders("placed"),
        "orders:list",
        query="status=placed",
        order=12,
    ),
]
