"""The set-up checklist items factories owns (registered in FactoriesConfig.ready; see
core.setup_checklist). Each count takes the acting factory's Organization."""

from django.utils.translation import gettext_lazy as _

from core.models import Invitation, Membership
from core.roles import OWNERS, OrgKind
from core.setup_checklist import ChecklistItem
from factories.models import Factory, Partnership, SewingLine, Shift, Station, Worker


def lines_count(organization) -> int:
    return SewingLine.objects.filter(factory_id=organization.pk, is_active=True).count()


def stations_count(organization) -> int:
    return Station.objects.filter(factory_id=organization.pk).count()


def workers_count(organization) -> int:
    return Worker.objects.filter(factory_id=organization.pk, is_active=True).count()


def shifts_count(organization) -> int:
    return Shift.objects.filter(factory_id=organization.pk).count()


def calendar_checked(organization) -> int:
    """1 once the owner has confirmed the calendar, else 0."""
    return int(
        Factory.objects.filter(pk=organization.pk, calendar_checked_at__isnull=False).exists()
    )


def merchants_count(organization) -> int:
    return Partnership.objects.filter(
        factory_id=organization.pk,
        status=Partnership.Status.ACCEPTED,
        partner__kind=OrgKind.MERCHANT,
    ).count()


def people_invited_count(organization) -> int:
    """Members other than the owners, and invitations still open."""
    members = (
        Membership.objects.filter(organization=organization, is_active=True)
        .exclude(role__in=OWNERS)
        .count()
    )
    pending = Invitation.objects.filter(
        organization=organization, status=Invitation.Status.PENDING
    ).count()
    return members + pending


ITEMS = [
    ChecklistItem("lines", _("Lines"), lines_count, "factories:lines", order=10),
    ChecklistItem("stations", _("Stations"), stations_count, "factories:stations", order=20),
    ChecklistItem("workers", _("Workers"), workers_count, "factories:workers", order=30),
    ChecklistItem("shifts", _("Shifts"), shifts_count, "factories:shifts", order=40),
    ChecklistItem(
        "calendar", _("Calendar checked"), calendar_checked, "factories:calendar", order=50
    ),
    ChecklistItem(
        "merchants", _("A merchant partner"), merchants_count, "factories:partnerships", order=90
    ),
    ChecklistItem(
        "people",
        _("People invited"),
        people_invited_count,
        "core:people",
        order=100,
        link_roles=OWNERS,  # the People page is the owner's
    ),
]
