"""The platform console's pages, mounted at /platform/ (config/urls.py)."""

from django.urls import path

from factories import closure_views, console

app_name = "platform"

urlpatterns = [
    path("", console.tenants, name="tenants"),
    path("new/", console.tenant_new, name="tenant-new"),
    path("<int:pk>/", console.tenant, name="tenant"),
    path("<int:pk>/active/", console.tenant_active, name="tenant-active"),
    path("<int:pk>/closure/", closure_views.console_closure, name="tenant-closure"),
    path(
        "<int:pk>/closure/cancel/",
        closure_views.console_closure_cancel,
        name="tenant-closure-cancel",
    ),
    path("<int:pk>/invite/", console.tenant_invite_owner, name="tenant-invite"),
]
