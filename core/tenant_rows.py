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


def tenant_tables_children_first() -> list[TenantTable]:
    """`tenant_tables()` ordered so that a table comes before every table it points at: the
    order a tenant's rows are deleted in, each table in one bulk statement, without a foreign
    key ever naming a row already gone. Foreign keys in a cycle (none today) and a table's
    own keys do not order; constraints are deferred to the commit, which covers them."""
    tables = tenant_tables()
    by_model = {table.model: table for table in tables}
    parents = {
        table.model: {
            field.related_model._meta.concrete_model
            for field in table.model._meta.concrete_fields
            if field.is_relation and field.related_model is not None
        }
        & set(by_model) - {table.model}
        for table in tables
    }
    ordered: list[TenantTable] = []
    placed: set = set()
    # Children of a model are the models that point at it; a model is placed once all of its
    # children are.
    children = {model: {child for child, ps in parents.items() if model in ps} for model in parents}
    remaining = [table.model for table in tables]
    while remaining:
        ready = [model for model in remaining if children[model] <= placed]
        if not ready:  # a cycle: take the first left, the deferred constraints hold
            ready = remaining[:1]
        for model in ready:
            ordered.append(by_model[model])
            placed.add(model)
        remaining = [model for model in remaining if model not in placed]
    return ordered
