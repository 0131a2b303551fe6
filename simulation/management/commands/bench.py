"""`manage.py bench <name> [options]`: one benchmark, one JSON line printed last.

Each app declares its benchmarks in `<app>/bench.py` as
`BENCHMARKS = {"name": (add_arguments, run)}` where `add_arguments(parser)` adds options and
`run(options, stdout) -> dict` returns the figures. Benchmarks are not tests: nothing here
asserts a time, and CI never gates on them.
"""

import json
import resource
from importlib import import_module, util

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def all_benchmarks() -> dict:
    found = {}
    for app in settings.PROJECT_APPS:
        if util.find_spec(f"{app}.bench"):
            found.update(import_module(f"{app}.bench").BENCHMARKS)
    return found


def peak_rss_mb() -> float:
    """Peak resident set size of this process and its finished children, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


class Command(BaseCommand):
    help = "Run a named benchmark and print one JSON line last."

    def add_arguments(self, parser):
        subparsers = parser.add_subparsers(dest="benchmark", required=True)
        for name, (add_arguments, _run) in sorted(all_benchmarks().items()):
            add_arguments(subparsers.add_parser(name))

    def handle(self, *args, **options):
        benchmarks = all_benchmarks()
        name = options["benchmark"]
        if name not in benchmarks:
            raise CommandError(f"Unknown benchmark {name!r}; known: {sorted(benchmarks)}")
        _add_arguments, run = benchmarks[name]
        result = run(options, self.stdout)
        result.setdefault("peak_rss_mb", peak_rss_mb())
        self.stdout.write(json.dumps({"bench": name, **result}, ensure_ascii=False, default=str))
