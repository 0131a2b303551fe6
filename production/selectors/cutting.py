"""Reads of the cutting room: lays by status, a lay's spread, cut and device events, planned
against actual garments per size, and fabric consumption against the markers."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from inventory.selectors import issued_to_work_orders, materials_by_code
from production.models import Lay, LayEvent, Recut, SpreadRoll, WorkOrder

ZERO = Decimal("0")
# A work order may be spread and cut once released to cutting, and while it is being sewn
# (later lays are cut while the first bundles are on the line).
RELEASED = (WorkOrder.Status.CUTTING, WorkOrder.Status.SEWING)


def main_fabric_code(work_order: WorkOrder) -> str | None:
    """The material code of the work order's main fabric (its tech pack's BOM), if it has one."""
    line = work_order.version.bom.filter(is_main_fabric=True).order_by("sequence").first()
    return line.material_code if line else None


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


def cutting_room_lays(factory) -> dict[str, list[Lay]]:
    """The lays of released work orders, by status (planned, spread, cut today and before)."""
    lays = (
        Lay.objects.filter(factory=factory, cut_plan__work_order__status__in=RELEASED)
        .select_related("marker", "cut_plan__work_order__version")
        .order_by("cut_plan__work_order__due_date", "cut_plan__work_order__number", "number")
    )
    grouped: dict[str, list[Lay]] = {status: [] for status in Lay.Status.values}
    for lay in lays:
        grouped[lay.status].append(lay)
    return grouped


def lay_cut_rows(lay: Lay) -> list[dict]:
    """Per size of one lay: planned garments (marker × plies), actual (once cut), variance."""
    rows = []
    for size, planned in lay.planned_sizes().items():
        actual = lay.cut_sizes.get(size) if lay.status == Lay.Status.CUT else None
        rows.append(
            {
                "size": size,
                "planned": planned,
                "actual": actual,
                "variance": None if actual is None else actual - planned,
            }
        )
    return rows


def lay_cut_position(work_order: WorkOrder) -> list[dict]:
    """Per colour × size of a work order: planned garments on its lays, the actual garments
    of the lays cut so far, and over- (+) or under-cut (−) on those cut lays. The one place
    that says how many were really cut (work order lines keep the plan)."""
    cells: dict[tuple[str, str], dict] = {}
    lays = Lay.objects.filter(factory_id=work_order.factory_id, cut_plan__work_order=work_order)
    for lay in lays.select_related("marker", "cut_plan__work_order__version").order_by("number"):
        for row in lay_cut_rows(lay):
            cell = cells.setdefault(
                (lay.colour, row["size"]),
                {
                    "colour": lay.colour,
                    "size": row["size"],
                    "planned": 0,
                    "actual": 0,
                    "planned_on_cut_lays": 0,
                },
            )
            cell["planned"] += row["planned"]
            if row["actual"] is not None:
                cell["actual"] += row["actual"]
                cell["planned_on_cut_lays"] += row["planned"]
    for cell in cells.values():
        cell["variance"] = cell["actual"] - cell.pop("planned_on_cut_lays")
    return sorted(cells.values(), key=lambda cell: (cell["colour"], cell["size"]))


def lay_spread_rolls(lay: Lay):
    return SpreadRoll.objects.filter(factory_id=lay.factory_id, lay=lay).select_related("lot")


def lay_events(lay: Lay) -> list[dict]:
    """The lay's cutter and spreader jobs: each start paired with the next end of the same
    device and kind (plies and metres from the end, else the start)."""
    jobs: list[dict] = []
    open_jobs: dict[tuple[str, str], dict] = {}
    for event in LayEvent.objects.filter(factory_id=lay.factory_id, lay=lay).order_by("time", "pk"):
        machine, _sep, phase = event.kind.partition(".")
        key = (event.device_code, machine)
        if phase == "start":
            job = {
                "machine": machine,
                "device": event.device_code,
                "started": event.time,
                "ended": None,
                "plies": event.plies,
                "metres": event.metres,
            }
            jobs.append(job)
            open_jobs[key] = job
        else:
            job = open_jobs.pop(key, None)
            if job is None:
                job = {"machine": machine, "device": event.device_code, "started": None}
                jobs.append(job)
            job.update(
                ended=event.time,
                plies=event.plies if event.plies is not None else job.get("plies"),
                metres=event.metres if event.metres is not None else job.get("metres"),
            )
    return jobs


def lay_recuts(lay: Lay):
    return (
        Recut.objects.filter(factory_id=lay.factory_id, lay=lay)
        .select_related("bundle", "lot")
        .order_by("-recorded_at", "-pk")
    )


METRES = Decimal("0.01")


def _metres(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(METRES)


def fabric_consumption(work_order: WorkOrder) -> dict:
    """Main fabric planned against used, per lay and in total.

    Planned per lay: marker length × plies. Used per lay: its spread rolls' metres plus end bits
    (what was issued for it). Total used: the ledger's issues of the main fabric to the work
    order minus returns (spreads, re-cuts and any issue by the store). Variance % = (used −
    planned) ÷ planned.
    """
    lays = list(
        Lay.objects.filter(factory_id=work_order.factory_id, cut_plan__work_order=work_order)
        .select_related("marker")
        .annotate(used=Sum("rolls__length_m"), end_bits=Sum("rolls__end_bits_m"))
        .order_by("number")
    )
    rows = []
    for lay in lays:
        planned = (lay.marker.length_m * lay.plies).quantize(METRES)
        # SQLite sums decimals as floats: every figure is brought back to the centimetre.
        length = _metres(lay.used)
        end_bits = _metres(lay.end_bits)
        used = length + end_bits if length is not None else None
        rows.append(
            {
                "lay": lay,
                "planned_m": planned,
                "length_m": length,
                "end_bits_m": end_bits,
                "used_m": used,
                "variance_pct": _pct(used - planned, planned) if used is not None else None,
            }
        )
    fabric = main_fabric_code(work_order)
    material = materials_by_code(work_order.factory, [fabric]).get(fabric) if fabric else None
    issued = (
        issued_to_work_orders(work_order.factory, [work_order.pk]).get(
            (work_order.pk, material.pk), ZERO
        )
        if material
        else ZERO
    )
    planned_total = sum((row["planned_m"] for row in rows), ZERO)
    spread_planned = sum((row["planned_m"] for row in rows if row["used_m"] is not None), ZERO)
    recut_m = (
        Recut.objects.filter(
            factory_id=work_order.factory_id, bundle__work_order=work_order
        ).aggregate(m=Sum("length_m"))["m"]
        or ZERO
    )
    return {
        "material": fabric,
        "lays": rows,
        "planned_m": planned_total,
        "planned_spread_m": spread_planned,
        "end_bits_m": sum((row["end_bits_m"] or ZERO for row in rows), ZERO),
        "recut_m": recut_m,
        "issued_m": _metres(issued),
        "variance_pct": _pct(issued - spread_planned, spread_planned),
    }
