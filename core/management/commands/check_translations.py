"""`manage.py check_translations`: fail when a zh_Hans catalogue is stale, fuzzy or incomplete.

1. Every committed .mo must be what its committed .po compiles to (else the .mo is stale).
2. After extracting the current strings (makemessages), no catalogue may have untranslated,
   fuzzy or obsolete entries (else the .po is stale or incomplete).
The catalogues are restored afterwards, so the check leaves the tree as it found it.
`make messages` is how a developer updates them.
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

LANGUAGE = "zh_Hans"
IGNORED = ["node_modules/*", ".venv/*", "var/*", "staticfiles/*", "tests/*", "artifacts/*"]


def catalogues() -> list[Path]:
    base = Path(settings.BASE_DIR)
    roots = [base / "locale"] + [base / app / "locale" for app in settings.PROJECT_APPS]
    return sorted(p for root in roots for p in root.glob(f"{LANGUAGE}/LC_MESSAGES/django.po"))


def count_entries(po: Path, *flags: str) -> int:
    output = subprocess.run(
        ["msgattrib", *flags, "--no-wrap", str(po)], capture_output=True, text=True, check=True
    ).stdout
    # Every entry has one msgid line; the header's msgid "" is excluded.
    return sum(
        1
        for line in output.splitlines()
        if line.startswith(("msgid ", "#~ msgid ")) and line not in ('msgid ""', '#~ msgid ""')
    )


class Command(BaseCommand):
    help = "Check that zh_Hans translations are complete, not fuzzy and compiled."

    def handle(self, *args, **options):
        problems = []
        with tempfile.TemporaryDirectory() as tmp:
            saved = {}
            for index, po in enumerate(catalogues()):
                saved[po] = Path(tmp) / f"{index}.po"
                shutil.copy2(po, saved[po])
                compiled = Path(tmp) / f"{index}.mo"
                subprocess.run(
                    ["msgfmt", "--check-format", "-o", str(compiled), str(po)], check=True
                )
                mo = po.with_suffix(".mo")
                if not mo.exists() or mo.read_bytes() != compiled.read_bytes():
                    problems.append(f"{mo}: stale or missing (run `make messages`)")
            try:
                call_command(
                    "makemessages",
                    locale=[LANGUAGE],
                    no_location=True,
                    verbosity=0,
                    ignore_patterns=IGNORED,
                )
                for po in catalogues():
                    checks = {
                        "untranslated": count_entries(po, "--untranslated", "--no-obsolete"),
                        "fuzzy": count_entries(po, "--only-fuzzy", "--no-obsolete"),
                        "obsolete": count_entries(po, "--only-obsolete"),
                    }
                    for what, count in checks.items():
                        if count:
                            problems.append(f"{po}: {count} {what} entries")
            finally:
                for po, copy in saved.items():
                    shutil.copy2(copy, po)
                for po in catalogues():
                    if po not in saved:  # a catalogue makemessages created just now
                        if count_entries(po):
                            problems.append(f"{po}: new catalogue, not committed")
                        po.unlink()
        if problems:
            raise CommandError("Translations are not complete:\n  " + "\n  ".join(problems))
        self.stdout.write(self.style.SUCCESS(f"{len(saved)} catalogues complete and compiled."))
