"""Reads of inventory/: stock per material and lot, stock value, material shortages, supplier
performance, overdue purchase orders and why a material was short, exports, and the stock
picture production's MRP nets its requirements against. inventory owns the stock value,
shortage and overdue-purchase figures."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import chain

from django.db.models import Count, F, Max, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from core.roles import OrgKind
from core.tabular import Sheet, rows_to_xlsx
from factories.clock import factory_zone, local_midnight
from factories.models import Partnership
from inventory import conf
from inventory.models import (
    FabricInspection,
    Lot,
    Material,
    MaterialShortage,
    MrpRun,
    PurchaseOrder,
    PurchaseOrderLine,
    Reservation,
    StockBalance,
    StockMove,
    SupplierItem,
)
from inventory.models.fields import ZERO

CENT = Decimal("0.01")


@dataclass
class MaterialStock:
    material: Material
    on_hand: Decimal
    reserved: Decimal
    on_order: Decimal

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved

    @property
    def value(self) -> Decimal:
        return (self.on_hand * self.material.average_cost).quantize(CENT, ROUND_HALF_UP)


def stock_by_material(factory, *, kind: str | None = None, query: str = "") -> list[MaterialStock]:
    """On hand, reserved, available and on order per material (derived from the ledger)."""
    materials = Material.objects.filter(factory=factory, is_active=True)
    if kind:
        materials = materials.filter(kind=kind)
    if query:
        materials = materials.filter(Q(code__icontains=query) | Q(name__icontains=query))
    on_hand = dict(
        StockBalance.objects.filter(factory=factory)
        .values_list("material_id")
        .annotate(q=Sum("quantity"))
    )
    reserved = dict(
        Reservation.objects.filter(factory=factory, status=Reservation.Status.ACTIVE)
        .values_list("material_id")
        .annotate(q=Sum(F("quantity") - F("issued_quantity")))
    )
    on_order: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for line in PurchaseOrderLine.objects.filter(
        factory=factory,
        is_closed=False,
        purchase_order__status__in=["sent", "confirmed", "partial"],
    ):
        on_order[line.material_id] += line.open_quantity
    return [
        MaterialStock(
            material=m,
            on_hand=on_hand.get(m.pk, ZERO),
            reserved=reserved.get(m.pk, ZERO),
            on_order=on_order.get(m.pk, ZERO),
        )
        for m in materials
    ]


def lots_in_stock(factory, *, material: Material | None = None):
    """Lots with stock, their bins and on-hand quantity."""
    balances = StockBalance.objects.filter(factory=factory, quantity__gt=0).select_related(
        "lot", "bin", "material"
    )
    if material is not None:
        balances = balances.filter(material=material)
    return balances.order_by("material__code", "lot__dye_lot", "lot__code", "bin__code")


def stock_value_report(factory) -> dict:
    """Stock at moving-average cost, per material and per kind."""
    rows = [row for row in stock_by_material(factory) if row.on_hand]
    by_kind: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        by_kind[row.material.kind] += row.value
    labels = dict(Material.Kind.choices)
    return {
        "rows": rows,
        "by_kind": [(labels[kind], value) for kind, value in sorted(by_kind.items())],
        "total": sum(by_kind.values(), ZERO),
    }


def material_shortages(factory, *, limit: int = 50) -> list[dict]:
    """What the factory's latest MRP run found short, soonest need first (empty before any
    run): material, quantity short and unit, the date it is needed, the work order."""
    run = MrpRun.objects.filter(factory=factory).order_by("-created_at", "-pk").first()
    if run is None:
        return []
    return [
        {
            "material": row["material_code"],
            "short": row["short"],
            "unit": row["material__unit"] or "",
            "need_date": row["need_date"],
            "work_order": row["work_order__number"],
        }
        for row in MaterialShortage.objects.filter(run=run, short__gt=0)
        .order_by("need_date", "material_code")
        .values("material_code", "short", "material__unit", "need_date", "work_order__number")[
            :limit
        ]
    ]


def stock_balances_verify(factory) -> list[tuple[int, int, Decimal, Decimal]]:
    """Balances that differ from the sum of their moves: (lot, bin, balance, ledger). Empty
    when the ledger and the balances agree — they always should."""
    ledger: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for lot_id, to_bin, quantity in StockMove.objects.filter(
        factory=factory, to_bin__isnull=False
    ).values_list("lot_id", "to_bin_id", "quantity"):
        ledger[(lot_id, to_bin)] += quantity
    for lot_id, from_bin, quantity in StockMove.objects.filter(
        factory=factory, from_bin__isnull=False
    ).values_list("lot_id", "from_bin_id", "quantity"):
        ledger[(lot_id, from_bin)] -= quantity
    balances = {
        (lot_id, bin_id): quantity
        for lot_id, bin_id, quantity in StockBalance.objects.filter(factory=factory).values_list(
            "lot_id", "bin_id", "quantity"
        )
    }
    differences = []
    for key in set(ledger) | set(balances):
        if ledger.get(key, ZERO) != balances.get(key, ZERO):
            differences.append((*key, balances.get(key, ZERO), ledger.get(key, ZERO)))
    return differences


@dataclass
class SupplierPerformance:
    supplier_id: int
    supplier_name: str
    lines_received: int
    on_time: int
    inspections: int
    inspections_passed: int

    @property
    def on_time_rate(self) -> Decimal | None:
        if not self.lines_received:
            return None
        return (Decimal(self.on_time) * 100 / self.lines_received).quantize(Decimal("0.1"))

    @property
    def quality_rate(self) -> Decimal | None:
        if not self.inspections:
            return None
        return (Decimal(self.inspections_passed) * 100 / self.inspections).quantize(Decimal("0.1"))


def supplier_performance(factory) -> list[SupplierPerformance]:
    """On-time rate: closed purchase lines received by their confirmed ship date (else their
    need date). Quality rate: share of inspected rolls that passed."""
    stats: dict[int, SupplierPerformance] = {}

    def entry(supplier_id, name):
        return stats.setdefault(supplier_id, SupplierPerformance(supplier_id, name, 0, 0, 0, 0))

    lines = PurchaseOrderLine.objects.filter(
        factory=factory, is_closed=True, received_on__isnull=False
    ).select_related("purchase_order__supplier")
    for line in lines:
        supplier = line.purchase_order.supplier
        row = entry(supplier.pk, supplier.name)
        row.lines_received += 1
        if line.received_on <= line.expected_date:
            row.on_time += 1
    inspections = FabricInspection.objects.filter(
        factory=factory, lot__supplier__isnull=False
    ).select_related("lot__supplier")
    for inspection in inspections:
        supplier = inspection.lot.supplier
        row = entry(supplier.pk, supplier.name)
        row.inspections += 1
        if inspection.result == FabricInspection.Result.PASSED:
            row.inspections_passed += 1
    return sorted(stats.values(), key=lambda row: row.supplier_name)


@dataclass
class SupplierRow:
    """One line of the factory's supplier list: the partnership (its id is the page's), the
    supplier organization, what it offers and how it has delivered."""

    partnership: object
    offers: int
    lead_time_min: int | None
    lead_time_max: int | None
    performance: SupplierPerformance | None

    @property
    def supplier(self):
        return self.partnership.partner


def supplier_list(factory) -> list[SupplierRow]:
    """The factory's suppliers: every supplier partnership (invited, accepted, declined or
    ended), with offer count, lead-time range and delivery performance."""
    partnerships = (
        Partnership.objects.filter(factory=factory, partner__kind=OrgKind.SUPPLIER)
        .select_related("partner")
        .order_by("partner__name", "pk")
    )
    offers = {
        row["supplier_id"]: row
        for row in SupplierItem.objects.filter(factory=factory)
        .values("supplier_id")
        .annotate(n=Count("pk"), low=Min("lead_time_days"), high=Max("lead_time_days"))
    }
    performance = {row.supplier_id: row for row in supplier_performance(factory)}
    rows = []
    for partnership in partnerships:
        offer = offers.get(partnership.partner_id, {})
        rows.append(
            SupplierRow(
                partnership=partnership,
                offers=offer.get("n", 0),
                lead_time_min=offer.get("low"),
                lead_time_max=offer.get("high"),
                performance=performance.get(partnership.partner_id),
            )
        )
    return rows


# --- Excel exports ------------------------------------------------------------------------
def _workbook(title: str, header: list, rows) -> bytes:
    return rows_to_xlsx(
        [
            Sheet(
                title=title,
                rows=chain([header], rows),
                bold_rows=(1,),
                freeze="A2",
                fit_widths=True,
            )
        ]
    )


def stock_export_xlsx(factory) -> bytes:
    header = [
        _("Material"),
        _("Name"),
        _("Kind"),
        _("Lot"),
        _("Dye lot"),
        _("Bin"),
        _("On hand"),
        _("Unit"),
        _("Average cost"),
        _("Value (yuan)"),
    ]
    rows = (
        [
            b.material.code,
            b.material.name,
            b.material.get_kind_display(),
            b.lot.code,
            b.lot.dye_lot,
            b.bin.code,
            float(b.quantity),
            b.material.get_unit_display(),
            float(b.material.average_cost),
            float((b.quantity * b.material.average_cost).quantize(CENT, ROUND_HALF_UP)),
        ]
        for b in lots_in_stock(factory)
    )
    return _workbook(_("Stock"), header, rows)


def moves_export_xlsx(factory, *, since=None, until=None) -> bytes:
    moves = StockMove.objects.filter(factory=factory).select_related(
        "material", "lot", "from_bin", "to_bin", "created_by"
    )
    # `since` and `until` are the factory's days, not the server's: cut on its local midnights.
    if since:
        moves = moves.filter(created_at__gte=local_midnight(factory, since))
    if until:
        moves = moves.filter(created_at__lt=local_midnight(factory, until + timedelta(days=1)))
    header = [
        _("At"),
        _("Kind"),
        _("Material"),
        _("Lot"),
        _("From bin"),
        _("To bin"),
        _("Quantity"),
        _("Unit cost"),
        _("Reference"),
        _("By"),
    ]
    zone = factory_zone(factory)
    rows = (
        [
            m.created_at.astimezone(zone).replace(tzinfo=None),
            m.get_kind_display(),
            m.material.code,
            m.lot.code,
            m.from_bin.code if m.from_bin else "",
            m.to_bin.code if m.to_bin else "",
            float(m.quantity),
            float(m.unit_cost),
            m.reference,
            str(m.created_by or ""),
        ]
        for m in moves.order_by("created_at", "pk").iterator(chunk_size=2000)
    )
    return _workbook(_("Moves"), header, rows)


def lot_label_lines(lot: Lot) -> list[str]:
    lines = [
        lot.material.name,
        f"{lot.material.code} · {lot.received_quantity.normalize()} "
        f"{lot.material.get_unit_display()}",
    ]
    if lot.dye_lot:
        lines.append(_("Dye lot %(dye)s") % {"dye": lot.dye_lot})
    return lines


# --- what stock and purchases can supply (production's MRP nets against these) --------------
def materials_by_code(factory, codes: Iterable[str] | None = None) -> dict[str, Material]:
    materials = Material.objects.filter(factory=factory).only("id", "code", "unit")
    if codes is not None:
        materials = materials.filter(code__in=list(codes))
    return {material.code: material for material in materials}


def issued_to_work_orders(factory, work_order_ids) -> dict[tuple[int, int], Decimal]:
    """(work order, material) → issued minus returned."""
    net: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    rows = (
        StockMove.objects.filter(
            factory=factory,
            work_order_id__in=work_order_ids,
            kind__in=[StockMove.Kind.ISSUE, StockMove.Kind.RETURN],
        )
        .values_list("work_order_id", "material_id", "kind")
        .annotate(q=Sum("quantity"))
    )
    for work_order_id, material_id, kind, quantity in rows:
        sign = 1 if kind == StockMove.Kind.ISSUE else -1
        net[(work_order_id, material_id)] += sign * quantity
    return net


def open_reservations(factory) -> tuple[dict[tuple[int, int], Decimal], dict[int, Decimal]]:
    """Open reservations: per (work order, material) and per material in total."""
    per_work_order: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    per_material: dict[int, Decimal] = defaultdict(lambda: ZERO)
    rows = (
        Reservation.objects.filter(factory=factory, status=Reservation.Status.ACTIVE)
        .values_list("work_order_id", "material_id")
        .annotate(q=Sum(F("quantity") - F("issued_quantity")))
    )
    for work_order_id, material_id, quantity in rows:
        per_work_order[(work_order_id, material_id)] += quantity
        per_material[material_id] += quantity
    return per_work_order, per_material


def on_hand_by_material(factory, *, cuttable_only: bool) -> dict[int, Decimal]:
    """On hand per material, without failed rolls (and, for cutting now, uninspected ones)."""
    excluded = [Lot.Inspection.FAILED]
    if cuttable_only:
        excluded.append(Lot.Inspection.PENDING)
    rows = (
        StockBalance.objects.filter(factory=factory, quantity__gt=0)
        .exclude(lot__inspection__in=excluded)
        .values_list("material_id")
        .annotate(q=Sum("quantity"))
    )
    return dict(rows)


def open_purchase_supply(factory) -> dict[int, list[list]]:
    """Per material: [usable from, open quantity] of open purchase lines, earliest first. A line
    is usable `MRP_SAFETY_DAYS` after its expected date."""
    safety = timedelta(days=int(conf.get("MRP_SAFETY_DAYS")))
    supply: dict[int, list[list]] = defaultdict(list)
    lines = PurchaseOrderLine.objects.filter(
        factory=factory,
        is_closed=False,
        purchase_order__status__in=PurchaseOrder.OPEN_STATUSES,
    ).only(
        "material_id",
        "quantity",
        "confirmed_quantity",
        "received_quantity",
        "need_date",
        "confirmed_ship_date",
        "is_closed",
    )
    for line in lines:
        if line.open_quantity > 0:
            supply[line.material_id].append([line.expected_date + safety, line.open_quantity])
    for entries in supply.values():
        entries.sort(key=lambda entry: entry[0])
    return supply


def preferred_offers(factory) -> dict[int, SupplierItem]:
    """Per material, the catalogue offer purchases go to: preferred, then cheapest."""
    offers: dict[int, SupplierItem] = {}
    for item in SupplierItem.objects.filter(factory=factory).order_by(
        "material_id", "-is_preferred", "unit_price", "pk"
    ):
        offers.setdefault(item.material_id, item)
    return offers


# --- costing (orders' pre-cost and payroll's actual cost read these) -------------------------
def material_current_prices(factory, codes: Iterable[str]) -> dict[str, Decimal]:
    """Per material code, what a unit costs now: the price of the offer purchases go to
    (`preferred_offers`: preferred, then cheapest), else the material's moving-average cost.
    A code with neither (or no such material) is left out: the caller reports it as missing,
    never as free."""
    materials = Material.objects.filter(factory=factory, code__in=list(codes)).only(
        "id", "code", "average_cost"
    )
    offers = preferred_offers(factory)
    prices: dict[str, Decimal] = {}
    for material in materials:
        offer = offers.get(material.pk)
        if offer is not None and offer.unit_price > 0:
            prices[material.code] = offer.unit_price
        elif material.average_cost > 0:
            prices[material.code] = material.average_cost
    return prices


def material_issued_value(factory, work_order_ids: Iterable[int]) -> dict[int, Decimal]:
    """Per work order: the value of material issued to it less what came back, each move at
    the moving-average cost it was posted at (a work order with no moves is left out)."""
    value: dict[int, Decimal] = defaultdict(lambda: ZERO)
    rows = (
        StockMove.objects.filter(
            factory=factory,
            work_order_id__in=list(work_order_ids),
            kind__in=[StockMove.Kind.ISSUE, StockMove.Kind.RETURN],
        )
        .values_list("work_order_id", "kind")
        .annotate(v=Sum(F("quantity") * F("unit_cost")))
        .order_by()
    )
    for work_order_id, kind, amount in rows:
        value[work_order_id] += (amount or ZERO) * (1 if kind == StockMove.Kind.ISSUE else -1)
    return dict(value)


def latest_run(factory) -> MrpRun | None:
    return MrpRun.objects.filter(factory=factory).order_by("-created_at", "-pk").first()


def latest_shortages(factory):
    """The shortage rows of the factory's last MRP run (none before the first run), in need-date
    order: the shortages page lists them and the home counts them."""
    latest = MrpRun.objects.filter(factory=factory).order_by("-created_at", "-pk").values("pk")[:1]
    return MaterialShortage.objects.filter(factory=factory, run__in=latest).order_by(
        "need_date", "work_order__number", "material_code"
    )


# --- the purchase-order list ----------------------------------------------------------------
# Beyond the statuses, the list knows one queue: what the warehouse still has to receive.
TO_RECEIVE = "to_receive"


def purchase_orders_for(organization, *, status: str = ""):
    """The purchase orders an organization sees (a factory's, or those a supplier was sent),
    newest first: in one status, or the ones to receive (confirmed or partly received)."""
    orders = PurchaseOrder.objects.visible_to(organization)
    if status == TO_RECEIVE:
        orders = orders.filter(
            status__in=(PurchaseOrder.Status.CONFIRMED, PurchaseOrder.Status.PARTIAL)
        )
    elif status in PurchaseOrder.Status.values:
        orders = orders.filter(status=status)
    return orders.order_by("-created_at", "-pk")


# --- the seed's figures: overdue purchase orders, and why a material was short ---------------
def _overdue_lines(factory, today: date):
    return (
        PurchaseOrderLine.objects.filter(
            factory=factory,
            purchase_order__status__in=PurchaseOrder.OPEN_STATUSES,
            is_closed=False,
        )
        .annotate(expected=Coalesce("confirmed_ship_date", "need_date"))
        .filter(expected__lt=today)
    )


def overdue_purchase_orders_count(factory, *, today: date) -> int:
    """How many orders `overdue_purchase_orders` lists, in one COUNT (the home's card)."""
    return _overdue_lines(factory, today).values("purchase_order").distinct().count()


def overdue_purchase_orders(factory, *, today: date) -> list[dict]:
    """Purchase orders sent to (or confirmed by) their supplier with a line still open past its
    expected date (the confirmed ship date, else the need date) on the factory's `today`: the
    order, its supplier, its earliest open expected date, days overdue, the open materials."""
    lines = (
        _overdue_lines(factory, today)
        .select_related("purchase_order__supplier", "material")
        .order_by("expected", "purchase_order__number", "pk")
    )
    orders: dict[int, dict] = {}
    for line in lines:
        order = line.purchase_order
        row = orders.setdefault(
            order.pk,
            {
                "id": order.pk,
                "number": order.number,
                "supplier": order.supplier.name,
                "status": str(order.get_status_display()),
                "expected": line.expected,
                "days_overdue": (today - line.expected).days,
                "materials": [],
            },
        )
        row["materials"].append(
            {"code": line.material.code, "open": line.open_quantity, "unit": line.material.unit}
        )
    return list(orders.values())


SUPPLY_LOOKBACK_DAYS = 30


def shortage_causes(factory, *, codes: Iterable[str], need_date: date) -> dict[str, tuple]:
    """Why each material (by code) was short for a need on `need_date`: (cause, detail).

    The supply meant for the need is the material's purchase-order lines (sent or later, not
    cancelled) needed from SUPPLY_LOOKBACK_DAYS before the need date on, and the lots received
    against any line from then on. In this order, the first that holds is the cause:
    `failed_inspection` (a lot failed its fabric inspection), `short_receipt` (a line was
    closed with less than it expected), `late_po` (a line arrived, or is still due, after the
    need date), `no_po` (no such line, also for a code not in the catalogue). A material with
    only full, timely, passed supply was short for another reason (`other`: used elsewhere)."""
    codes = list(dict.fromkeys(codes))
    since = need_date - timedelta(days=SUPPLY_LOOKBACK_DAYS)
    lines = list(
        PurchaseOrderLine.objects.filter(
            factory=factory, material__code__in=codes, need_date__gte=since
        )
        .exclude(
            purchase_order__status__in=(PurchaseOrder.Status.DRAFT, PurchaseOrder.Status.CANCELLED)
        )
        .select_related("purchase_order", "material")
        .order_by("need_date", "pk")
    )
    failed = list(
        Lot.objects.filter(
            factory=factory,
            material__code__in=codes,
            inspection=Lot.Inspection.FAILED,
            received_at__gte=local_midnight(factory, since),
        )
        .select_related("material")
        .order_by("received_at", "pk")
    )
    causes = {}
    for code in codes:
        own = [line for line in lines if line.material.code == code]
        bad = next((lot for lot in failed if lot.material.code == code), None)
        short = next(
            (ln for ln in own if ln.is_closed and ln.received_quantity < ln.expected_quantity),
            None,
        )
        late = next(
            (
                ln
                for ln in own
                if (ln.received_on or ln.expected_date) > need_date
                or (ln.received_on is None and not ln.is_closed)
            ),
            None,
        )
        if bad is not None:
            causes[code] = ("failed_inspection", bad.code)
        elif short is not None:
            causes[code] = ("short_receipt", short.purchase_order.number)
        elif late is not None:
            causes[code] = ("late_po", late.purchase_order.number)
        elif not own:
            causes[code] = ("no_po", "")
        else:
            causes[code] = ("other", "")
    return causes


# --- Set-up checklist (registered from InventoryConfig.ready) -------------------------------
def materials_count(factory_id: int) -> int:
    """The factory's materials in its catalogue."""
    return Material.objects.filter(factory_id=factory_id).count()


def suppliers_count(factory_id: int) -> int:
    """The suppliers that have accepted to work with the factory."""
    return Partnership.objects.filter(
        factory_id=factory_id,
        status=Partnership.Status.ACCEPTED,
        partner__kind=OrgKind.SUPPLIER,
    ).count()
