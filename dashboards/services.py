"""Writes of dashboards/: rollup rebuilds and data-profile links.

A rollup rebuild replaces one bucket (a local clock hour of one factory, or a local day) in one
transaction, so it is idempotent and safe to run late or twice. Each column is built by the
selector of the app that owns the figure, never by a formula of this app's own.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, NotAllowed
from core.models import User
from dashboards import conf
from dashboards.models import (
    FactoryDay,
    LineDay,
    MachineHour,
    OutputHour,
    ProfileLink,
    ProfileLinkView,
    SyntheticHistory,
)
from devices import selectors as devices
from devices.selectors import MACHINE_COUNTS, MACHINE_TIME
from factories.clock import day_bounds, hour_floor, local_date
from factories.models import Factory, Worker
from orders import selectors as orders
from payroll import selectors as payroll
from production import selectors as production

HOUR = timedelta(hours=1)
ZERO = Decimal("0")
CENT = Decimal("0.01")
LINE_OUTPUT = ("finished", "good", "defective")
OUTPUT_SUMS = (*LINE_OUTPUT, "earned_minutes")
QUALITY_SUMS = ("inspected", "passed", "defects")


@transaction.atomic
def output_hour_rebuild(*, factory_id: int, hour: datetime) -> bool:
    """Rebuild the factory's local clock hour containing `hour` from production's output rows,
    then the local day it belongs to."""
    factory = Factory.objects.get(pk=factory_id)
    start = hour_floor(factory, hour)
    rows = production.output_rows(factory, start, start + HOUR)
    OutputHour.objects.filter(factory_id=factory_id, hour=start).delete()
    OutputHour.objects.bulk_create(
        OutputHour(
            factory_id=factory_id,
            hour=start,
            line_id=row["line_id"],
            worker_id=row["worker_id"],
            work_order_id=row["work_order_id"],
            good=row["good"],
            defective=row["defective"],
            reworked=row["reworked"],
            finished=row["finished"],
            earned_minutes=Decimal(row["earned_minutes"]).quantize(CENT),
        )
        for row in rows
    )
    _day_rebuild(factory, local_date(factory, start))
    return True


@transaction.atomic
def machine_hour_rebuild(*, factory_id: int, hour: datetime) -> bool:
    """Rebuild the factory's local clock hour containing `hour` from devices' machine rows,
    then its day."""
    factory = Factory.objects.get(pk=factory_id)
    start = hour_floor(factory, hour)
    rows = devices.machine_rows(factory, start, start + HOUR)
    MachineHour.objects.filter(factory_id=factory_id, hour=start).delete()
    MachineHour.objects.bulk_create(
        MachineHour(
            factory_id=factory_id,
            hour=start,
            device_id=row["device_id"],
            station_id=row["station_id"],
            **{name: row[name] or 0 for name in MACHINE_TIME + MACHINE_COUNTS},
        )
        for row in rows
    )
    _day_rebuild(factory, local_date(factory, start))
    return True


@transaction.atomic
def day_rebuild(*, factory_id: int, day: date) -> FactoryDay:
    """Rebuild the LineDay rows and the FactoryDay of one local day: output from its hours
    (production's rows), quality from production's inspections, operator-days and available
    minutes from production, wages from payroll, machine time from its machine hours (devices'
    rows), order intake and delivery from orders."""
    return _day_rebuild(Factory.objects.get(pk=factory_id), day)


def _day_rebuild(factory: Factory, day: date) -> FactoryDay:
    factory_id = factory.pk
    start, end = day_bounds(factory, day)
    hours = OutputHour.objects.filter(factory_id=factory_id, hour__gte=start, hour__lt=end)
    per_line = {
        row["line_id"]: row
        for row in hours.values("line_id").annotate(**{n: Sum(n) for n in OUTPUT_SUMS}).order_by()
    }
    quality = production.inspection_rows(factory, start, end, by="line")
    LineDay.objects.filter(factory_id=factory_id, day=day).delete()
    LineDay.objects.bulk_create(
        LineDay(
            factory_id=factory_id,
            day=day,
            line_id=line_id,
            **{
                n: (per_line.get(line_id) or {}).get(n) or 0
                for n in ("finished", "good", "defective")
            },
            **{n: (quality.get(line_id) or {}).get(n) or 0 for n in QUALITY_SUMS},
        )
        for line_id in sorted(set(per_line) | set(quality), key=lambda x: x or 0)
    )
    totals = hours.aggregate(**{n: Sum(n) for n in OUTPUT_SUMS})
    machines = MachineHour.objects.filter(
        factory_id=factory_id, hour__gte=start, hour__lt=end
    ).aggregate(**{name: Sum(name) for name in MACHINE_TIME})
    wages = payroll.wages_by_day(factory, day, day).get(day) or {}
    values = {
        **{n: totals[n] or 0 for n in OUTPUT_SUMS},
        "operators": production.person_days(factory, start, end),
        "available_minutes": production.available_minutes(factory, start, end),
        "employees": Worker.objects.filter(factory_id=factory_id, is_active=True).count(),
        "wages": wages.get("wages") or ZERO,
        "wage_days": wages.get("operator_days") or 0,
        **{name: machines[name] or 0 for name in MACHINE_TIME},
        **{n: sum(row[n] for row in quality.values()) for n in QUALITY_SUMS},
        **orders.order_flow(factory, start, end),
    }
    factory_day, _created = FactoryDay.objects.update_or_create(
        factory_id=factory_id, day=day, defaults=values
    )
    return factory_day


# --- The screen's data cache -----------------------------------------------------------------


def data_version_key(factory_id: int) -> str:
    return f"dashboards:data-version:{factory_id}"


def data_changed(*, factory_id: int) -> None:
    """Invalidate every cached window of the factory's screen (a new version key)."""
    key = data_version_key(factory_id)
    try:
        cache.incr(key)
    except ValueError:
        cache.add(key, 1, timeout=None)


# --- Synthetic history ------------------------------------------------------------------------


@transaction.atomic
def synthetic_history_record(*, factory: Factory, first_day: date, last_day: date) -> None:
    """Note that synthetic history may fill the factory's rollup days from `first_day` to
    `last_day` (simulation calls this when it fills them): the range only grows, so a later
    fill never hides an earlier one. The screens then label the range."""
    if last_day < first_day:
        raise DomainError(_("The synthetic range ends before it begins."))
    row = SyntheticHistory.objects.select_for_update(no_key=True).filter(factory=factory).first()
    if row is None:
        SyntheticHistory.objects.create(factory=factory, first_day=first_day, last_day=last_day)
    else:
        row.first_day, row.last_day = min(row.first_day, first_day), max(row.last_day, last_day)
        row.save(update_fields=["first_day", "last_day", "written_at"])
    data_changed(factory_id=factory.pk)


# --- Data-profile links -----------------------------------------------------------------------


@transaction.atomic
def profile_link_create(
    *, factory: Factory, recipient: str, days: int | None = None, by: User
) -> ProfileLink:
    recipient = (recipient or "").strip()
    days = conf.get("PROFILE_LINK_DAYS") if days is None else days
    errors = {}
    if not recipient:
        errors["recipient"] = [_("Say who the link is for.")]
    if not 1 <= int(days) <= 365:
        errors["days"] = [_("A link lasts between 1 and 365 days.")]
    if errors:
        raise DomainError(_("The link was not created."), errors=errors)
    return ProfileLink.objects.create(
        factory=factory,
        token=ProfileLink.new_token(),
        recipient=recipient[:200],
        expires_at=timezone.now() + timedelta(days=int(days)),
        created_by=by,
    )


@transaction.atomic
def profile_link_revoke(*, link: ProfileLink, by: User) -> ProfileLink:
    if link.revoked_at is not None:
        raise NotAllowed(_("This link is already revoked."))
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    return link


@transaction.atomic
def profile_link_view_record(
    *, link: ProfileLink, shown: dict, remote_addr: str | None, user_agent: str
) -> ProfileLinkView:
    """Log one opening of a usable link with exactly what it showed."""
    if not link.is_usable:
        raise NotAllowed(_("This link has expired or was revoked."))
    return ProfileLinkView.objects.create(
        factory_id=link.factory_id,
        link=link,
        remote_addr=remote_addr or None,
        user_agent=(user_agent or "")[:300],
        shown=shown,
    )
