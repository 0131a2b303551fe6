"""Root URLs: HTML pages per app, the versioned REST API, its schema and docs."""

from importlib import import_module, util

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.api.routers import api_router

api_extra_patterns: list = []
html_patterns: list = []
for app in settings.PROJECT_APPS:
    # Importing an app's api.urls registers its viewsets on the shared router.
    if util.find_spec(f"{app}.api") and util.find_spec(f"{app}.api.urls"):
        api_extra_patterns += getattr(import_module(f"{app}.api.urls"), "urlpatterns", [])
    if app != "core" and util.find_spec(f"{app}.urls"):
        html_patterns.append(path(f"{app}/", include(f"{app}.urls")))
# Pages at orders' and inventory's addresses that need production (the order grid with its
# promised date, conversion, tickets, sell-through, factory matching; running MRP, releasing to
# cutting): lower apps cannot import production/, so production serves them next to the apps'
# own URLs (docs/architecture.md, "Layers").
html_patterns.append(path("orders/", include("production.order_urls")))
html_patterns.append(path("inventory/", include("production.inventory_urls")))

urlpatterns = [
    path("api/v1/", include(api_extra_patterns + api_router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    # The platform operators' console (factories/console.py: provisioning needs the profiles).
    path("platform/", include("factories.console_urls")),
    path("", include("core.urls")),
    *html_patterns,
]

# Branded, translated error pages (core/error_views.py); 500 renders without the database.
handler403 = "core.error_views.forbidden"
handler404 = "core.error_views.not_found"
handler500 = "core.error_views.server_error"
