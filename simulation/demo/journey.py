"""The demo's whole chain, every stage through the services, no shortcut (README: the journey to
click through). Two orders of the e-commerce merchant for the poplin shirt:

- CITY-4901 (白色): placed by the merchant, accepted, converted, its materials reserved and the
  work order released, every lay spread roll by roll and cut (the cutter's events name their
  lay), sewn — odd operations leave a hanging-line station (through the ingest entry point
  the simulator uses), even ones scanned on the operator's phone — inspected, passed by a final
  audit, received into finished goods, packed into cartons, shipped and delivered, with a
  fortnight of the merchant's sales after it;
- CITY-4902 (雾蓝): the same up to packing, then only some cartons shipped: partly shipped, the
  rest waiting in the finished-goods store.

The merchant's webhook endpoint (the demo's receiver, `world.webhook_url`) hears every status
change. Everything happens now, in order, so no date comes before the one it follows.
Idempotent: keyed by the orders' references.
"""

import datetime as dt
import itertools
import time
from decimal import Decimal

import orjson
from django.utils import timezone

from core.errors import DomainError
from core.models import User
from devices.handoff import lay_events_hand_off, station_events_hand_off
from devices.ingest import Incoming, ingest_messages, topic_for
from devices.models import Device, DeviceKind
from factories.clock import factory_today
from factories.models import SewingLine, Worker
from inventory.models import Lot
from inventory.services.ledger import lot_on_hand
from orders.models import Order, Style, WebhookEndpoint
from orders.services import order_accept, order_create, order_deliver
from orders.services.webhooks import webhook_endpoint_create
from production import services
from production.models import (
    Bundle,
    Inspection,
    Lay,
    OperationRecord,
    WorkOrder,
    WorkOrderOperation,
)
from production.selectors.cutting import main_fabric_code
from production.services.packing import finished_by_cell
from simulation.chain import Rolls
from simulation.demo.orders import sales_seed
from simulation.demo.production import release_with_materials

SHIRT = "LS-2601"
JOURNEYS = [
    # reference, colour, pieces per size, ship every carton
    ("CITY-4901", "白色", 16, True),
    ("CITY-4902", "雾蓝", 15, False),
]


def seed(world) -> None:
    factory = world.factory
    city = next(m for m in world.merchants if m.code == "m-city")
    _webhook_endpoint(world, city)
    people = {
        role: User.objects.get(username=f"{factory.code}-{role}")
        for role in ("planner", "supervisor", "qc", "warehouse")
    }
    buyer = User.objects.get(username=f"{city.code}-buyer")
    version = Style.objects.get(factory=factory, number=SHIRT).versions.order_by("-version").first()
    for reference, colour, per_size, ship_all in JOURNEYS:
        if Order.objects.filter(factory=factory, merchant=city, external_ref=reference).exists():
            continue
        order = order_create(
            merchant=city,
            factory=factory,
            version=version,
            quantities=[{"colour": colour, "size": s, "quantity": per_size} for s in version.sizes],
            requested_date=factory_today(factory) + dt.timedelta(days=25),
            ship_to="浙江省杭州市余杭区仓前街道 电商仓 3 号库",
            unit_price="42.50",
            external_ref=reference,
            place=True,
            by=buyer,
        )
        order_accept(order=order, by=people["planner"], acting=factory.organization)
        converted = services.order_convert(
            order=order, by=people["planner"], acting=factory.organization
        )
        work_order = WorkOrder.objects.get(pk=converted.work_order_id)
        release_with_materials(work_order, by=people["planner"], colour=colour)
        _cut(factory, work_order, colour, people["supervisor"])
        _sew(factory, work_order)
        _inspect(factory, work_order, people["qc"])
        _pack_and_ship(work_order, people["warehouse"], ship_all=ship_all)
        if ship_all:
            order_deliver(order=order, by=buyer, acting=city)
            sales_seed(order, factory_today(factory))


def _webhook_endpoint(world, merchant) -> None:
    """The merchant's shop system listens at the demo's receiver (`run_demo` serves it)."""
    url = getattr(world, "webhook_url", "")
    if not url or WebhookEndpoint.objects.filter(merchant=merchant, url=url).exists():
        return
    try:
        webhook_endpoint_create(merchant=merchant, url=url, by=None)
    except DomainError:  # loopback not allowed here (ORDERS_WEBHOOK_ALLOWED_NETWORKS unset)
        world.notes.append(f"webhook receiver {url} not registered: loopback is not allowed")


_sequence = itertools.count(int(time.time() * 1000) - 86_400_000)


def _event(kind: str, **data) -> dict:
    return {"seq": next(_sequence), "ts": int(time.time() * 1000), "type": kind, **data}


def _cut(factory, work_order, colour: str, cutter: User) -> None:
    """Spread every lay from the rolls of its colour, then cut what its marker plans."""
    rack = Rolls(
        {
            lot.code: lot_on_hand(lot)
            for lot in Lot.objects.filter(
                factory=factory,
                material__code=main_fabric_code(work_order),
                colour=colour,
                inspection=Lot.Inspection.PASSED,
            ).order_by("code")
        }
    )
    machine = Device.objects.filter(factory=factory, kind=DeviceKind.CUTTER).first()
    for lay in Lay.objects.filter(cut_plan__work_order=work_order).order_by("number"):
        rolls = rack.spread(length=lay.fabric_length_m, plies=lay.plies)
        services.lay_spread(lay=lay, rolls=rolls, by=cutter)
        if machine is not None:  # the automatic cutter reports the job by the lay's ticket
            events = [
                _event(kind, lay=lay.pk, plies=lay.plies, metres=float(lay.fabric_length_m))
                for kind in ("cutter.start", "cutter.end")
            ]
            result = ingest_messages(
                [Incoming(topic_for(factory.code, machine.code, "events"), orjson.dumps(event))
                 for event in events]
            )  # fmt: skip
            lay_events_hand_off(record_ids=result.lay_record_ids)
        services.lay_cut_confirm(lay=lay, cut=lay.planned_sizes(), by=cutter)


def _sew(factory, work_order) -> None:
    """Every operation of every bundle: odd ones leave a station of line 1 (its controller
    reports them), even ones the operator with the phone login (A0001) scans himself."""
    line = SewingLine.objects.filter(factory=factory).order_by("code").first()
    controller = Device.objects.get(factory=factory, line=line, kind=DeviceKind.HANGING_CONTROLLER)
    stations = list(
        Device.objects.filter(
            factory=factory, line=line, kind=DeviceKind.HANGING_STATION, operator__isnull=False
        )
        .select_related("operator")
        .order_by("code")
    )
    phone = Worker.objects.select_related("user").get(factory=factory, employee_no="A0001")
    operations = list(WorkOrderOperation.objects.filter(work_order=work_order).order_by("sequence"))
    events = []
    for bundle in Bundle.objects.filter(work_order=work_order).order_by("number"):
        for index, operation in enumerate(operations):
            if index % 2:
                station = stations[index % len(stations)]
                events.append(
                    _event("station.leave", hanger=f"H{bundle.pk:05d}",
                           device=station.code, bundle=bundle.pk, operation=operation.code,
                           badge=station.operator.badge_id, defect=0)
                )  # fmt: skip
            else:
                services.operation_record_create(
                    factory=factory,
                    bundle=bundle,
                    operation=operation,
                    worker=phone,
                    source=OperationRecord.Source.SCAN,
                    by=phone.user,
                )
    topic = topic_for(factory.code, controller.code, "events")
    for start in range(0, len(events), 50):
        body = orjson.dumps({"records": events[start : start + 50]})
        result = ingest_messages([Incoming(topic, body)])
        # What the worker does once the ingest commits, here and now, since the seed is one
        # transaction; the task's own run after the commit finds the events handed off.
        station_events_hand_off(record_ids=result.station_record_ids)


def _inspect(factory, work_order, inspector: User) -> None:
    for bundle in Bundle.objects.filter(work_order=work_order).order_by("number")[:3]:
        services.inspection_record(
            factory=factory,
            kind=Inspection.Kind.END_OF_LINE,
            bundle=bundle,
            checked_pieces=min(5, bundle.quantity),
            result=Inspection.Result.PASS,
            by=inspector,
        )
    lot = sum(Bundle.objects.filter(work_order=work_order).values_list("quantity", flat=True))
    services.final_audit_record(work_order=work_order, lot_size=lot, notes="出货检验", by=inspector)


def _pack_and_ship(work_order, clerk: User, *, ship_all: bool) -> None:
    """Receive every finished piece, one carton per size; ship them all, or the first half."""
    cartons = []
    for (colour, size), pieces in sorted(finished_by_cell(work_order).items()):
        services.finished_goods_receive(
            work_order=work_order, colour=colour, size=size, quantity=pieces, by=clerk
        )
        cartons.append(
            services.carton_pack(
                work_order=work_order,
                contents={(colour, size): pieces},
                gross_weight_kg=Decimal("0.25") * pieces,
                by=clerk,
            )
        )
    shipping = cartons if ship_all else cartons[: len(cartons) // 2]
    services.shipment_ship(
        work_order=work_order,
        cartons=shipping,
        carrier="顺丰速运",
        tracking_number=f"SF{timezone.now():%y%m%d}{work_order.pk:06d}",
        by=clerk,
    )
