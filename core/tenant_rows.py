"""A tenant's rows in every table: the one list that the tenant's export, its closure and their
tests walk, so that a table added tomorrow is exported, erased and checked without a second list.

A tenant is an organization (a factory's primary key is its organization's). Its rows are those
whose `factory` or `organization` foreign key names it, and the organization's own row. Tables of
the platform (users, which may belong to several organizations; the ingest's broker sessions)
hold no tenant column and are not listed: the closure deals with users through their memberships.

core imports no domain app: the tables are found in the app registry by their foreign keys, the
same way core.rls finds the tables its policy covers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import models

# Foreign keys that make a row a tenant's, in the order they are looked for.
TENANT_COLUMNS = (
    ("factory", "factories.factory"),
    ("organization", "core.organization"),
)


@dataclass(frozen=True)
class TenantTable:
    """One table that holds tenants' rows, and the foreign key that names the tenant."""

    model: type[models.Model]
    field: str  # "factory", "organization", or "pk" for the organization's own row

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def db_table(self) -> str:
        return self.model._meta.db_table

    def rows(self, tenant_id: int) -> models.QuerySet:
        """The tenant's rows of this table, through the default manager's base queryset (no
        scoping: callers run in the platform's scope)."""
        column = "pk" if self.field == "pk" else f"{self.field}_id"
        return self.model._base_manager.filter(**{column: tenant_id})


def _tenant_field(model) -> str | None:
    if model._meta.label_lower == "core.organization":
        return "pk"
    for name, target in TENANT_COLUMNS:
        try:
            field = model._meta.get_field(name)
        except Exception:  # noqa: BLE001 - FieldDoesNotExist
            continue
        if field.is_relation and field.related_model._meta.label_lower == target:
            return name
    return None


def tenant_tables() -> list[TenantTable]:
    """Every concrete table of the project's apps that holds tenants' rows (proxy and unmanaged
    models excepted; auto-created many-to-many tables included when they carry a tenant key)."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if opts.app_label not in settings.PROJECT_APPS or opts.abstract or opts.proxy:
            continue
        if not opts.managed:
            continue
        field = _tenant_field(model)
        if field is not None:
            found.append(TenantTable(model=model, field=field))
    return found


def tenant_row_counts(tenant_id: int) -> dict[str, int]:
    """{table label: the tenant's rows in it} for every table of `tenant_tables()`, zeros
    included — what a closure's verification and an export's manifest compare against."""
    return {table.label: table.rows(tenant_id).count() for table in tenant_tables()}


def tenant_tables_in_load_order() -> list[TenantTable]:
    """`tenant_tables()` ordered so that a table comes after the tenant tables its foreign keys
    point to (what an import loads first). Self-references are ignored, and a cycle keeps the
    cycle's tables in their registry order: foreign keys are checked at commit (Django creates
    them DEFERRABLE INITIALLY DEFERRED), so a cycle loads in one transaction all the same."""
    tables = tenant_tables()
    by_model = {table.model: table for table in tables}
    depends = {
        table: {
            by_model[field.related_model]
            for field in table.model._meta.concrete_fields
            if field.is_relation
            and field.related_model in by_model
            and field.related_model is not table.model
        }
        for table in tables
    }
    ordered: list[TenantTable] = []
    placed: set[TenantTable] = set()
    while len(ordered) < len(tables):
        ready = [t for t in tables if t not in placed and depends[t] <= placed]
        if not ready:  # a cycle: take the first table left, its other tables follow
            ready = [next(t for t in tables if t not in placed)]
        for table in ready:
            ordered.append(table)
            placed.add(table)
    return ordered


def tenant_tables_children_first() -> list[TenantTable]:
    """The load order backwards: a table before every table it points at, the order a tenant's
    rows are deleted in (each table in one bulk statement, no foreign key naming a row already
    gone; a cycle's keys are deferred to the commit)."""
    return list(reversed(tenant_tables_in_load_order()))
