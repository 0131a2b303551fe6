"""`manage.py ingest_mqtt`: MQTT → PostgreSQL, acknowledged after commit (see devices.mqtt).

Run several (e.g. one per core) to split the stream over the shared subscription. Each process
gets a client id of its own (host, pid, random) unless --client-id / INGEST_CLIENT_ID names one;
SIGTERM stops it cleanly (docs/operations.md).
"""

import json
import os
import resource
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import rls
from devices.mqtt import IngestLoop


class Command(BaseCommand):
    help = "Receive device messages from Mosquitto and store them (zero loss, no duplicates)."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="", help="mqtt://user:password@host:port (MQTT_URL)")
        parser.add_argument(
            "--client-id",
            default=os.environ.get("INGEST_CLIENT_ID") or None,
            help="the MQTT session's name (default: unique per process)",
        )
        parser.add_argument("--batch-size", type=int, default=None)
        parser.add_argument("--max-wait", type=float, default=None, help="seconds per batch")
        parser.add_argument("--share-group", default=None, help="'' for a plain subscription")
        parser.add_argument("--stop-after", type=int, default=None, help="messages, then exit")
        parser.add_argument("--idle-exit", type=float, default=None, help="exit when idle (s)")
        parser.add_argument("--stats", action="store_true", help="print a JSON line at the end")
        parser.add_argument(
            "--latency-file",
            default=None,
            help="write, at exit, each stored record's ms from its ts to its batch's commit "
            "(little-endian float64s)",
        )

    @rls.platform()  # the ingest serves every factory (row-level security)
    def handle(self, *args, **options):
        url = options["url"] or settings.MQTT_URL
        if not url:
            raise CommandError("Set MQTT_URL (or --url).")
        loop = IngestLoop(
            url,
            client_id=options["client_id"],
            batch_size=options["batch_size"],
            max_wait=options["max_wait"],
            share_group=options["share_group"],
            stop_after=options["stop_after"],
            idle_exit=options["idle_exit"],
            record_latency=options["stats"],
            record_ts_latency=bool(options["latency_file"]),
        )
        stats = loop.run()
        if options["latency_file"]:
            latencies = stats.record_latencies_ms
            if sys.byteorder != "little":
                latencies.byteswap()
            with open(options["latency_file"], "wb") as out:
                latencies.tofile(out)
        if options["stats"]:
            latencies = sorted(stats.commit_latencies_ms or [0])
            p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
            usage = resource.getrusage(resource.RUSAGE_SELF)
            self.stdout.write(
                json.dumps(
                    {
                        "messages": stats.messages,
                        "records": stats.records,
                        "duplicates": stats.duplicates,
                        "dead_letters": stats.dead_letters,
                        "batches": stats.batches,
                        "p99_commit_latency_ms": round(p99, 1),
                        "first_message_at": stats.first_message_at,
                        "last_commit_at": stats.last_commit_at,
                        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
                        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # KiB on Linux
                    }
                )
            )
