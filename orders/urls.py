from django.urls import path

from orders import quotation_views, views

app_name = "orders"

# The order grid, conversion, jobs, tickets, sales and factory matching live at /orders/ too,
# served by production (production/order_urls.py).
urlpatterns = [
    path("", views.order_list, name="list"),
    path("<int:pk>/", views.order_detail, name="detail"),
    path("intake/", views.intake, name="intake"),
    path("shipments/", views.shipments, name="shipments"),
    path("styles/", views.style_list, name="styles"),
    path("tech-packs/<int:pk>/", views.version_detail, name="version"),
    path("quotations/", quotation_views.quotation_list, name="quotations"),
    path("quotations/<int:pk>/", quotation_views.quotation_detail, name="quotation"),
    path("webhooks/", views.webhooks, name="webhooks"),
    path("webhooks/deliveries/<int:pk>/replay/", views.webhook_replay, name="replay"),
]
