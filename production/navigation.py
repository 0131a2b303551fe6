from django.utils.translation import gettext_lazy as _

from core.home import HomeCard, Severity
from core.navigation import ORDERS, PRODUCTION, QUALITY, NavItem
from core.roles import FACTORY_STAFF, FLOOR, MERCHANTS, PLANNING, Role
from core.roles import QUALITY as QUALITY_ROLES
from factories.clock import factory_today
from production.selectors import work_orders_listed

ITEMS = [
    NavItem(_("Plan"), "production:schedule", FACTORY_STAFF, order=30, group=PRODUCTION),
    NavItem(_("Work orders"), "production:work-orders", FACTORY_STAFF, order=31, group=PRODUCTION),
    NavItem(_("Cutting"), "production:cutting", FACTORY_STAFF, order=31, group=PRODUCTION),
    NavItem(_("Scan"), "production:scan", FLOOR | {Role.WORKER}, order=32, group=PRODUCTION),
    NavItem(_("WIP"), "production:wip", FACTORY_STAFF, order=33, group=PRODUCTION),
    NavItem(_("Records"), "production:records", FLOOR, order=34, group=PRODUCTION),
    NavItem(_("Quality"), "production:quality", QUALITY_ROLES, order=35, group=QUALITY),
    # Merchants' pages at orders' addresses that need production's promises and lead times.
    NavItem(_("New order"), "production_orders:new", MERCHANTS, order=101, group=ORDERS),
    NavItem(_("Sell-through"), "production_orders:sales", MERCHANTS, order=120, group=ORDERS),
    NavItem(_("Find a factory"), "production_orders:matching", MERCHANTS, order=130, group=ORDERS),
]


def _work_orders(queue: str):
    def count(organization, user) -> int:
        factory = organization.factory
        return work_orders_listed(factory, queue=queue, today=factory_today(factory)).count()

    return count


# The counts read the selector the work-order list shows with the same queue
# (production.views.work_orders).
HOME_CARDS = [
    HomeCard(
        "work-orders-late",
        _("Late work orders"),
        FLOOR,
        _work_orders("late"),
        "production:work-orders",
        query="queue=late",
        severity=Severity.DANGER,
        order=0,
    ),
    HomeCard(
        "work-orders-to-release",
        _("Materials to release to cutting"),
        PLANNING | {Role.WAREHOUSE_CLERK},
        _work_orders("release"),
        "production:work-orders",
        query="queue=release",
        order=20,
    ),
    HomeCard(
        "final-audits-due",
        _("Final audits due"),
        QUALITY_ROLES,
        _work_orders("audit"),
        "production:work-orders",
        query="queue=audit",
        severity=Severity.WARNING,
        order=21,
    ),
]
