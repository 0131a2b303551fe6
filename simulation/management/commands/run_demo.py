"""`manage.py run_demo`: the whole platform in one process, for `make demo` on a bare machine.

The web server (daphne, HTTP + WebSockets), the periodic jobs of CELERY_BEAT_SCHEDULE (run
in-process, since there is no beat without a broker) and the factory-floor simulator
(`manage.py simulate`) feeding the ingest entry point, and the demo merchant's webhook receiver
(simulation.webhook_receiver) — all in one process, so the in-memory channel layer reaches
every open dashboard.
"""

import logging
import threading
import time
from datetime import UTC, datetime

from celery import current_app as celery_app
from celery.schedules import maybe_schedule
from celery.schedules import schedule as celery_schedule
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from core import rls
from simulation.webhook_receiver import DEMO_PORT, demo_receiver

logger = logging.getLogger(__name__)


TICK = 1.0  # seconds: the in-process beat's resolution


def interval_jobs_due(next_due: dict[str, float], every: dict[str, float], now: float) -> list:
    """The interval jobs due at `now` (monotonic seconds), each scheduled again one period after
    the time it was due, not after it ran: a 1-s job (Modbus polling) runs at every tick
    however long the jobs took, and a tick a little early (within half a tick) still counts. A
    job that fell behind by more than a period skips the runs it missed."""
    due = []
    for name, at in next_due.items():
        if now + TICK / 2 < at:
            continue
        due.append(name)
        following = at + every[name]
        next_due[name] = following if following > now else now + every[name]
    return due


def run_periodic_jobs(stop: threading.Event) -> None:
    """A tiny in-process beat: runs each scheduled task when it is due, on a 1-s grid."""
    celery_app.loader.import_default_modules()
    entries = {
        name: (maybe_schedule(entry["schedule"]), entry)
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
    }
    every = {
        name: schedule.run_every.total_seconds()
        for name, (schedule, _entry) in entries.items()
        if type(schedule) is celery_schedule
    }
    started = time.monotonic()
    next_due = {name: started + seconds for name, seconds in every.items()}
    last_run = {name: celery_app.now() for name in entries if name not in every}
    tick = 0
    while True:
        # Wait for the next tick of the grid, not a second after the jobs finished (that
        # drifted, and a 1-s job then ran every other second); ticks missed are skipped.
        tick = max(tick + 1, int((time.monotonic() - started) // TICK) + 1)
        if stop.wait(max(0.0, started + tick * TICK - time.monotonic())):
            return
        names = interval_jobs_due(next_due, every, time.monotonic())
        for name in last_run:  # crontab schedules: celery's own rule
            due, _next = entries[name][0].is_due(last_run[name])
            if due:
                last_run[name] = celery_app.now()
                names.append(name)
        for name in names:
            entry = entries[name][1]
            try:
                celery_app.tasks[entry["task"]].apply(
                    args=entry.get("args", ()), kwargs=entry.get("kwargs", {})
                )
            except Exception:
                logger.exception("periodic job %s failed", name)


def run_simulator(factory: str, rate: float, stop: threading.Event) -> None:
    time.sleep(3)  # let the server come up first
    while not stop.is_set():
        try:
            call_command("simulate", factory=factory, rate=rate)
            return
        except Exception:
            logger.exception("simulator stopped; restarting in 5 s (%s)", datetime.now(UTC))
            stop.wait(5)


class Command(BaseCommand):
    help = "Run the web server, periodic jobs and the simulator in one process (demo)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--factory", default="zz-lusong")
        parser.add_argument(
            "--rate", type=float, default=5.0, help="simulated hanger events per second"
        )
        parser.add_argument("--no-simulator", action="store_true")
        parser.add_argument(
            "--webhook-port", type=int, default=DEMO_PORT, help="the merchant's receiver's port"
        )

    def handle(self, *args, **options):
        # Not at the top: importing daphne installs Twisted's asyncio reactor, only for serving.
        from daphne.cli import CommandLineInterface

        stop = threading.Event()
        # The demo merchant's webhook receiver (simulation.webhook_receiver): checks and logs.
        demo_receiver(options["webhook_port"]).start()
        threading.Thread(
            target=rls.platform()(run_periodic_jobs),
            args=(stop,),
            daemon=True,
            name="periodic-jobs",
        ).start()
        if not options["no_simulator"]:
            threading.Thread(
                target=rls.platform()(run_simulator),
                args=(options["factory"], options["rate"], stop),
                daemon=True,
                name="simulator",
            ).start()
        try:
            CommandLineInterface().run(
                ["-b", options["host"], "-p", str(options["port"]), "config.asgi:application"]
            )
        finally:
            stop.set()
