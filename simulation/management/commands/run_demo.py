"""`manage.py run_demo`: the whole platform in one process, for `make demo` on a bare machine.

The web server (daphne, HTTP + WebSockets), the periodic jobs of CELERY_BEAT_SCHEDULE (run
in-process, since there is no beat without a broker) and the factory-floor simulator
(`manage.py simulate`) feeding the ingest entry point — all in one process, so the in-memory
channel layer reaches every open dashboard.
"""

import logging
import threading
import time
from datetime import UTC, datetime

from celery import current_app as celery_app
from celery.schedules import maybe_schedule
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from core import rls

logger = logging.getLogger(__name__)


def run_periodic_jobs(stop: threading.Event) -> None:
    """A tiny in-process beat: runs each scheduled task when it is due."""
    celery_app.loader.import_default_modules()
    entries = {
        name: (maybe_schedule(entry["schedule"]), entry)
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
    }
    last_run = {name: celery_app.now() for name in entries}
    while not stop.wait(1.0):
        for name, (schedule, entry) in entries.items():
            due, _next = schedule.is_due(last_run[name])
            if not due:
                continue
            last_run[name] = celery_app.now()
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

    def handle(self, *args, **options):
        # Not at the top: importing daphne installs Twisted's asyncio reactor, only for serving.
        from daphne.cli import CommandLineInterface

        stop = threading.Event()
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
