"""HTML doors production serves at orders' addresses (mounted at /orders/ by config/urls.py,
next to orders.urls): pages of orders that need production's figures or services."""

from django.urls import path

from production import order_views as views

app_name = "production_orders"

urlpatterns = [
    path("new/", views.order_new, name="new"),
    path("<int:pk>/production/", views.order_panel, name="panel"),
    path("<int:pk>/convert/", views.order_convert, name="convert-one"),
    path("<int:pk>/reorder/", views.order_reorder, name="reorder"),
    path("convert/", views.conversion_start, name="convert"),
    path("jobs/<int:pk>/", views.conversion_job, name="job"),
    path("work-orders/<int:pk>/tickets.pdf", views.bundle_tickets, name="tickets"),
    path("sales/", views.sell_through, name="sales"),
    path("factories/", views.factory_matching, name="matching"),
]
