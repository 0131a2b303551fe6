from django.utils.translation import gettext_lazy as _

from core.home import HomeCard, Severity
from core.navigation import PEOPLE, PRODUCTION, NavItem
from core.roles import FLOOR, PAYROLL, PLANNING, Role
from payroll.selectors import disputes_for_clerk, my_disputes, periods_of, worker_of

WORKERS = frozenset({Role.WORKER})

ITEMS = [
    NavItem(_("My pay"), "payroll:me", WORKERS, order=60, group=PEOPLE),
    NavItem(_("Payroll"), "payroll:periods", PAYROLL, order=600, group=PEOPLE),
    NavItem(_("Pay disputes"), "payroll:disputes", PAYROLL, order=610, group=PEOPLE),
    NavItem(_("Attendance"), "payroll:attendance", FLOOR | PAYROLL, order=620, group=PEOPLE),
    NavItem(_("Pay rates"), "payroll:rates", PAYROLL, order=630, group=PEOPLE),
    # Costing is planning's (it prices quotations), so it sits with production's pages.
    NavItem(_("Costing"), "payroll:costing", PLANNING, order=640, group=PRODUCTION),
]


def _open_disputes(organization, user) -> int:
    return disputes_for_clerk(organization.factory).count()


def _unpaid_periods(organization, user) -> int:
    return periods_of(organization.factory, unpaid=True).count()


def _my_open_questions(organization, user) -> int:
    worker = worker_of(user, organization.factory)
    return 0 if worker is None else my_disputes(worker, status="open").count()


# The counts read the selectors the linked lists show (payroll.views.disputes, periods, me);

HOME_CARDS = [
    HomeCard(
        "pay-disputes",
        _("Pay disputes to answer"),
        PAYROLL,
        _open_disputes,
        "payroll:disputes",
        severity=Severity.WARNING,
        order=40,
    ),
    HomeCard(
        "pay-periods-unpaid",
        _("Pay periods not paid yet"),
        PAYROLL,
        _unpaid_periods,
        "payroll:periods",
        query="show=unpaid",
        order=41,
    ),
    HomeCard(
        "my-open-questions",
        _("My questions waiting for an answer"),
        WORKERS,
        _my_open_questions,
        "payroll:me",
        query="disputes=open",
        order=10,
    ),
]
