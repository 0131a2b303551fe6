"""Two of the seed's figures, production's: the conversion lead time per order (accepted → cut
plan, bundles and tickets ready) and the production days lost to material, each with its cause
(docs/production.md, "The seed's figures"). The factory screen and the lists they link to call
these with the same window, so both show the same numbers at any hour."""

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db.models import Max, Q
from django.utils import timezone

from factories.calendar import working_days
from factories.clock import factory_today, local_date
from factories.models import Factory
from orders.models import Order, OrderEvent
from production.models import MaterialDelay, WorkOrder


def conversion_lead_times(factory: Factory, start: datetime, end: datetime) -> dict:
    """Orders whose work order was ready in [start, end), each with its lead time from the
    order's acceptance to the moment conversion finished writing its cut plan, bundles and
    tickets (`WorkOrder.converted_at`), newest first; and the average in seconds. A work
    order made without an accepted order (none is) has no lead time and is left out."""
    work_orders = list(
        WorkOrder.objects.filter(
            factory=factory,
            converted_at__gte=start,
            converted_at__lt=end,
            order__isnull=False,
        )
        .values("pk", "number", "order_id", "order__number", "quantity", "converted_at")
        .order_by("-converted_at", "-pk")
    )
    accepted = dict(
        OrderEvent.objects.filter(
            factory=factory,
            order_id__in=[wo["order_id"] for wo in work_orders],
            to_status=Order.Status.ACCEPTED,
        )
        .values("order_id")
        .annotate(at=Max("at"))
        .values_list("order_id", "at")
    )
    rows = []
    for wo in work_orders:
        accepted_at = accepted.get(wo["order_id"])
        if accepted_at is None:
            continue
        seconds = max(0.0, (wo["converted_at"] - accepted_at).total_seconds())
        rows.append(
            {
                "work_order_id": wo["pk"],
                "work_order": wo["number"],
                "order": wo["order__number"],
                "pieces": wo["quantity"],
                "accepted_at": accepted_at,
                "ready_at": wo["converted_at"],
                "seconds": round(seconds, 1),
            }
        )
    average = round(sum(r["seconds"] for r in rows) / len(rows), 1) if rows else None
    return {"rows": rows, "count": len(rows), "average_seconds": average}


def material_days_lost(factory: Factory, need_date: date, until: date) -> int:
    """Working days of the factory from the need date up to (not including) `until`: the days
    a work order short of material could not start cutting."""
    if until <= need_date:
        return 0
    return len(working_days(factory, need_date, until - timedelta(days=1)))


def material_delays(
    factory: Factory, start: datetime, end: datetime, *, now: datetime | None = None
) -> dict:
    """Production days lost to material: the work orders released to cutting on a local day of
    [start, end) after waiting past their need date for a short material, with the days they
    lost; and the work orders still waiting (planned, need date passed, a material short), with
    the days lost so far. Each work order lists its short materials and their causes; the
    days count once per work order, however many materials held it."""
    now = now or timezone.now()
    today = factory_today(factory, now)
    first, last = local_date(factory, start), local_date(factory, end - timedelta(microseconds=1))
    delays = (
        # Closed by a release on a day of the window, or open on a work order still waiting
        # (a cancelled work order's open delay counts no more).
        MaterialDelay.objects.filter(factory=factory)
        .filter(
            Q(released_on__gte=first, released_on__lte=last)
            | Q(released_on__isnull=True, work_order__status=WorkOrder.Status.PLANNED)
        )
        .select_related("work_order")
        .order_by("need_date", "work_order__number", "material_code")
    )
    by_work_order: dict[int, dict] = {}
    by_cause: dict[str, int] = defaultdict(int)
    labels = dict(MaterialDelay.Cause.choices)
    for delay in delays:
        ongoing = delay.released_on is None
        row = by_work_order.setdefault(
            delay.work_order_id,
            {
                "work_order_id": delay.work_order_id,
                "work_order": delay.work_order.number,
                "need_date": delay.need_date,
                "released_on": delay.released_on,
                "ongoing": ongoing,
                "days_lost": material_days_lost(factory, delay.need_date, today)
                if ongoing
                else delay.days_lost,
                "materials": [],
            },
        )
        row["materials"].append(
            {
                "code": delay.material_code,
                "cause": delay.cause,
                "cause_label": str(labels.get(delay.cause, delay.cause)),
                "detail": delay.detail,
            }
        )
        by_cause[delay.cause] += 1
    rows = list(by_work_order.values())
    return {
        "rows": rows,
        "work_orders": len(rows),
        "days_lost": sum(row["days_lost"] for row in rows),
        "ongoing": sum(1 for row in rows if row["ongoing"]),
        "by_cause": [
            {"cause": cause, "label": str(labels[cause]), "materials": by_cause[cause]}
            for cause in MaterialDelay.Cause.values
            if by_cause.get(cause)
        ],
    }
