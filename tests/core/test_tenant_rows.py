"""core.tenant_rows: every table that holds a tenant's rows, found by its foreign keys."""

import pytest

from core import rls
from core.rls import factory_owned_models
from core.tenant_rows import (
    tenant_row_counts,
    tenant_tables,
    tenant_tables_children_first,
    tenant_tables_in_load_order,
)
from tests.worlds import build_world

pytestmark = pytest.mark.django_db(transaction=False)


def test_every_factory_owned_table_is_a_tenant_table():
    labels = {table.label for table in tenant_tables()}
    assert {model._meta.label_lower for model in factory_owned_models()} <= labels
    assert {"core.organization", "core.membership", "core.auditentry", "factories.factory"} <= (
        labels
    )


def test_a_complete_factory_has_rows_in_every_table_but_the_districts():
    # Given two complete tenant worlds
    alpha = build_world("alpha")
    build_world("bravo")
    # When the factory's rows are counted in every table
    with rls.platform():
        counts = tenant_row_counts(alpha.factory.pk)
    # Then only the district table (keyed to the district's organization) has none of them
    assert sorted(label for label, count in counts.items() if count == 0) == ["factories.district"]
    assert counts["core.organization"] == 1
    assert counts["factories.factory"] == 1


def test_load_order_puts_every_table_after_the_tenant_tables_it_points_to():
    # Given the tenant tables in load order
    ordered = tenant_tables_in_load_order()
    position = {table.model: index for index, table in enumerate(ordered)}
    # Then it is the same tables, and a foreign key never points forward (self-references aside)
    assert sorted(t.label for t in ordered) == sorted(t.label for t in tenant_tables())
    forward = [
        (table.label, field.name)
        for table in ordered
        for field in table.model._meta.concrete_fields
        if field.is_relation
        and field.related_model in position
        and field.related_model is not table.model
        and position[field.related_model] > position[table.model]
    ]
    assert forward == []


def test_children_first_is_the_load_order_backwards():
    assert tenant_tables_children_first() == list(reversed(tenant_tables_in_load_order()))
