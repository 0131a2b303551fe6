"""Every API list can be ordered without a server error: DRF's OrderingFilter (a default filter
backend) needs to know the orderable fields, from `ordering_fields` or from a serializer. A list
with neither answers 500 to `?ordering=` (the contract run found two)."""

from importlib import import_module

import pytest
from django.conf import settings
from rest_framework.filters import OrderingFilter
from rest_framework.generics import GenericAPIView

from core.api.routers import api_router


def _lists():
    import_module(settings.ROOT_URLCONF)  # the apps register their routes as the URLs load
    for prefix, viewset, _basename in api_router.registry:
        if hasattr(viewset, "list"):
            yield pytest.param(viewset, id=prefix)


@pytest.mark.parametrize("viewset", list(_lists()))
def test_every_list_knows_what_it_may_be_ordered_by(viewset):
    backends = getattr(viewset, "filter_backends", [])
    if OrderingFilter not in backends and not any(
        isinstance(b, type) and issubclass(b, OrderingFilter) for b in backends
    ):
        return
    assert (
        getattr(viewset, "ordering_fields", None) is not None
        or getattr(viewset, "serializer_class", None) is not None
        or viewset.get_serializer_class is not GenericAPIView.get_serializer_class
    ), f"{viewset.__name__}: set ordering_fields (or a serializer_class)"
