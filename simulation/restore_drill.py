"""The restore drill: pgBackRest's full backup, WAL archive and point-in-time restore, proven on
a throwaway cluster (simulation.throwaway_postgres), never on the shared or production server.

1. initdb a cluster that archives its WAL to a pgBackRest repository in the same temporary
   folder; give it the real schema (a schema-only copy of the database `source_url` names);
2. write a world through the project's services (a factory and its workers), take a full backup;
   write more workers, take a differential backup (the production schedule's two kinds);
3. write more workers, note the time (the recovery target), write more workers after it, and
   have pgBackRest check that all of it reached the WAL archive;
4. stop the cluster and delete its data folder;
5. restore with `pgbackrest restore --type=time` to the noted time (the differential and the WAL
   after it), start, and read back which workers exist.

The writes run in a child `manage.py restore_drill --write …` whose DATABASE_URL is the
throwaway cluster's; that child refuses any cluster not named DRILL_CLUSTER_NAME, so it can
never write into a real database. Used by `manage.py restore_drill` (an operator's drill on a
real host) and by tests/simulation/test_restore_drill.py (CI's run with services); runbook in
docs/operations.md, "Backup and recovery".
"""

import configparser
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection, transaction

from core import rls
from core.audit import acting_as
from core.models import Organization
from core.roles import OrgKind
from factories.models import Factory
from factories.services import tenant_provision, worker_create
from simulation.throwaway_postgres import DEFAULT_APP_ROLE, ThrowawayPostgres

DRILL_CLUSTER_NAME = "seamline-restore-drill"
DRILL_FACTORY_CODE = "restore-drill"
STANZA = "drill"
PGBACKREST = "/usr/bin/pgbackrest"
PRODUCTION_CONF = settings.BASE_DIR / "deploy" / "postgres" / "pgbackrest.conf"
# Production options the drill replaces with its own folder's.
PATHS = {"repo1-path", "log-path", "lock-path", "spool-path"}
# The batches of workers, by employee number prefix: the world (in the full backup), those in
# the differential, those after it but before the target, those after the target.
WORLD, DIFFERENTIAL, BEFORE, AFTER = "W", "D", "B", "A"


class DrillError(RuntimeError):
    """The drill could not run (a tool is missing or failed); not a failed restore."""


@dataclass(frozen=True)
class DrillResult:
    """What the restored cluster holds, and what the restore cost."""

    expected: list[str]  # employee numbers written before the recovery target
    unexpected: list[str]  # written after it
    restored: list[str]  # found in the restored cluster
    recovery_target: str
    recovery_seconds: float  # from `pgbackrest restore` to the cluster answering, promoted
    database_bytes: int  # the restored database's size
    backup_bytes: int  # the full backup's size in the repository (compressed)
    differential_bytes: int  # the differential's own (what it adds to the full)

    @property
    def restored_correctly(self) -> bool:
        return self.restored == self.expected

    def summary(self) -> dict:
        """The figures, without the lists of rows (one JSON line for an operator's log)."""
        return {
            "recovery_target": self.recovery_target,
            "recovery_seconds": self.recovery_seconds,
            "database_bytes": self.database_bytes,
            "backup_bytes": self.backup_bytes,
            "differential_bytes": self.differential_bytes,
            "rows_before_target": len(self.expected),
            "rows_after_target": len(self.unexpected),
            "rows_restored": len(self.restored),
            "restored_correctly": self.restored_correctly,
        }


class ArchivingCluster(ThrowawayPostgres):
    """A throwaway cluster that archives every WAL segment to its own pgBackRest repository."""

    def __init__(self, *, options_from: Path = PRODUCTION_CONF):
        if not Path(PGBACKREST).exists():
            raise DrillError(f"{PGBACKREST} is missing: apt-get install pgbackrest")
        super().__init__(
            settings={
                "cluster_name": DRILL_CLUSTER_NAME,
                "wal_level": "replica",
                "archive_mode": "on",
                "max_wal_senders": "3",
            }
        )
        self.pgbackrest_conf = self.directory / "pgbackrest.conf"
        self.options_from = options_from

    def init(self) -> "ArchivingCluster":
        super().init()
        self._pgbackrest_conf_write()
        with (self.data / "postgresql.conf").open("a") as pg_conf:
            pg_conf.write(
                f"archive_command = '{PGBACKREST} --config={self.pgbackrest_conf} "
                f"--stanza={STANZA} archive-push %p'\n"
            )
        return self

    def _pgbackrest_conf_write(self) -> None:
        """The production [global] options (`options_from`, deploy/postgres/pgbackrest.conf:
        retention, compression, bundling, processes), its paths inside the throwaway folder,
        and the drill's stanza on this cluster."""
        production = configparser.ConfigParser(interpolation=None)
        production.optionxform = str  # option names as pgBackRest spells them
        with Path(self.options_from).open() as production_conf:
            production.read_file(production_conf)
        options = {
            **{name: value for name, value in production["global"].items() if name not in PATHS},
            "repo1-path": str(self.directory / "repo"),
            "log-path": str(self.directory / "pgbackrest-log"),
            "lock-path": str(self.directory / "pgbackrest-lock"),
            "log-level-console": "warn",
        }
        stanza = {
            "pg1-path": str(self.data),
            "pg1-port": str(self.port),
            "pg1-socket-path": str(self.directory),
            "pg1-user": "postgres",
        }
        drill = configparser.ConfigParser(interpolation=None)
        drill.optionxform = str
        drill.read_dict({"global": options, STANZA: stanza})
        with self.pgbackrest_conf.open("w") as conf:
            drill.write(conf, space_around_delimiters=False)
        log_path = Path(options["log-path"])
        log_path.mkdir()  # pgBackRest logs only into a folder that exists
        if self.as_user:
            for path in (self.pgbackrest_conf, log_path):
                shutil.chown(path, "postgres", "postgres")

    def pgbackrest(self, *args: str) -> str:
        """A pgBackRest command on the drill's stanza, as the cluster's owner; its stdout. A
        warning fails it too: pgBackRest only warns about an option it does not know, and a
        misspelt option in the production configuration must not pass the drill."""
        done = subprocess.run(
            [*self.as_user, PGBACKREST, f"--config={self.pgbackrest_conf}",
             f"--stanza={STANZA}", *args],
            capture_output=True,
            text=True,
        )  # fmt: skip
        if done.returncode or "WARN:" in done.stderr:
            raise DrillError(f"pgbackrest {args[-1]}: {done.stderr.strip()[-2000:]}")
        return done.stdout


class BatchWriter:
    """The child process that writes the drill's batches into the throwaway cluster (one Django
    start-up for all of them): `manage.py restore_drill --writer` reads "PREFIX COUNT" lines and
    answers "written PREFIX" for each."""

    def __init__(self, cluster: ThrowawayPostgres):
        env = {
            **os.environ,
            "DATABASE_URL": cluster.url(),
            "DATABASE_APP_ROLE": _app_role(),
        }
        # Nothing of the drill reaches the real broker, queues or cache.
        for name in ("REDIS_URL", "MQTT_URL", "DEVICES_BROKER_ADMIN_URL", "DJANGO_SETTINGS_MODULE"):
            env.pop(name, None)
        self.log = cluster.directory / "writer.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "restore_drill", "--writer"],
                cwd=settings.BASE_DIR,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )

    def write(self, prefix: str, count: int) -> list[str]:
        """`count` workers numbered `prefix`00001…, committed when this returns."""
        self.process.stdin.write(f"{prefix} {count}\n")
        self.process.stdin.flush()
        for line in self.process.stdout:
            if line.strip() == f"written {prefix}":
                return [_employee_no(prefix, n) for n in range(1, count + 1)]
        self.close()
        raise DrillError(f"writing batch {prefix} failed: {self.log.read_text()[-2000:]}")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _employee_no(prefix: str, n: int) -> str:
    return f"{prefix}{n:05d}"


def _app_role() -> str:
    return os.environ.get("DATABASE_APP_ROLE") or DEFAULT_APP_ROLE


def _query(cluster: ThrowawayPostgres, sql: str) -> list[tuple]:
    with psycopg.connect(cluster.url().replace("postgres://", "postgresql://")) as db:
        return db.execute(sql).fetchall()


def _wait_promoted(cluster: ThrowawayPostgres, timeout: float = 120) -> None:
    """Until the restored cluster has replayed to the target and accepts writes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if not _query(cluster, "SELECT pg_is_in_recovery()")[0][0]:
                return
        except psycopg.OperationalError:
            pass
        time.sleep(0.1)
    raise DrillError(f"the restored cluster did not finish recovery within {timeout:.0f} s")


def run(*, source_url: str, workers: int = 200, batch: int = 20) -> DrillResult:
    """The whole drill (module docstring). `source_url`'s database gives the schema only."""
    cluster = ArchivingCluster()
    try:
        return _drill(cluster, source_url=source_url, workers=workers, batch=batch)
    except RuntimeError as error:  # a tool of the drill failed (its stderr is in the message)
        raise DrillError(str(error)) from error
    finally:
        cluster.remove()


def _drill(cluster: ArchivingCluster, *, source_url: str, workers: int, batch: int) -> DrillResult:
    cluster.init()
    cluster.start()
    cluster.clone_from(source_url, schema_only=True, app_role=_app_role())
    cluster.pgbackrest("stanza-create")
    writer = BatchWriter(cluster)
    try:
        world = writer.write(WORLD, workers)
        cluster.pgbackrest("--type=full", "backup")
        differential = writer.write(DIFFERENTIAL, batch)
        cluster.pgbackrest("--type=diff", "backup")
        before = writer.write(BEFORE, batch)
        target = _query(cluster, "SELECT clock_timestamp()::text")[0][0]
        after = writer.write(AFTER, batch)
    finally:
        writer.close()
    # `check` switches to a new WAL segment and waits for it in the archive: the later writes
    # are in the archive too, so stopping before them is the target's doing.
    cluster.pgbackrest("check")
    cluster.stop()
    shutil.rmtree(cluster.data)

    started = time.monotonic()
    cluster.pgbackrest(
        "--type=time", f"--target={target}",
        "--target-action=promote", "restore",
    )  # fmt: skip
    cluster.start(durable=True)
    _wait_promoted(cluster)
    recovery_seconds = round(time.monotonic() - started, 2)

    restored = sorted(
        row[0]
        for row in _query(
            cluster,
            "SELECT w.employee_no FROM factories_worker w "
            "JOIN core_organization o ON o.id = w.factory_id "
            f"WHERE o.code = '{DRILL_FACTORY_CODE}'",
        )
    )
    database_bytes = _query(cluster, "SELECT pg_database_size('postgres')")[0][0]
    info = json.loads(cluster.pgbackrest("--output=json", "info"))
    size = {backup["type"]: backup["info"]["repository"]["delta"] for backup in info[0]["backup"]}
    return DrillResult(
        expected=sorted(world + differential + before),
        unexpected=after,
        restored=restored,
        recovery_target=target,
        recovery_seconds=recovery_seconds,
        database_bytes=database_bytes,
        backup_bytes=size["full"],
        differential_bytes=size["diff"],
    )


@rls.platform()  # the drill's own factory, in its own cluster
def batch_write(*, prefix: str, count: int) -> None:
    """The child's part: `count` workers of the drill factory (made on first use), through
    factories' services, in one transaction. Refused on any cluster but the drill's."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW cluster_name")
        name = cursor.fetchone()[0]
    if name != DRILL_CLUSTER_NAME:
        raise DrillError(f"refusing to write drill rows into cluster {name!r}")
    with transaction.atomic(), acting_as():
        organization = Organization.objects.filter(code=DRILL_FACTORY_CODE).first()
        if organization is None:
            organization = tenant_provision(
                kind=OrgKind.FACTORY, code=DRILL_FACTORY_CODE, name="Restore drill",
                invite_owner=False,
            ).organization  # fmt: skip
        factory = Factory.objects.get(organization=organization)
        for n in range(1, count + 1):
            number = _employee_no(prefix, n)
            worker_create(
                factory=factory,
                data={"employee_no": number, "badge_id": number, "name": f"Drill {number}"},
                by=None,
            )
