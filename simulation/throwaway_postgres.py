"""A PostgreSQL cluster of our own: initdb into a temporary folder, started on a free loopback
port, so a test or a drill can stop it, destroy it or restore it without ever touching the
shared server. The zero-loss ingest tests and the restore drill (simulation.restore_drill) use it.
"""

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from simulation.chain import free_tcp_port

DEFAULT_APP_ROLE = "seamline_app"


class ThrowawayPostgres:
    """A PostgreSQL cluster of our own (initdb in a temporary folder), so stopping it midway
    never touches the shared server. `settings` are written to its postgresql.conf (they are
    part of the data folder, so a base backup carries them)."""

    def __init__(self, *, settings: dict[str, str] | None = None):
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not binaries:
            raise RuntimeError("initdb not found under /usr/lib/postgresql/*/bin")
        self.bin = Path(binaries[-1]).parent
        # Its own folder under /tmp: pytest's folders are private to root, and initdb runs as
        # the postgres user when we are root (it refuses to run as root).
        self.directory = Path(tempfile.mkdtemp(prefix="seamline-pg-"))
        self.data = self.directory / "data"
        self.port = free_tcp_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.settings = settings or {}

    def run(self, *args, input: bytes | None = None) -> bytes:
        """Run a command as the cluster's owner (postgres when we are root); its stdout."""
        return _checked([*self.as_user, *args], input=input)

    def init(self) -> "ThrowawayPostgres":
        if self.as_user:
            shutil.chown(self.directory, "postgres", "postgres")
        self.run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E",
            "UTF8", "--no-sync",
        )  # fmt: skip
        if self.settings:
            lines = "".join(f"{name} = '{value}'\n" for name, value in self.settings.items())
            with (self.data / "postgresql.conf").open("a") as conf:
                conf.write("\n# seamline throwaway cluster\n" + lines)
        return self

    def start(self, *, durable: bool = False) -> None:
        """Start it; without fsync unless `durable` (a throwaway cluster needs no durability,
        but a timed restore should pay what a real one pays)."""
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        options += "" if durable else " -c fsync=off"
        self.run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-l",
            str(self.directory / "log"), "-o", options, "start",
        )  # fmt: skip

    def stop(self) -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-m", "fast", "stop")

    def remove(self) -> None:
        with contextlib.suppress(RuntimeError):
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def url(self, name: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def psql(self, sql: str, *, input: bytes | None = None) -> str:
        """One statement (or a script on stdin when `sql` is empty), its rows unaligned."""
        command = [str(self.bin / "psql"), "-q", "-X", "-At", "-v", "ON_ERROR_STOP=1", self.url()]
        command += ["-c", sql] if sql else []
        return _checked(command, input=input).decode()

    def clone_from(
        self, source_url: str, *, schema_only: bool = False, app_role: str | None = None
    ) -> None:
        """Copy the source database (its schema, and its rows unless `schema_only`) into this
        cluster's `postgres` database, with the app role row-level security needs (by default
        DATABASE_APP_ROLE's; none when that is empty)."""
        dump = _checked(
            [str(self.bin / "pg_dump"), "--no-owner", "--no-privileges"]
            + (["--schema-only"] if schema_only else [])
            + [source_url]
        )
        self.psql("", input=dump)
        self._app_role_create(
            os.environ.get("DATABASE_APP_ROLE", "") if app_role is None else app_role
        )

    def _app_role_create(self, role: str) -> None:
        """The app role (row-level security, core/rls.py) is the cluster's, so a dump does not
        carry it: make it here with the grants `core.rls.install` gives, so a process pointed at
        this cluster runs as it does on the shared one."""
        if not role:
            return
        self.psql(
            f'CREATE ROLE "{role}" NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;'
            f'GRANT USAGE ON SCHEMA public TO "{role}";'
            f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}";'
            f'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO "{role}";'
        )


def _checked(command: list, *, input: bytes | None = None) -> bytes:
    """The command's stdout; RuntimeError with its stderr when it fails."""
    try:
        return subprocess.run(command, check=True, capture_output=True, input=input).stdout
    except subprocess.CalledProcessError as error:
        detail = (error.stderr or b"").decode(errors="replace").strip()
        program = Path(str(command[command.index("--") + 1 if "--" in command else 0])).name
        raise RuntimeError(f"{program} failed: {detail[-2000:]}") from error
