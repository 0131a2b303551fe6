"""`manage.py bench <name> [options]`: one benchmark, one JSON line printed last.

The benchmarks are listed in `simulation.bench.BENCHMARKS`. Benchmarks are not tests: nothing
here asserts a time, and CI never gates on them.
"""

import json
import resource

from django.core.management.base import BaseCommand, CommandError

from core import rls
from simulation.bench import BENCHMARKS


def peak_rss_mb() -> float:
    """Peak resident set size of this process and its finished children, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


class Command(BaseCommand):
    help = "Run a named benchmark and print one JSON line last."

    def add_arguments(self, parser):
        subparsers = parser.add_subparsers(dest="benchmark", required=True)
        for name, (add_arguments, _run) in sorted(BENCHMARKS.items()):
            add_arguments(subparsers.add_parser(name))

    @rls.platform()  # builds its worlds for the platform; measured parts act as a tenant
    def handle(self, *args, **options):
        name = options["benchmark"]
        if name not in BENCHMARKS:
            raise CommandError(f"Unknown benchmark {name!r}; known: {sorted(BENCHMARKS)}")
        _add_arguments, run = BENCHMARKS[name]
        result = run(options, self.stdout)
        result.setdefault("peak_rss_mb", peak_rss_mb())
        self.stdout.write(json.dumps({"bench": name, **result}, ensure_ascii=False, default=str))
        if result.get("failure"):  # a benchmark whose own check failed says so and fails
            raise CommandError(result["failure"])
