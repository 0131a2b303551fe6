"""Every FilterSet an API view uses derives from the one tenant-scoped base, and every filter
that picks a row by id chooses only among the acting organization's rows."""

from core.api.filters import TenantFilterSet, TenantScopedFilter
from tests.api_routes import (
    api_routes,
    filterset_class,
    list_routes_with_filters,
    model_choice_filters,
)


def test_every_api_filterset_derives_from_the_tenant_base():
    # Given every API route of the URL configuration
    filtersets = {route: filterset_class(entry) for route, _name, entry in api_routes()}

    # Then each FilterSet a view builds derives from TenantFilterSet
    foreign = sorted(
        f"{route}: {fs.__name__}"
        for route, fs in filtersets.items()
        if fs is not None and not issubclass(fs, TenantFilterSet)
    )
    assert foreign == []
    assert len([fs for fs in filtersets.values() if fs is not None]) >= 30


def test_no_model_choice_filter_has_an_unscoped_queryset():
    # Given every list endpoint that filters
    unscoped = []
    for route, _name, filterset in list_routes_with_filters():
        # Then every filter choosing a row by id is tenant-scoped
        for param, flt in model_choice_filters(filterset).items():
            if not isinstance(flt, TenantScopedFilter):
                unscoped.append(f"{route}?{param}: {type(flt).__name__}")
    assert unscoped == []
