"""The Django admin: the support desk's tool (platform staff with is_superuser), across tenants.

Every domain model of every app is registered with `SupportAdmin` (each app's admin.py;
tests/core/test_admin.py walks django.apps so a new model cannot be missed). It is read-mostly:
nothing is added or deleted here, and every field is read-only except the few in
`editable_fields` that support needs to change (an `is_active` switch). Writes the business
makes go through the services and their pages; a support edit is audited like any save.
Lists filter by tenant (factory or organization) and search by codes, names and numbers.
Tenant scoping: /admin/ runs for the platform (core.middleware: superusers only).
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from core.models import (
    ApiToken,
    DocumentSeries,
    IdempotencyRecord,
    Invitation,
    Membership,
    Organization,
    TenantErasure,
    User,
)

# Foreign keys that name a tenant, in the order a list shows and filters them.
TENANT_FIELDS = ("factory", "organization", "merchant", "supplier", "partner")
# Fields worth a column and a search, where a model has them.
LABEL_FIELDS = ("code", "number", "name", "username", "employee_no", "badge_id", "prefix")
STATE_FIELDS = ("status", "kind", "role", "is_active")
# Searching by the tenant's code: "zz-lusong" finds that factory's rows.
TENANT_SEARCH = {
    "factory": "factory__organization__code",
    "organization": "organization__code",
    "merchant": "merchant__code",
    "supplier": "supplier__code",
    "partner": "partner__code",
}


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _concrete(model, names) -> list[str]:
    return [
        name
        for name in names
        if (field := _field(model, name)) is not None and getattr(field, "concrete", False)
    ]


class SupportAdmin(admin.ModelAdmin):
    """Read-mostly, tenant-filtered admin for a domain model; its columns, filters and search
    come from the model's fields (see the module docstring)."""

    # The only fields support may change; the rest are read-only.
    editable_fields: tuple[str, ...] = ("is_active",)
    list_per_page = 50
    # Counting a whole telemetry table for "N total" is slow; the paginator says enough.
    show_full_result_count = False

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        tenants = _concrete(model, TENANT_FIELDS)
        self._tenant_fields = tenants
        labels = _concrete(model, LABEL_FIELDS)
        states = _concrete(model, STATE_FIELDS)
        created = _concrete(model, ("created_at", "timestamp", "recorded_at"))
        if self.list_display == admin.ModelAdmin.list_display:
            self.list_display = ["__str__", *tenants[:2], *labels[:2], *states[:2], *created[:1]]
        if not self.list_filter:
            self.list_filter = [*tenants, *states]
        if not self.search_fields:
            self.search_fields = [*labels, *(TENANT_SEARCH[name] for name in tenants)]
        if not self.list_select_related:
            related = []
            for name in tenants:
                related.append(f"{name}__organization" if name == "factory" else name)
            self.list_select_related = related or False

    def lookup_allowed(self, lookup, value, request=None):
        # A factory's primary key is its organization (a relation), so the tenant filter's own
        # links (factory__organization__exact=…) read to Django as a two-step relation it
        # refuses unless allowed here.
        if lookup.startswith("factory__organization__") and "factory" in self._tenant_fields:
            return True
        return super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        hidden = set(self.exclude or ())
        return [
            field.name
            for field in [*self.model._meta.concrete_fields, *self.model._meta.many_to_many]
            if field.name not in self.editable_fields and field.name not in hidden
        ]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Logins: Django's own admin (passwords, staff flags), with Seamline's fields."""

    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Seamline", {"fields": ("phone", "language", "is_platform_operator")}),
    )
    list_display = [*BaseUserAdmin.list_display, "is_platform_operator"]
    list_filter = [*BaseUserAdmin.list_filter, "is_platform_operator"]


@admin.register(Organization)
class OrganizationAdmin(SupportAdmin):
    list_display = ["code", "name", "kind", "contact_phone", "is_active", "created_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "contact_phone"]


@admin.register(Membership)
class MembershipAdmin(SupportAdmin):
    list_display = ["user", "organization", "role", "is_active", "created_at"]
    list_select_related = ["user", "organization"]
    search_fields = ["user__username", "organization__code", "organization__name"]


@admin.register(Invitation)
class InvitationAdmin(SupportAdmin):
    list_display = ["organization", "username", "role", "status", "expires_at", "created_at"]
    search_fields = ["username", "email", "organization__code"]
    # The token is a live credential: support never reads it off the admin.
    exclude = ["token"]


@admin.register(ApiToken)
class ApiTokenAdmin(SupportAdmin):
    list_display = ["name", "organization", "prefix", "scope", "role", "usable", "expires_at"]
    list_filter = ["organization", "scope"]
    search_fields = ["name", "prefix", "organization__code"]
    editable_fields = ()

    @admin.display(description=_("usable"), boolean=True)
    def usable(self, obj) -> bool:
        return obj.is_usable


admin.site.register([DocumentSeries, IdempotencyRecord, TenantErasure], SupportAdmin)
