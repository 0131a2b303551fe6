"""Writes of dashboards/: rollup rebuilds and data-profile links.

A rollup rebuild replaces one bucket (an hour of one factory, or a local day of one factory)
from the sources in one transaction, so it is idempotent and safe to run late or twice.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, NotAllowed
from core.models import User
from dashboards import conf, sources
from dashboards.models import (
    FactoryDay,
    LineDay,
    MachineHour,
    OutputHour,
    ProfileLink,
    ProfileLinkView,
)
from factories.clock import day_bounds
from factories.clock import local_date as local_day
from factories.models import Factory

HOUR = timedelta(hours=1)
ZERO = Decimal("0")


def hour_floor(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


@transaction.atomic
def output_hour_rebuild(*, factory_id: int, hour: datetime) -> bool:
    """Rebuild one factory-hour of OutputHour from production's operation records, then the
    local day it belongs to. False (and nothing written) while production has no records."""
    factory = Factory.objects.get(pk=factory_id)
    start = hour_floor(hour)
    rows = sources.operation_totals(factory_id=factory_id, start=start, end=start + HOUR)
    if rows is None:
        return False
    OutputHour.objects.filter(factory_id=factory_id, hour=start).delete()
    OutputHour.objects.bulk_create(
        OutputHour(
            factory_id=factory_id,
            hour=start,
            line_id=row.get("line_id"),
            worker_id=row.get("worker_id"),
            work_order_id=row.get("work_order_id"),
            good=row.get("good") or 0,
            defective=row.get("defective") or 0,
            reworked=row.get("reworked") or 0,
            finished=row.get("finished") or 0,
            earned_minutes=Decimal(row.get("earned_minutes") or 0).quantize(Decimal("0.01")),
            piece_wages=Decimal(row.get("piece_wages") or 0).quantize(Decimal("0.01")),
        )
        for row in rows
    )
    day_rebuild(factory_id=factory_id, day=local_day(factory, start))
    return True


@transaction.atomic
def machine_hour_rebuild(*, factory_id: int, hour: datetime) -> bool:
    """Rebuild one factory-hour of MachineHour from devices' minute rollups, then its day."""
    factory = Factory.objects.get(pk=factory_id)
    start = hour_floor(hour)
    rows = sources.machine_totals(factory_id=factory_id, start=start, end=start + HOUR)
    if rows is None:
        return False
    MachineHour.objects.filter(factory_id=factory_id, hour=start).delete()
    MachineHour.objects.bulk_create(
        MachineHour(
            factory_id=factory_id,
            hour=start,
            device_id=row["device_id"],
            station_id=row.get("station_id"),
            **{name: row.get(name) or 0 for name in MACHINE_FIELDS},
        )
        for row in rows
    )
    day_rebuild(factory_id=factory_id, day=local_day(factory, start))
    return True


MACHINE_FIELDS = (
    "running_seconds",
    "idle_seconds",
    "stopped_seconds",
    "arrivals",
    "departures",
    "pieces",
)


@transaction.atomic
def day_rebuild(*, factory_id: int, day: date) -> FactoryDay:
    """Rebuild LineDay rows and the FactoryDay of one local day from OutputHour and the
    quality and order sources."""
    factory = Factory.objects.get(pk=factory_id)
    start, end = day_bounds(factory, day)
    hours = OutputHour.objects.filter(factory_id=factory_id, hour__gte=start, hour__lt=end)
    sums = {
        name: Sum(name)
        for name in ("finished", "good", "defective", "earned_minutes", "piece_wages")
    }
    per_line = {row["line_id"]: row for row in hours.values("line_id").annotate(**sums)}
    quality = {
        row["line_id"]: row
        for row in sources.quality_totals(factory_id=factory_id, start=start, end=end) or []
    }
    LineDay.objects.filter(factory_id=factory_id, day=day).delete()
    LineDay.objects.bulk_create(
        LineDay(
            factory_id=factory_id,
            day=day,
            line_id=line_id,
            finished=(per_line.get(line_id) or {}).get("finished") or 0,
            good=(per_line.get(line_id) or {}).get("good") or 0,
            defective=(per_line.get(line_id) or {}).get("defective") or 0,
            inspected=(quality.get(line_id) or {}).get("inspected") or 0,
            passed=(quality.get(line_id) or {}).get("passed") or 0,
            defects=(quality.get(line_id) or {}).get("defects") or 0,
        )
        for line_id in sorted(set(per_line) | set(quality), key=lambda x: x or 0)
    )
    totals = hours.aggregate(**sums, operators=Count("worker_id", distinct=True))
    operators = totals["operators"] or 0
    orders = sources.order_totals(factory_id=factory_id, start=start, end=end) or {}
    machines = MachineHour.objects.filter(
        factory_id=factory_id, hour__gte=start, hour__lt=end
    ).aggregate(**{name: Sum(name) for name in MACHINE_FIELDS[:3]})
    values = {
        "finished": totals["finished"] or 0,
        "good": totals["good"] or 0,
        "defective": totals["defective"] or 0,
        "earned_minutes": totals["earned_minutes"] or ZERO,
        "piece_wages": totals["piece_wages"] or ZERO,
        "operators": operators,
        "available_minutes": Decimal(operators * conf.get("SHIFT_MINUTES")),
        "employees": sources.employee_count(factory_id=factory_id),
        **{name: machines[name] or 0 for name in MACHINE_FIELDS[:3]},
        "inspected": sum(q.get("inspected") or 0 for q in quality.values()),
        "passed": sum(q.get("passed") or 0 for q in quality.values()),
        "defects": sum(q.get("defects") or 0 for q in quality.values()),
        **{
            key: orders.get(key) or 0
            for key in (
                "orders_received",
                "pieces_ordered",
                "orders_delivered",
                "orders_delivered_on_time",
                "pieces_shipped",
            )
        },
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
