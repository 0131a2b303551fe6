"""PostgreSQL row-level security: the backstop beneath `TenantQuerySet.visible_to`.

Every table with a `factory` foreign key has ROW LEVEL SECURITY enabled and FORCEd, and one
policy (`seamline_tenant`) that lets a statement touch a row only when

- the statement runs for the platform (`seamline.platform` = 'on': beat fan-outs, the ingest,
  rollups, migrations — set explicitly, and only, by those jobs), or
- the row's factory is in the acting organization's reach (`seamline.factory_ids`: a factory
  reaches itself; a merchant or supplier the factories it is a partner of; a district the
  factories of the district that share their figures with it), or
- the row names the acting organization (`seamline.org_id`) in a `merchant`, `supplier` or
  `partner` column (a merchant's orders, a supplier's purchase orders, a partner's partnership).

The app's statements run as a role without BYPASSRLS (settings.DATABASES[...]["APP_ROLE"],
`SET ROLE` per connection); migrations and DDL run as the owner (`owner()`).

The scope is a context variable: requests (core.middleware / core.acting), Celery tasks
(`ScopedTask`), WebSocket consumers (`run_in`) and commands (`platform()`) set it. The database
backend (core/db/postgresql) makes the connection's settings equal to the scope of the code
before every statement, so nothing set by one request can be seen by the next one on a reused
connection, and a statement run outside any scope sees no tenant row (fail closed).
See docs/operations.md, "Row-level security".
"""

from __future__ import annotations

import contextvars
import hashlib
import inspect
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass

from celery import Task
from django.apps import apps
from django.db import connection, connections

POLICY = "seamline_tenant"
# Columns that key a row to a non-factory organization (merchant, supplier, partner).
ORG_COLUMNS = ("merchant", "supplier", "partner")


@dataclass(frozen=True)
class Scope:
    """What the statements of a request, task or consumer may touch."""

    org_id: int | None = None
    factory_ids: tuple[int, ...] = ()
    platform: bool = False
    owner: bool = False

    def settings(self) -> tuple[str, str, str]:
        """(seamline.platform, seamline.org_id, seamline.factory_ids) as set on the server."""
        return (
            "on" if self.platform or self.owner else "",
            "" if self.org_id is None else str(int(self.org_id)),
            ",".join(str(int(pk)) for pk in sorted(set(self.factory_ids))),
        )


NONE = Scope()
PLATFORM = Scope(platform=True)
OWNER = Scope(platform=True, owner=True)

_current: contextvars.ContextVar[Scope] = contextvars.ContextVar("seamline_rls", default=NONE)

# How an organization's reach is found (which factories it works with). The factories app
# registers it (core imports no domain app); without it an organization reaches only itself.
_reach_resolvers: list[Callable[[object], Iterable[int]]] = []


def register_reach(resolver: Callable[[object], Iterable[int]]) -> None:
    """Add a source of reach: the organization reaches the union of what they return."""
    if resolver not in _reach_resolvers:
        _reach_resolvers.append(resolver)


def current() -> Scope:
    return _current.get()


@contextmanager
def scope(value: Scope):
    """Run the block's statements in `value`; the previous scope comes back afterwards."""
    token = _current.set(value)
    try:
        yield value
    finally:
        _current.reset(token)


def platform():
    """Statements for the platform: every tenant's rows. Only for jobs that span tenants."""
    return scope(PLATFORM)


@contextmanager
def owner():
    """The owner role (DDL, migrations, partitions) with the platform's reach. On leaving, the
    default connection goes back to the app role at once (not at its next statement), so a
    raw psycopg cursor used afterwards never runs as the owner."""
    with scope(OWNER):
        yield OWNER
    sync(connection)


def sync(connection) -> None:
    """Apply the running scope to `connection` now: call it before sending statements through
    the raw psycopg connection, which bypasses Django's cursors (and so the backend's check)."""
    apply = getattr(connection, "rls_sync", None)
    if apply is not None:
        apply()


def none():
    """No tenant row at all: what a statement outside any request, task or job sees."""
    return scope(NONE)


def for_factory(factory_id: int | None) -> Scope:
    """A factory acting for itself (tasks and consumers carry the factory id)."""
    if factory_id is None:
        return NONE
    return Scope(org_id=int(factory_id), factory_ids=(int(factory_id),))


def for_organization(org) -> Scope:
    """The scope of a request acting for `org` (None: no rows)."""
    if org is None or getattr(org, "pk", None) is None:
        return NONE
    if not _reach_resolvers:
        return Scope(org_id=org.pk, factory_ids=(org.pk,))
    # Resolvers read rows keyed to the organization (partnerships, its orders), which the
    # policy lets it read by its id alone.
    with scope(Scope(org_id=org.pk)):
        reach = {int(pk) for resolver in _reach_resolvers for pk in resolver(org)}
    return Scope(org_id=org.pk, factory_ids=tuple(sorted(reach)))


def act_for(org) -> None:
    """Switch the running request's scope to `org` (core.acting.set_acting calls it).

    Only meaningful inside `request()`, which restores the previous scope at the request's end.
    """
    _current.set(for_organization(org))


def act_platform() -> None:
    """Switch the running request to the platform's scope (the Django admin's superusers)."""
    _current.set(PLATFORM)


@contextmanager
def request():
    """A request's scope: none until `act_for` names the acting organization; restored after."""
    token = _current.set(NONE)
    try:
        yield
    finally:
        _current.reset(token)


def run_in(value: Scope, function: Callable, /, *args, **kwargs):
    """Call `function` in `value` (for database_sync_to_async in consumers)."""
    with scope(value):
        return function(*args, **kwargs)


# --- Celery ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FactoryOf:
    """A task's scope from a row it is given by id: `rls=FactoryOf(ConversionJob, "job_id")`
    runs the task for that row's factory (the one lookup is the platform's)."""

    model: type
    argument: str

    def __call__(self, arguments: dict) -> Scope:
        pk = arguments.get(self.argument)
        if pk is None:
            return NONE
        with platform():
            factory_id = (
                self.model.objects.filter(pk=pk).values_list("factory_id", flat=True).first()
            )
        return for_factory(factory_id)


class ScopedTask(Task):
    """The base of every task: its statements run for the factory named by its `factory_id`
    argument (or the argument `rls` names, or the row a `FactoryOf` names), for the platform
    when the task says `rls="platform"`, and for no tenant otherwise."""

    rls: str | FactoryOf = "factory_id"

    def rls_scope(self, args, kwargs) -> Scope:
        if self.rls == "platform":
            return PLATFORM
        try:
            bound = inspect.signature(self.run).bind_partial(*args, **kwargs)
        except TypeError:
            return NONE
        if isinstance(self.rls, FactoryOf):
            return self.rls(bound.arguments)
        return for_factory(bound.arguments.get(self.rls))

    def __call__(self, *args, **kwargs):
        with scope(self.rls_scope(args, kwargs)):
            return super().__call__(*args, **kwargs)


# --- Policies ----------------------------------------------------------------------------------


def factory_owned_models():
    """Every concrete model with a `factory` foreign key to factories.Factory."""
    found = []
    for model in apps.get_models():
        opts = model._meta
        if opts.abstract or opts.proxy or not opts.managed:
            continue
        try:
            field = opts.get_field("factory")
        except Exception:  # noqa: BLE001 - FieldDoesNotExist
            continue
        if getattr(field, "many_to_one", False) and field.related_model._meta.label_lower == (
            "factories.factory"
        ):
            found.append(model)
    return found


def _org_columns(model) -> list[str]:
    columns = []
    for name in ORG_COLUMNS:
        try:
            field = model._meta.get_field(name)
        except Exception:  # noqa: BLE001 - FieldDoesNotExist
            continue
        if getattr(field, "many_to_one", False) and field.related_model._meta.label_lower == (
            "core.organization"
        ):
            columns.append(field.column)
    return columns


def policy_expression(model) -> str:
    """The policy's USING / WITH CHECK expression. Settings are read in scalar subqueries, so
    PostgreSQL computes them once per statement (an InitPlan), not once per row."""
    platform = "(SELECT current_setting('seamline.platform', true) = 'on')"
    # The array is cast to bigint[] inside the subquery, once per statement: a cast outside it
    # would run for every row (it doubled the cost of scanning ten million records). The outer
    # `::bigint[]` changes no type; it only makes this a scalar subquery, not `= ANY (subquery)`.
    reach = (
        "(SELECT string_to_array(nullif(current_setting('seamline.factory_ids', true), ''), "
        "',')::bigint[])::bigint[]"
    )
    org = "(SELECT nullif(current_setting('seamline.org_id', true), '')::bigint)"
    factory_column = model._meta.get_field("factory").column
    parts = [platform, f'"{factory_column}" = ANY ({reach})']
    parts += [f'"{column}" = {org}' for column in _org_columns(model)]
    return " OR ".join(parts)


def app_role(connection) -> str:
    return connection.settings_dict.get("APP_ROLE") or ""


def _quote(connection, name: str) -> str:
    return connection.ops.quote_name(name)


def _fingerprint(expression: str) -> str:
    """Stored as the policy's comment: a changed expression makes `install` run again."""
    return hashlib.sha256(expression.encode()).hexdigest()[:16]


def installed(connection) -> bool:
    """True when every factory-owned table has today's policy and the app role its grants."""
    role = app_role(connection)
    wanted = {
        model._meta.db_table: _fingerprint(policy_expression(model))
        for model in factory_owned_models()
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, d.description FROM pg_policy p "
            "JOIN pg_class c ON c.oid = p.polrelid "
            "LEFT JOIN pg_description d ON d.objoid = p.oid "
            "AND d.classoid = 'pg_policy'::regclass "
            "WHERE p.polname = %s AND c.relrowsecurity AND c.relforcerowsecurity "
            "AND c.relnamespace = 'public'::regnamespace",
            [POLICY],
        )
        present = dict(cursor.fetchall())
        if any(present.get(table) != mark for table, mark in wanted.items()):
            return False
        if not role:
            return True
        cursor.execute(
            "SELECT count(*) FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace "
            "AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
            "AND NOT has_table_privilege(%s, c.oid, 'SELECT, INSERT, UPDATE, DELETE')",
            [role],
        )
        return cursor.fetchone()[0] == 0


def install(connection, *, force: bool = False) -> list[str]:
    """Grant the app role what it needs and (re)create every policy. Idempotent; runs after
    each `migrate` (post_migrate), as the owner. Returns the tables it secured."""
    if connection.vendor != "postgresql":
        return []
    with owner():
        if not force and installed(connection):
            return []
        role = app_role(connection)
        secured = []
        with connection.cursor() as cursor:
            if role:
                quoted = _quote(connection, role)
                cursor.execute(f"GRANT USAGE ON SCHEMA public TO {quoted}")
                cursor.execute(
                    f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
                    f"TO {quoted}"
                )
                cursor.execute(
                    f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {quoted}"
                )
                # Partitions are reached through their parent only, whose policy applies.
                cursor.execute(
                    "SELECT c.relname FROM pg_class c WHERE c.relispartition "
                    "AND c.relkind IN ('r', 'p') AND c.relnamespace = 'public'::regnamespace"
                )
                for (name,) in cursor.fetchall():
                    cursor.execute(f"REVOKE ALL ON {_quote(connection, name)} FROM {quoted}")
            for model in factory_owned_models():
                table = _quote(connection, model._meta.db_table)
                expression = policy_expression(model)
                cursor.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
                cursor.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
                cursor.execute(f"DROP POLICY IF EXISTS {POLICY} ON {table}")
                cursor.execute(
                    f"CREATE POLICY {POLICY} ON {table} USING ({expression}) "
                    f"WITH CHECK ({expression})"
                )
                cursor.execute(
                    f"COMMENT ON POLICY {POLICY} ON {table} IS '{_fingerprint(expression)}'"
                )
                secured.append(model._meta.db_table)
        return secured


def install_after_migrate(sender, using="default", **kwargs):
    install(connections[using])
