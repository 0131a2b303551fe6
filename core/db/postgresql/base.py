"""PostgreSQL backend that keeps the connection's role and row-level-security settings equal to
the scope of the running code (core.rls), checked before every statement.

Why session settings checked per statement rather than `SET LOCAL` per transaction: the app runs
in autocommit (ATOMIC_REQUESTS is off), where each statement is its own transaction and a local
setting would be gone before the next one. So before each statement the backend compares what
the server holds with what the running request, task or consumer wants (`core.rls.current()`)
and, when they differ, sets role and settings in one round trip. A rollback (of a transaction
or a savepoint) undoes settings made inside it, so it makes the backend set them again before
the next statement. A new connection starts with nothing applied. Nothing a request leaves on a
persistent connection (CONN_MAX_AGE) reaches the next one: the next statement is checked against
its own scope, and a statement outside every scope runs with no reach at all.
"""

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus

from core import rls

NO_DB_ALIAS = "__no_db__"

APPLY = (
    "SELECT set_config('role', %s, false), set_config('seamline.platform', %s, false), "
    "set_config('seamline.org_id', %s, false), set_config('seamline.factory_ids', %s, false)"
)


def _sync_before(execute, sql, params, many, context):
    context["connection"].rls_sync()
    return execute(sql, params, many, context)


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rls_applied = None
        self.execute_wrappers.insert(0, _sync_before)

    @property
    def rls_enabled(self) -> bool:
        # Connections to the maintenance database (creating and dropping test databases) keep
        # the login role.
        return self.alias != NO_DB_ALIAS

    def init_connection_state(self):
        self.rls_applied = None
        super().init_connection_state()

    def rls_wanted(self) -> tuple[str, str, str, str]:
        scope = rls.current()
        role = self.settings_dict.get("APP_ROLE") or ""
        wanted_role = "none" if (scope.owner or not role) else role
        return (wanted_role, *scope.settings())

    def rls_sync(self) -> None:
        """Make the server's role and settings those of the running scope."""
        if not self.rls_enabled or self.connection is None:
            return
        if self.connection.info.transaction_status == TransactionStatus.INERROR:
            # Only a rollback can run now (and it invalidates what was applied).
            return
        wanted = self.rls_wanted()
        if wanted == self.rls_applied:
            return
        self.connection.execute(APPLY, wanted)
        self.rls_applied = wanted

    def create_cursor(self, name=None):
        cursor = super().create_cursor(name)
        # Statements sent straight through the psycopg cursor (COPY) skip the execute wrappers.
        self.rls_sync()
        return cursor

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self.rls_applied = None

    def _savepoint_rollback(self, sid):
        try:
            return super()._savepoint_rollback(sid)
        finally:
            self.rls_applied = None

    def _close(self):
        self.rls_applied = None
        return super()._close()
