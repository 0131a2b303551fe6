"""A factory's closure: its owner (or a platform operator) asks to close it; it is read-only for a
grace period on the factory's calendar, during which the owner exports its data or cancels;
after the period its rows are erased in every table (core.erasure). docs/operations.md,
"Closing a tenant".

The factory's status moves through one transition table (active <-> closing), audited. The
read-only rule itself is enforced by core (core.read_only) at each door; this module tells core
which organizations are read-only (`factory_read_only_reason`, registered in apps.ready()).
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import rls
from core.erasure import tenant_erase
from core.errors import NotAllowed
from core.models import Membership, TenantErasure, User
from core.roles import OrgKind, Role
from core.transitions import TransitionTable, transition_apply
from factories.clock import factory_today
from factories.models import Factory

CLOSURE = TransitionTable(
    Factory,
    {
        Factory.Status.ACTIVE: {Factory.Status.CLOSING},
        Factory.Status.CLOSING: {Factory.Status.ACTIVE},
    },
)


def grace_days() -> int:
    return int(settings.SEAMLINE["FACTORY_CLOSURE_GRACE_DAYS"])


def may_close(*, factory: Factory, user: User) -> bool:
    """The factory's active owner, or a platform operator."""
    if user.is_platform_operator:
        return True
    return Membership.objects.filter(
        organization_id=factory.pk, user=user, role=Role.FACTORY_OWNER, is_active=True
    ).exists()


def _refuse_unless_allowed(factory: Factory, by: User) -> None:
    if not may_close(factory=factory, user=by):
        raise NotAllowed(
            _("Only the factory's owner or a platform operator can close it."),
            code="not_owner",
            status_code=403,
        )


def _locked(factory: Factory) -> Factory:
    return Factory.objects.select_for_update(no_key=True).get(pk=factory.pk)


@transaction.atomic
def factory_closure_request(*, factory: Factory, by: User, now: datetime | None = None) -> Factory:
    """Start the closure: the factory is read-only until the grace period's last day (its
    calendar), then erased."""
    _refuse_unless_allowed(factory, by)
    factory = _locked(factory)
    now = now or timezone.now()
    return transition_apply(
        table=CLOSURE,
        instance=factory,
        to=Factory.Status.CLOSING,
        by=by,
        reason="closure requested",
        values={
            "closing_requested_at": now,
            "closing_grace_ends_on": factory_today(factory, now) + timedelta(days=grace_days()),
        },
    )


@transaction.atomic
def factory_closure_cancel(*, factory: Factory, by: User) -> Factory:
    """Cancel the closure during the grace period: the factory is writable again."""
    _refuse_unless_allowed(factory, by)
    factory = _locked(factory)
    return transition_apply(
        table=CLOSURE,
        instance=factory,
        to=Factory.Status.ACTIVE,
        by=by,
        reason="closure cancelled",
        values={"closing_requested_at": None, "closing_grace_ends_on": None},
    )


def read_only_message(grace_ends_on: date) -> str:
    return _(
        "This factory is closing and is read-only until %(date)s. Its owner can still export "
        "its data or cancel the closure."
    ) % {"date": date_format(grace_ends_on, "DATE_FORMAT")}


def factory_read_only_reason(org) -> str | None:
    """core.read_only's resolver: a closing factory may be read, not written."""
    if org.kind != OrgKind.FACTORY:
        return None
    ends_on = (
        Factory.objects.filter(pk=org.pk, status=Factory.Status.CLOSING)
        .values_list("closing_grace_ends_on", flat=True)
        .first()
    )
    return None if ends_on is None else read_only_message(ends_on)


def is_past_grace(factory: Factory, now: datetime | None = None) -> bool:
    return (
        factory.status == Factory.Status.CLOSING
        and factory.closing_grace_ends_on is not None
        and factory_today(factory, now) > factory.closing_grace_ends_on
    )


def factory_erase(*, factory: Factory, now: datetime | None = None) -> TenantErasure:
    """Erase a closing factory whose grace period is over (core.erasure); refused before."""
    with rls.platform():
        factory = Factory.objects.get(pk=factory.pk)
    if not is_past_grace(factory, now):
        raise NotAllowed(
            _("This factory can be erased only after its closure's grace period."),
            code="grace_not_over",
        )
    return tenant_erase(tenant_id=factory.pk)


def factory_closures_erase_due(*, now: datetime | None = None) -> list[TenantErasure]:
    """Erase every closing factory whose grace period is over (the beat task and the command)."""
    with rls.platform():
        closing = list(Factory.objects.filter(status=Factory.Status.CLOSING).order_by("pk"))
    return [
        factory_erase(factory=factory, now=now)
        for factory in closing
        if is_past_grace(factory, now)
    ]
