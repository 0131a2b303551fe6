from django.utils.translation import gettext_lazy as _

from core.home import HomeCard, Severity
from core.navigation import SETTINGS, NavItem
from core.roles import FACTORY_STAFF, FLOOR, MANAGERS
from devices.selectors import live_alarms

ITEMS = [
    NavItem(_("Devices"), "devices:list", FACTORY_STAFF, order=600, group=SETTINGS),
    NavItem(_("Alarms"), "devices:alarms", FACTORY_STAFF, order=610, group=SETTINGS),
    NavItem(_("Register maps"), "devices:register-maps", MANAGERS, order=620, group=SETTINGS),
]


def _live_alarms(organization, user) -> int:
    return live_alarms(organization).count()


# The count reads the selector the alarm list shows (devices.views.alarm_list).
HOME_CARDS = [
    HomeCard(
        "alarms",
        _("Open alarms"),
        FLOOR,
        _live_alarms,
        "devices:alarms",
        severity=Severity.DANGER,
        order=2,
    ),
]
