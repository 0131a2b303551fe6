"""Plausible rollup history for the demo and the benchmark.

The demo's other apps seed only a few days of real records; a one-screen dashboard, a district
report and a twelve-month data profile need history, so this fills the rollup tables directly
for buckets that have no rows yet (never overwriting rollups rebuilt from real records), and
records the range it covered (`dashboards.services.synthetic_history_record`) so the screens that
show those rollups say the history is synthetic.

It stops CATCH_UP_HOURS before now: those hours belong to the dashboards' periodic catch-up,
which rebuilds them from the real records, and a synthetic hour there was replaced minutes
after `make demo` started, so the screen's output went down while the floor ran.
"""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from dashboards import conf as dashboards_conf
from dashboards.models import FactoryDay, LineDay, MachineHour, OutputHour
from dashboards.services import synthetic_history_record
from factories.calendar import shift_window
from factories.clock import factory_today, hour_floor
from factories.models import Factory, SewingLine, Station, Worker

BATCH = 5000


def _shift_hours(factory: Factory, day: date, until: datetime | None = None) -> list[datetime]:
    """The factory's local clock hours (their UTC starts, as the rollups key them) that its
    default shift on `day` works in, those ended by `until` only."""
    window = shift_window(factory, day)
    hours, hour = [], hour_floor(factory, window.start)
    while hour < window.end:
        if until is None or hour + timedelta(hours=1) <= until:
            hours.append(hour)
        hour += timedelta(hours=1)
    return hours


def fill(
    factory: Factory,
    *,
    days: int,
    hourly_days: int,
    line_days: int,
    now: datetime,
    device_ids: dict[int, int | None] | None = None,
    seed: int = 7,
) -> dict:
    """Fill `days` of FactoryDay, `line_days` of LineDay and `hourly_days` of hourly rows per
    operator and machine, ending now; returns how many rows were written per table."""
    rng = random.Random(f"{seed}-{factory.pk}")
    today = factory_today(factory, now)
    # The hours the catch-up rebuilds from real records are left to it (module doc).
    settled = now - timedelta(hours=int(dashboards_conf.get("CATCH_UP_HOURS")))
    lines = list(SewingLine.objects.filter(factory=factory, is_active=True))
    workers = list(Worker.objects.filter(factory=factory, is_active=True, line__isnull=False))
    if device_ids is None:
        device_ids = {
            station.pk: station.pk
            for station in Station.objects.filter(factory=factory).order_by("pk")
        }
    filled_days = set(FactoryDay.objects.filter(factory=factory).values_list("day", flat=True))
    filled_hours = set(
        OutputHour.objects.filter(factory=factory).values_list("hour", flat=True).distinct()
    )
    filled_machine_hours = set(
        MachineHour.objects.filter(factory=factory).values_list("hour", flat=True).distinct()
    )
    filled_line_days = set(LineDay.objects.filter(factory=factory).values_list("day", flat=True))
    written = {"output_hours": 0, "machine_hours": 0, "line_days": 0, "factory_days": 0}
    output_rows, machine_rows, line_rows, day_rows = [], [], [], []
    skill = {w.pk: 0.75 + 0.5 * rng.random() for w in workers}
    sam = Decimal("12.0")
    rate = factory.rate_per_minute
    # A factory that improves over the year, as the reference story's did.
    for back in range(days - 1, -1, -1):
        day = today - timedelta(days=back)
        growth = 0.7 + 0.3 * (1 - back / max(days, 1))
        hours = _shift_hours(factory, day, settled)
        day_totals = {"finished": 0, "good": 0, "defective": 0, "minutes": Decimal("0")}
        line_totals = {line.pk: [0, 0, 0] for line in lines}
        for hour in hours if back < hourly_days else []:
            for worker in workers if hour not in filled_hours else []:
                good = int(rng.gauss(55, 8) * skill[worker.pk] * growth)
                good = max(0, good)
                defective = int(good * rng.uniform(0.0, 0.04))
                finished = good // 8
                minutes = (sam / 8 * good).quantize(Decimal("0.01"))
                output_rows.append(
                    OutputHour(
                        factory=factory,
                        hour=hour,
                        line_id=worker.line_id,
                        worker=worker,
                        good=good,
                        defective=defective,
                        finished=finished,
                        earned_minutes=minutes,
                    )
                )
                line_totals[worker.line_id][0] += finished
                line_totals[worker.line_id][1] += good
                line_totals[worker.line_id][2] += defective
            for device_id, station_id in (
                device_ids.items() if hour not in filled_machine_hours else []
            ):
                running = int(3600 * rng.uniform(0.45, 0.85) * growth)
                stopped = int((3600 - running) * rng.uniform(0, 0.3))
                arrivals = rng.randint(8, 16)
                machine_rows.append(
                    MachineHour(
                        factory=factory,
                        hour=hour,
                        device_id=device_id,
                        station_id=station_id,
                        running_seconds=running,
                        stopped_seconds=stopped,
                        idle_seconds=3600 - running - stopped,
                        arrivals=arrivals,
                        departures=max(0, arrivals - rng.randint(-1, 2)),
                        pieces=rng.randint(40, 80),
                    )
                )
        if back < line_days and day not in filled_line_days:
            for line in lines:
                finished, good, defective = line_totals[line.pk]
                if not good:  # no hourly rows that day: a day's worth for the line's people
                    people = sum(1 for w in workers if w.line_id == line.pk)
                    finished = int(rng.gauss(48, 5) * growth * people)
                    good = finished * 8
                    defective = int(good * rng.uniform(0.01, 0.03))
                inspected = finished // 5
                defects = int(inspected * rng.uniform(0.01, 0.05))
                line_rows.append(
                    LineDay(
                        factory=factory,
                        day=day,
                        line=line,
                        finished=finished,
                        good=good,
                        defective=defective,
                        inspected=inspected,
                        passed=inspected - defects,
                        defects=defects,
                    )
                )
                day_totals["finished"] += finished
                day_totals["good"] += good
                day_totals["defective"] += defective
        if day in filled_days:
            continue
        operators = len(workers) - rng.randint(0, max(1, len(workers) // 15))
        if not day_totals["good"]:
            full_shift = len(_shift_hours(factory, day))
            per_person = rng.gauss(48, 5) * growth * (len(hours) / full_shift or 1)
            day_totals["finished"] = int(per_person * operators)
            day_totals["good"] = day_totals["finished"] * 8
            day_totals["defective"] = int(day_totals["good"] * rng.uniform(0.01, 0.03))
        minutes = sam * day_totals["finished"]
        inspected = day_totals["finished"] // 5
        defects = int(inspected * rng.uniform(0.01, 0.05))
        orders_delivered = rng.choice([0, 0, 1, 1, 2])
        day_rows.append(
            FactoryDay(
                factory=factory,
                day=day,
                finished=day_totals["finished"],
                good=day_totals["good"],
                defective=day_totals["defective"],
                earned_minutes=minutes,
                available_minutes=Decimal(operators * shift_window(factory, day).minutes),
                operators=operators,
                employees=len(workers) + 10,
                wages=(minutes * rate).quantize(Decimal("0.01")),
                wage_days=operators,
                running_seconds=int(len(device_ids) * len(hours) * 3600 * 0.65 * growth),
                idle_seconds=int(len(device_ids) * len(hours) * 3600 * 0.25),
                stopped_seconds=int(len(device_ids) * len(hours) * 3600 * 0.1),
                inspected=inspected,
                passed=inspected - defects,
                defects=defects,
                orders_received=rng.choice([0, 1, 1, 2, 3]),
                pieces_ordered=rng.choice([0, 300, 500, 800, 1200]),
                orders_delivered=orders_delivered,
                orders_delivered_on_time=sum(rng.random() < 0.85 for _ in range(orders_delivered)),
                pieces_shipped=orders_delivered * rng.choice([300, 500, 800]),
            )
        )
        if len(output_rows) + len(machine_rows) > BATCH:
            _flush(output_rows, machine_rows, line_rows, day_rows, written)
    _flush(output_rows, machine_rows, line_rows, day_rows, written)
    synthetic_history_record(
        factory=factory, first_day=today - timedelta(days=days - 1), last_day=today
    )
    return written


def _flush(output_rows, machine_rows, line_rows, day_rows, written) -> None:
    for rows, model, key in (
        (output_rows, OutputHour, "output_hours"),
        (machine_rows, MachineHour, "machine_hours"),
        (line_rows, LineDay, "line_days"),
        (day_rows, FactoryDay, "factory_days"),
    ):
        if rows:
            model.objects.bulk_create(rows, batch_size=BATCH)
            written[key] += len(rows)
            rows.clear()
