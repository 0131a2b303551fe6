"""Serializer base: every related field only accepts objects the acting organization sees."""

from rest_framework import serializers
from rest_framework.relations import ManyRelatedField, RelatedField

from core.api.values import fixed_get_fields


def scope_related_field(field, organization) -> None:
    if isinstance(field, ManyRelatedField):
        field = field.child_relation
    if not isinstance(field, RelatedField) or field.read_only or field.queryset is None:
        return
    queryset = field.queryset
    if not hasattr(queryset, "visible_to"):
        raise TypeError(
            f"{field.field_name}: {queryset.model.__name__} has no tenant scope; "
            "every related field must point at a tenant-scoped model"
        )
    field.queryset = queryset.visible_to(organization)


class TenantModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose related fields are scoped to the acting organization."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        organization = getattr(request, "organization", None)
        for field in fields.values():
            scope_related_field(field, organization)
        return fields


fixed_get_fields(TenantModelSerializer.get_fields)
