from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("", views.order_list, name="list"),
    path("new/", views.order_new, name="new"),
    path("<int:pk>/", views.order_detail, name="detail"),
    path("convert/", views.conversion_start, name="convert"),
    path("jobs/<int:pk>/", views.conversion_job, name="job"),
    path("work-orders/<int:pk>/tickets.pdf", views.bundle_tickets, name="tickets"),
    path("styles/", views.style_list, name="styles"),
    path("tech-packs/<int:pk>/", views.version_detail, name="version"),
    path("webhooks/", views.webhooks, name="webhooks"),
    path("webhooks/deliveries/<int:pk>/replay/", views.webhook_replay, name="replay"),
    path("sales/", views.sell_through, name="sales"),
    path("factories/", views.factory_matching, name="matching"),
]
