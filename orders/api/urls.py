from core.api.routers import api_router
from orders.api import views

api_router.register("styles", views.StyleViewSet, basename="style")
api_router.register("style-versions", views.StyleVersionViewSet, basename="styleversion")
api_router.register("orders", views.OrderViewSet, basename="order")
api_router.register("order-shipments", views.OrderShipmentViewSet, basename="ordershipment")
api_router.register("webhook-endpoints", views.WebhookEndpointViewSet, basename="webhookendpoint")
api_router.register("webhook-deliveries", views.WebhookDeliveryViewSet, basename="webhookdelivery")
api_router.register("daily-sales", views.DailySaleViewSet, basename="dailysale")
