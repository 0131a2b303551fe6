"""HTML doors production serves at inventory's addresses (mounted at /inventory/ by
config/urls.py, next to inventory.urls)."""

from django.urls import path

from production import cutting_views
from production import inventory_views as views

app_name = "production_inventory"

urlpatterns = [
    path("shortages/run/", views.mrp_run, name="mrp-run"),
    path("shortages/release/", views.release_to_cutting, name="release"),
    path("lots/<int:pk>/trace/", cutting_views.lot_trace, name="lot-trace"),
]
