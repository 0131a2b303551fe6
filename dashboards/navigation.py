from django.utils.translation import gettext_lazy as _

from core.home import HomeCard
from core.navigation import ORDERS, PRODUCTION, REPORTS, SETTINGS, NavItem
from core.roles import DISTRICT, FACTORY_STAFF, MANAGERS, MERCHANTS
from dashboards.selectors import district_sharing_count

ITEMS = [
    NavItem(_("Factory screen"), "dashboards:factory", FACTORY_STAFF, order=1, group=PRODUCTION),
    NavItem(_("Order tracking"), "dashboards:tracking", MERCHANTS, order=1, group=ORDERS),
    NavItem(_("District report"), "dashboards:district", DISTRICT, order=1, group=REPORTS),
    NavItem(_("Data profile"), "dashboards:profile", MANAGERS, order=800, group=SETTINGS),
]


def _district_factories(organization, user) -> int:
    return district_sharing_count(organization)


# The count is the number of factories the district report lists by name
# (dashboards.selectors.district_report).
HOME_CARDS = [
    HomeCard(
        "district-report",
        _("Factories in this month's district report"),
        DISTRICT,
        _district_factories,
        "dashboards:district",
        order=0,
    ),
]
