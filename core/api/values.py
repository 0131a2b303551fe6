"""Lists read with `values()`: the serializer's own fields, without a model instance per row.

A hot list (orders, operation records, workers…) spends most of its CPU building a model
instance per row and walking DRF's field machinery for every cell. `ValuesListMixin.list` reads
the page as dicts instead and turns each cell into its representation with the very field the
serializer declares (its `to_representation`, or nothing where that is the identity for the
column's type), so the JSON is the same, byte for byte, as the serializer's. A field it cannot
read from a column — a method field, a nested serializer, a property — is either given by the
view for the whole page at once (`values_extras`) or makes the list fall back to the
serializer, so a new field is never silently wrong. `tests/core/test_api_values.py` holds the
two paths equal.
"""

from collections.abc import Callable

from django.db import models
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.relations import PrimaryKeyRelatedField
from rest_framework.response import Response

SKIP = object()

# Field types whose `to_representation` returns the column's value unchanged, when the column
# holds that Python type (str, int, bool, JSON).
_IDENTITY = {
    serializers.CharField.to_representation: (models.CharField, models.TextField),
    serializers.ChoiceField.to_representation: (
        models.CharField,
        models.TextField,
        models.IntegerField,
    ),
    serializers.IntegerField.to_representation: (models.IntegerField, models.AutoField),
    serializers.BooleanField.to_representation: (models.BooleanField,),
    serializers.JSONField.to_representation: (models.JSONField,),
}


_plans: dict = {}
_FIXED_GET_FIELDS = {serializers.Serializer.get_fields, serializers.ModelSerializer.get_fields}


def fixed_get_fields(method) -> None:
    """Declare a base's get_fields as not changing the set of fields or their representation
    (core.api.serializers.TenantModelSerializer only narrows related fields' querysets)."""
    _FIXED_GET_FIELDS.add(method)


class Cell:
    """How one output key is read from a values() row."""

    __slots__ = ("name", "lookup", "convert", "guards", "missing")

    def __init__(self, name, lookup, convert, guards=(), missing=SKIP):
        self.name, self.lookup, self.convert = name, lookup, convert
        self.guards, self.missing = guards, missing


def _missing(field):
    """What DRF writes when a dotted source meets a null link (Field.get_attribute)."""
    if field.default is not empty:
        return field.get_default()
    if field.allow_null:
        return None
    return SKIP


def _cell(field, model) -> Cell | None:
    if field.source == "*" or isinstance(field, serializers.BaseSerializer):
        return None
    if isinstance(field, serializers.SerializerMethodField):
        return None
    attrs = field.source_attrs
    guards = []
    for depth, attr in enumerate(attrs):
        try:
            model_field = model._meta.get_field(attr)
        except Exception:  # a property or method: not a column
            return None
        if not model_field.concrete or model_field.many_to_many:
            return None
        last = depth == len(attrs) - 1
        if model_field.is_relation:
            if last:
                if not isinstance(field, PrimaryKeyRelatedField) or field.pk_field is not None:
                    return None
                return Cell(field.field_name, "__".join(attrs), None, guards, _missing(field))
            if model_field.null:
                guards.append("__".join(attrs[: depth + 1]))
            model = model_field.related_model
            continue
        if not last:
            return None
        method = type(field).to_representation
        identity = isinstance(model_field, _IDENTITY.get(method, ()))
        convert = None if identity else field.to_representation
        return Cell(field.field_name, "__".join(attrs), convert, guards, _missing(field))
    return None


class ValuesPlan:
    """The cells of one serializer, in its field order; None when a field is no column."""

    def __init__(self, cells: list[Cell], extra_lookups=()):
        self.cells = cells
        lookups = {cell.lookup for cell in cells if cell.lookup} | {"pk", *extra_lookups}
        lookups |= {guard for cell in cells for guard in cell.guards}
        self.lookups = sorted(lookups)

    @classmethod
    def of(
        cls, serializer, extras=frozenset(), extra_lookups=(), model=None
    ) -> "ValuesPlan | None":
        model = model or serializer.Meta.model
        if type(serializer).to_representation is not serializers.Serializer.to_representation:
            return None
        cells = []
        for field in serializer._readable_fields:
            if field.field_name in extras:
                cells.append(Cell(field.field_name, None, None))
                continue
            cell = _cell(field, model)
            if cell is None:
                return None
            cells.append(cell)
        plan = cls(cells, extra_lookups)
        plan.fields = serializer.fields
        return plan

    @classmethod
    def of_class(cls, serializer_class, extras=frozenset(), extra_lookups=(), model=None):
        """The plan of a serializer whose fields do not depend on the request (no get_fields or
        __init__ of its own beyond the tenant base): built once per class, not per request,
        since building a ModelSerializer's fields costs as much as serializing a page."""
        key = (serializer_class, extras, extra_lookups, model)
        if key not in _plans:
            _plans[key] = cls.of(serializer_class(), extras, extra_lookups, model)
        return _plans[key]

    @staticmethod
    def fields_fixed(serializer_class) -> bool:
        return (
            serializer_class.get_fields in _FIXED_GET_FIELDS
            and serializer_class.__init__ is serializers.BaseSerializer.__init__
        )

    def values(self, queryset):
        return queryset.prefetch_related(None).values(*self.lookups)

    def represent(self, rows, extras: dict[str, Callable[[dict], object]]) -> list[dict]:
        out = []
        cells = self.cells
        for row in rows:
            item = {}
            for cell in cells:
                if cell.lookup is None:
                    item[cell.name] = extras[cell.name](row)
                    continue
                if cell.guards and any(row[guard] is None for guard in cell.guards):
                    if cell.missing is not SKIP:
                        item[cell.name] = cell.missing
                    continue
                value = row[cell.lookup]
                if value is None or cell.convert is None:
                    item[cell.name] = value
                else:
                    item[cell.name] = cell.convert(value)
            out.append(item)
        return out


def orders_by_columns(queryset) -> bool:
    """Whether the rows are ordered by plain columns only. Unordered rows come in the planner's
    order, which differs between the two queries; ordering by a relation means the related
    model's own ordering, which values() does not follow the same way."""
    query = queryset.query
    if not queryset.ordered or query.extra_order_by:
        return False
    terms = query.order_by or (query.default_ordering and queryset.model._meta.ordering) or ()
    for term in terms:
        if not isinstance(term, str):
            return False
        model = queryset.model
        parts = term.lstrip("-").split("__")
        for depth, part in enumerate(parts):
            if part == "pk" and depth == len(parts) - 1:
                break
            try:
                field = model._meta.get_field(part)
            except Exception:  # an annotation or an expression: leave it to the serializer
                return False
            if field.is_relation:
                if depth == len(parts) - 1 or not field.concrete or field.many_to_many:
                    return False
                model = field.related_model
    return True


class ValuesListMixin:
    # A list action that reads its page with values() (see the module's docstring). No
    # docstring: the OpenAPI schema describes a view by the first docstring of its classes.
    # A view whose serializer has fields that are no column names them in
    # `values_extra_fields` and returns, from `values_extras(rows, fields)` (the serializer's
    # fields), one function per name that gives the field's representation for a row, having
    # looked up what it needs for the whole page at once (each row has its `pk`).

    values_extra_fields: frozenset = frozenset()
    values_extra_lookups: tuple = ()  # columns the extras read that the serializer does not

    def values_extras(self, rows: list[dict], fields) -> dict[str, Callable[[dict], object]]:
        return {}

    def list(self, request, *args, **kwargs):
        serializer_class = self.get_serializer_class()
        extras, lookups = self.values_extra_fields, self.values_extra_lookups
        if ValuesPlan.fields_fixed(serializer_class):
            plan = ValuesPlan.of_class(serializer_class, extras, lookups)
        else:
            plan = ValuesPlan.of(self.get_serializer(), extras, lookups)
        if plan is None:
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        if not orders_by_columns(queryset):
            return super().list(request, *args, **kwargs)
        queryset = plan.values(queryset)
        page = self.paginate_queryset(queryset)
        rows = list(queryset if page is None else page)
        data = plan.represent(rows, self.values_extras(rows, plan.fields))
        return Response(data) if page is None else self.get_paginated_response(data)
