from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem
from core.roles import FLOOR, PAYROLL, PLANNING, Role

ITEMS = [
    NavItem(_("My pay"), "payroll:me", frozenset({Role.WORKER}), order=60),
    NavItem(_("Payroll"), "payroll:periods", PAYROLL, order=600),
    NavItem(_("Pay disputes"), "payroll:disputes", PAYROLL, order=610),
    NavItem(_("Attendance"), "payroll:attendance", FLOOR | PAYROLL, order=620),
    NavItem(_("Pay rates"), "payroll:rates", PAYROLL, order=630),
    NavItem(_("Costing"), "payroll:costing", PLANNING, order=640),
]
