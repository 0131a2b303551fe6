"""The one tenant-scoped FilterSet base of the API.

Every list endpoint filters through `TenantFilterBackend`, whose FilterSets derive from
`TenantFilterSet`. Its relation filters (`?work_order=12`) choose only among the rows the
acting organization can see (`visible_to`) and the rows its listed rows point at, so another
tenant's id and an id that does not exist give the same answer: 400 with the same body.
Nobody can learn from a filter whether an id exists elsewhere.
"""

from copy import deepcopy

import django_filters
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as drf_filters
from rest_framework.settings import api_settings

# One message for every refused id, with no echo of the value: the body is the same whether the
# id belongs to another tenant or to nobody.
UNKNOWN_CHOICE = _("Select a valid choice. That choice is not one of the available choices.")


def scoped(queryset, request):
    """`queryset` as the request's acting organization sees it; nothing without one."""
    organization = getattr(request, "organization", None)
    if hasattr(queryset, "visible_to"):
        return queryset.visible_to(organization)
    return queryset.none()  # a model with no tenant scope is not offered as a choice


class TenantScopedFilter:
    """Mixin for model-choice filters: the choices are what the acting organization sees."""

    def __init__(self, *args, **kwargs):
        messages = kwargs.setdefault("error_messages", {})
        messages.setdefault("invalid_choice", UNKNOWN_CHOICE)
        messages.setdefault("invalid_pk_value", UNKNOWN_CHOICE)
        super().__init__(*args, **kwargs)

    def get_queryset(self, request):
        """Rows the organization sees, and rows its own listed rows point at (a factory filters
        its orders by a partner merchant it cannot otherwise list): never anything else."""
        queryset = super().get_queryset(request)
        choices = Q(pk__in=scoped(queryset, request).values("pk"))
        listed = getattr(getattr(self, "parent", None), "queryset", None)
        if listed is not None and self.field_name:
            to_field = getattr(self, "extra", {}).get("to_field_name") or "pk"
            choices |= Q(**{f"{to_field}__in": listed.values(self.field_name)})
        return queryset.filter(choices)


class TenantModelChoiceFilter(TenantScopedFilter, django_filters.ModelChoiceFilter):
    pass


class TenantModelMultipleChoiceFilter(TenantScopedFilter, django_filters.ModelMultipleChoiceFilter):
    pass


def _tenant_defaults(defaults: dict) -> dict:
    replace = {
        django_filters.ModelChoiceFilter: TenantModelChoiceFilter,
        django_filters.ModelMultipleChoiceFilter: TenantModelMultipleChoiceFilter,
    }
    scoped_defaults = deepcopy(defaults)
    for field_class in (
        models.ForeignKey,
        models.OneToOneField,
        models.ManyToManyField,
        models.OneToOneRel,
        models.ManyToOneRel,
        models.ManyToManyRel,
    ):
        entry = scoped_defaults[field_class]
        entry["filter_class"] = replace[entry["filter_class"]]
    return scoped_defaults


class TenantFilterSet(drf_filters.FilterSet):
    """Base of every API FilterSet: relation filters are scoped to the acting organization.

    Declared filters must be `TenantModelChoiceFilter` / `TenantModelMultipleChoiceFilter`
    (tests/architecture/test_api_filters.py checks every FilterSet an API view uses).
    """

    FILTER_DEFAULTS = _tenant_defaults(drf_filters.FilterSet.FILTER_DEFAULTS)


# Query parameters that are never a filter's: pages, ordering, search.
NOT_FILTERS = frozenset(
    {
        "page",
        "page_size",
        api_settings.ORDERING_PARAM,
        api_settings.SEARCH_PARAM,
        api_settings.URL_FORMAT_OVERRIDE,
    }
)


class TenantFilterBackend(drf_filters.DjangoFilterBackend):
    """DjangoFilterBackend whose FilterSets (from `filterset_fields` too) are tenant-scoped."""

    filterset_base = TenantFilterSet

    def filter_queryset(self, request, queryset, view):
        # A list asked for without any filter: the FilterSet built from `filterset_fields`
        # would answer the queryset unchanged (no filter of it is required, every empty value
        # is skipped), after building a form and each choice's scoped queryset. A view's own
        # `filterset_class` may filter by default, so it is always run.
        if getattr(view, "filterset_class", None) is None and NOT_FILTERS.issuperset(
            request.query_params
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)
