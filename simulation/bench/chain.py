"""`manage.py bench chain --orders 20`: the whole chain (simulation.chain) for N orders, through
the real services: daphne, a Celery worker on Redis, `ingest_mqtt` on Mosquitto, PostgreSQL.

Builds a fresh factory and merchant (committed: the processes read them), runs the journey and
prints orders, stage_seconds, conversion_lead_time_s_p50 (acceptance to cut plan, bundles and
tickets ready), pieces planned, cut, recorded, paid and shipped, webhooks_verified and
peak_rss_mb. Recorded, paid and shipped pieces must be equal: if not, the line says why and the
command exits non-zero. Refuses to run without DATABASE_URL (PostgreSQL), REDIS_URL and MQTT_URL.
"""

import statistics
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from simulation.chain import RunningServices, chain_figures, journey_run, world_build
from simulation.webhook_receiver import WebhookReceiver


def add_arguments(parser) -> None:
    parser.add_argument("--orders", type=int, default=20)
    parser.add_argument("--operators", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait per stage")


def missing_services() -> list[str]:
    missing = []
    if connection.vendor != "postgresql":
        missing.append("DATABASE_URL (PostgreSQL)")
    if not settings.REDIS_URL:
        missing.append("REDIS_URL")
    if not settings.MQTT_URL:
        missing.append("MQTT_URL")
    return missing


def run(options, stdout) -> dict:
    missing = missing_services()
    if missing:
        return {"failure": f"bench chain runs on the real services; set {', '.join(missing)}"}
    tag = f"chain-{time.time_ns() // 1_000_000}"
    rolls = max(12, options["orders"] * 2)
    world = world_build(tag=tag, operators=options["operators"], rolls=rolls)
    logs = Path(tempfile.mkdtemp(prefix="seamline-chain-"))
    with (
        WebhookReceiver(lambda: []) as receiver,
        RunningServices(log_dir=logs, tag=tag) as services,
    ):
        stdout.write(f"chain: {options['orders']} orders at {services.base_url}; logs in {logs}")
        result = journey_run(
            world,
            base_url=services.base_url,
            mqtt_url=services.mqtt_url,
            receiver=receiver,
            orders=options["orders"],
            timeout=options["timeout"],
        )
        figures = chain_figures(world, result, base_url=services.base_url)
    line = {
        "orders": len(result.orders),
        "stage_seconds": result.stage_seconds,
        "conversion_lead_time_s_p50": round(statistics.median(result.conversion_seconds), 3),
        "pieces_planned": figures["pieces_planned"],
        "pieces_cut": figures["pieces_cut"],
        "pieces_recorded": figures["pieces_recorded"],
        "pieces_paid": figures["pieces_paid"],
        "pieces_shipped": figures["pieces_shipped"],
        "lay_events_published": result.machine_events,
        "lay_events_linked": figures["lay_events_linked"],
        "webhooks_expected": result.webhooks_expected,
        "webhooks_verified": result.webhooks_verified,
    }
    problems = []
    if not line["pieces_recorded"] == line["pieces_paid"] == line["pieces_shipped"]:
        problems.append("recorded, paid and shipped pieces differ")
    if figures["recorded_by_worker"] != figures["paid_by_worker"]:
        problems.append("an operator was not paid for exactly the pieces recorded")
    if figures["lay_events_linked"] != result.machine_events:
        problems.append("not every spreader or cutter event reached its lay")
    if result.webhooks_verified != result.webhooks_expected or receiver.refused:
        problems.append("not every webhook arrived with a valid signature")
    if problems:
        line["failure"] = "; ".join(problems)
    return line
