"""The world of `bench dashboard`: a factory's raw history, and its rollups built from it.

Raw rows are what the floor would have written: production's operation records (every
operator's bundles, each bundle through the routing) and devices' telemetry (a `sewing.sample`
from every machine every --sample-seconds of the shift), written with COPY (core.bulk). The
rollups are then built by the owners' own code, never filled directly: devices' minute rollups
(`devices.rollups.rollup_minutes`, whose notification rebuilds dashboards' machine hours through
the `core.realtime` listener), dashboards' output hours (`services.output_hour_rebuild`, which
calls production's `output_rows`) and days (`services.day_rebuild`).

The world is kept (an organization named after its sizes): a second run reuses it, `--fresh`
generates it again. Each run adds the bundles its live hanger events will record.
"""

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from core import rls
from core.bulk import insert_lines, insert_rows
from core.models import Membership, Organization, User
from core.roles import OrgKind, Role
from dashboards import services
from dashboards.models import FactoryDay
from dashboards.tasks import output_hour_rebuild
from devices.models import Device, DeviceKind, TelemetryRecord
from devices.partitions import partitions_ensure
from devices.rollups import minute_floor, rollup_minutes
from factories.calendar import shift_window
from factories.clock import factory_today, hour_floor
from factories.models import Factory, SewingLine, Station, Worker
from orders.models import Style, StyleVersion
from production.models import (
    Bundle,
    Lay,
    OperationRecord,
    WorkOrder,
    WorkOrderOperation,
)
from simulation.bench.bulk_load import (
    indexes_rebuilt_after,
    organizations_drop,
    routed_and_cut,
    skip_foreign_key_triggers,
)

OPERATIONS = 10
BUNDLE_SIZE = 20
BUNDLES_PER_OPERATOR_DAY = 22  # about 55 pieces an hour over an 8-hour shift
HANGER_DEVICE = "hanger-live"
OPEN_WORK_ORDERS = 3


@dataclass
class World:
    factory: Factory
    manager: User
    machines: int
    live_work_order: WorkOrder
    last_operation: str
    station: Station
    hanger: Device
    badge: str


def world_code(options) -> str:
    return (
        f"bench-dash-{options['days']}-{options['machines']}-{options['operators']}"
        f"-{options['sample_seconds']}"
    )


def world_ready(options, stdout) -> World:
    """The kept world of these sizes (generated when missing, incomplete or `--fresh`)."""
    code = world_code(options)
    organization = Organization.objects.filter(code=code).first()
    complete = (
        organization is not None
        and FactoryDay.objects.filter(factory_id=organization.pk).count() >= options["days"]
    )
    if organization is not None and (options["fresh"] or not complete):
        with rls.owner():
            organizations_drop([organization])
        organization = None
    if organization is None:
        started = time.perf_counter()
        factory = _generate(code, options, stdout)
        stdout.write(f"world generated in {time.perf_counter() - started:.1f} s")
    else:
        factory = organization.factory
    return _world(factory, options)


def _world(factory: Factory, options) -> World:
    manager, _ = User.objects.get_or_create(username=f"{factory.code}-manager")
    Membership.objects.get_or_create(
        user=manager, organization_id=factory.pk, defaults={"role": Role.FACTORY_MANAGER}
    )
    live = WorkOrder.objects.get(factory=factory, number="WO-LIVE")
    station = Station.objects.filter(factory=factory).order_by("pk").first()
    hanger, _ = Device.objects.get_or_create(
        factory=factory,
        code=HANGER_DEVICE,
        defaults={"kind": DeviceKind.HANGING_STATION, "station": station, "line": station.line},
    )
    worker = Worker.objects.filter(factory=factory).order_by("pk").first()
    last = WorkOrderOperation.objects.filter(work_order=live).order_by("-sequence").first()
    return World(
        factory=factory,
        manager=manager,
        machines=Device.objects.filter(factory=factory, kind=DeviceKind.SEWING_MACHINE).count(),
        live_work_order=live,
        last_operation=last.code,
        station=station,
        hanger=hanger,
        badge=worker.badge_id,
    )


def live_bundles(world: World, count: int) -> list[int]:
    """`count` new bundles of the live work order, not recorded anywhere yet: each hanger event
    of this run finishes one at the routing's last operation."""
    work_order = world.live_work_order
    lay = Lay.objects.filter(cut_plan__work_order=work_order).first()
    first = (Bundle.objects.filter(work_order=work_order).order_by("-number").first()).number + 1
    insert_rows(
        Bundle,
        ["factory_id", "work_order_id", "lay_id", "number", "size", "colour", "quantity"],
        (
            (world.factory.pk, work_order.pk, lay.pk, first + n, "M", "黑", BUNDLE_SIZE)
            for n in range(count)
        ),
    )
    return list(
        Bundle.objects.filter(work_order=work_order, number__gte=first)
        .order_by("number")
        .values_list("pk", flat=True)
    )


# --- generation ------------------------------------------------------------------------------


def _generate(code: str, options, stdout) -> Factory:
    now = timezone.now()
    with rls.owner():
        with transaction.atomic():
            factory = _floor(code, options)
            skip_foreign_key_triggers()
            with indexes_rebuilt_after("production_operationrecord"):
                records = _operation_records(factory, options, now)
        stdout.write(f"{records} operation records")
        # Outside the COPY's transaction: creating a partition locks the whole table (and so
        # every ingest) until that transaction ends.
        first = _days(factory, options, now)[0]
        partitions_ensure(days_back=(now.date() - first).days + 2, days_ahead=3)
        with transaction.atomic():
            samples = _telemetry(factory, options, now)
        stdout.write(f"{samples} telemetry records")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE production_operationrecord")
                cursor.execute("ANALYZE devices_telemetryrecord")
    _rollups_build(factory, options, now, stdout)
    return factory


def _floor(code: str, options) -> Factory:
    organization = Organization.objects.create(kind=OrgKind.FACTORY, code=code, name=code)
    factory = Factory.objects.create(organization=organization, headcount=options["operators"])
    lines = [
        SewingLine.objects.create(
            factory=factory, code=f"L{n}", name=f"{n}号线", planned_headcount=30
        )
        for n in range(1, max(1, options["operators"] // 30) + 1)
    ]
    Worker.objects.bulk_create(
        Worker(
            factory=factory,
            employee_no=f"W{n:05d}",
            badge_id=f"B{n:06d}",
            name=f"工人{n}",
            line=lines[n % len(lines)],
        )
        for n in range(options["operators"])
    )
    stations = Station.objects.bulk_create(
        Station(factory=factory, code=f"S{n:03d}", line=lines[n % len(lines)], position=n)
        for n in range(options["machines"])
    )
    Device.objects.bulk_create(
        Device(
            factory=factory,
            code=f"m{n:03d}",
            kind=DeviceKind.SEWING_MACHINE,
            station=station,
            line_id=station.line_id,
            simulated=True,
        )
        for n, station in enumerate(stations)
    )
    style = Style.objects.create(factory=factory, number="DASH", name="dash", category="woven")
    StyleVersion.objects.create(
        factory=factory, style=style, version=1, status="released", sizes=["M"], colours=["黑"]
    )
    return factory


def _work_order(factory: Factory, number: str, bundles: int, due: date, status: str) -> tuple:
    """A work order in `status` (the one it would have reached), its routing and `bundles` cut
    bundles."""
    version = StyleVersion.objects.get(factory=factory)
    work_order = WorkOrder.objects.create(
        factory=factory,
        number=number,
        version=version,
        quantity=max(1, bundles) * BUNDLE_SIZE,
        cut_quantity=max(1, bundles) * BUNDLE_SIZE,
        due_date=due,
        status=status,
    )
    operations, bundle_ids = routed_and_cut(
        work_order,
        operations=[
            (
                Decimal("0.500") + Decimal(o % 5) / 10,
                Decimal("0.1500") + Decimal(o % 5) * Decimal("0.0300"),
            )
            for o in range(OPERATIONS)
        ],
        bundles=bundles,
        bundle_size=BUNDLE_SIZE,
    )
    return work_order, operations, bundle_ids


def _days(factory: Factory, options, now: datetime) -> list[date]:
    """The generated days: `days` local days ending yesterday (today is the live floor's)."""
    today = factory_today(factory, now)
    return [today - timedelta(days=back) for back in range(options["days"], 0, -1)]


def _operation_records(factory: Factory, options, now: datetime) -> int:
    """Each day the operators split into one crew per operation; each does its day's bundles
    of its operation through the shift, so a day's bundles pass the whole routing."""
    people = list(Worker.objects.filter(factory=factory).order_by("pk").values_list("pk", "line"))
    crews = [people[o::OPERATIONS] or people for o in range(OPERATIONS)]
    per_day = max(1, len(crews[0]) * BUNDLES_PER_OPERATOR_DAY)
    columns = [
        "factory_id", "bundle_id", "operation_id", "work_order_id", "worker_id", "line_id",
        "recorded_at", "work_date", "good_pieces", "defective_pieces", "is_rework", "source",
        "external_event_id", "reason", "created_at", "void_reason",
    ]  # fmt: skip
    stamp = now.isoformat()
    written = 0
    days = _days(factory, options, now)
    for back, day in enumerate(reversed(days)):
        # Each day's work order is sewn that day: the last few are still open on the floor.
        status = WorkOrder.Status.SEWING if back < OPEN_WORK_ORDERS else WorkOrder.Status.DONE
        work_order, operations, bundles = _work_order(
            factory, f"WO-{day:%Y%m%d}", per_day, day + timedelta(days=10), status
        )
        window = shift_window(factory, day)
        seconds = max(60, int((window.end - window.start).total_seconds()))
        lines = []
        for index, bundle_id in enumerate(bundles):
            for o, operation_id in enumerate(operations):
                crew = crews[o]
                worker_id, line_id = crew[index % len(crew)]
                # Operation o of a bundle follows operation o-1 a little later in the shift.
                offset = (index * seconds // len(bundles) + o * 60) % seconds
                at = (window.start + timedelta(seconds=offset)).isoformat()
                defective = 1 if (index + o) % 40 == 0 else 0
                lines.append(
                    f"{factory.pk}\t{bundle_id}\t{operation_id}\t{work_order.pk}\t{worker_id}\t"
                    f"{line_id}\t{at}\t{day}\t{BUNDLE_SIZE - defective}\t{defective}\tf\t"
                    f"device\t\t\t{stamp}\t"
                )
        written += insert_lines(OperationRecord, columns, lines)
    today = factory_today(factory, now)
    _work_order(factory, "WO-LIVE", 1, today + timedelta(days=10), WorkOrder.Status.SEWING)
    return written


def _telemetry(factory: Factory, options, now: datetime) -> int:
    """A `sewing.sample` from every machine every `sample_seconds` of each day's shift."""
    days = _days(factory, options, now)
    step = options["sample_seconds"]
    machines = list(
        Device.objects.filter(factory=factory, kind=DeviceKind.SEWING_MACHINE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    columns = ["factory_id", "device_id", "sequence", "time", "received_at", "kind", "data"]
    # Read before the COPY starts: the connection answers nothing else until it ends.
    windows = [shift_window(factory, day) for day in days]

    def lines():
        for d, window in enumerate(windows):
            moments = int((window.end - window.start).total_seconds()) // step
            for t in range(moments):
                at = window.start + timedelta(seconds=(t + 1) * step)
                stamp = at.isoformat()
                for m, device_id in enumerate(machines):
                    run = step * (55 + (m + t + d) % 40) // 100
                    stop = step * ((m * 7 + t) % 10) // 100
                    data = (
                        f'{{"run_s": {run}, "idle_s": {step - run - stop}, "stop_s": {stop}, '
                        f'"stitches": {run * 40}, "trims": {run // 10}}}'
                    )
                    sequence = d * 100_000 + t
                    yield (
                        f"{factory.pk}\t{device_id}\t{sequence}\t{stamp}\t{stamp}\t"
                        f"sewing.sample\t{data}"
                    )

    return insert_lines(TelemetryRecord, columns, lines())


def _sample_minutes(window, step: int) -> list[datetime]:
    """The minutes of the shift that hold samples (`_telemetry`'s times): the others have
    nothing to roll up."""
    moments = int((window.end - window.start).total_seconds()) // step
    return sorted(
        {minute_floor(window.start + timedelta(seconds=(t + 1) * step)) for t in range(moments)}
    )


def _rollups_build(factory: Factory, options, now: datetime, stdout) -> None:
    """The owners' rollup code over the raw rows, hour by hour of every shift: devices' minute
    rollups (their notification rebuilds the machine hour, eagerly, through dashboards'
    listener), then dashboards' output hour; each rebuild also rebuilds its day."""
    app = output_hour_rebuild.app
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True  # the listener rebuilds in this process, not a worker
    started = time.perf_counter()
    try:
        with rls.scope(rls.for_factory(factory.pk)):
            for day in _days(factory, options, now):
                window = shift_window(factory, day)
                hour = hour_floor(factory, window.start)
                sampled = _sample_minutes(window, options["sample_seconds"])
                while hour < window.end:
                    minutes = [m for m in sampled if hour <= m < hour + timedelta(hours=1)]
                    rollup_minutes(factory_id=factory.pk, minutes=minutes)
                    services.output_hour_rebuild(factory_id=factory.pk, hour=hour)
                    hour += timedelta(hours=1)
                services.day_rebuild(factory_id=factory.pk, day=day)
            services.day_rebuild(factory_id=factory.pk, day=factory_today(factory, now))
    finally:
        app.conf.task_always_eager = eager
    stdout.write(f"rollups built in {time.perf_counter() - started:.1f} s")
