"""Scoping stays index-backed: every factory-owned model an API list reads has, in its Meta, an
index or a unique constraint whose first column is factory_id (docs/scaling.md, `bench
tenants`). A list filters by the acting factory first, then orders and filters by its own
columns; with 2,000 factories on one table only such an index keeps a factory's page as fast
as on a platform of one. The foreign key's own one-column index does not count: it finds the
factory's rows but neither orders nor filters them."""

from importlib import import_module

import pytest
from django.conf import settings
from django.db.models import UniqueConstraint

from core.api.routers import api_router
from factories.tenancy import FactoryOwned


def _listed_models():
    import_module(settings.ROOT_URLCONF)  # the apps register their routes as the URLs load
    models = {}
    for prefix, viewset, _basename in api_router.registry:
        queryset = getattr(viewset, "queryset", None)
        if hasattr(viewset, "list") and queryset is not None:
            models.setdefault(queryset.model, prefix)
    return [
        pytest.param(model, id=f"{prefix}:{model.__name__}")
        for model, prefix in models.items()
        if issubclass(model, FactoryOwned)
    ]


def _leading_columns(model) -> list[str]:
    meta = model._meta
    leading = [index.fields[0] for index in meta.indexes if index.fields]
    leading += [
        constraint.fields[0]
        for constraint in meta.constraints
        if isinstance(constraint, UniqueConstraint) and constraint.fields
    ]
    leading += [fields[0] for fields in meta.unique_together if fields]
    return [meta.get_field(name.lstrip("-")).column for name in leading]


@pytest.mark.parametrize("model", _listed_models())
def test_a_listed_factory_owned_model_has_an_index_led_by_factory_id(model):
    assert "factory_id" in _leading_columns(model), (
        f"{model.__name__}: add Meta.indexes = [models.Index(fields=['factory', <the list's "
        "ordering or filter column>], ...)] or a unique constraint starting with factory"
    )


def test_the_lists_are_found():
    assert len(_listed_models()) > 30
