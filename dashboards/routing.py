from django.urls import path

from dashboards.consumers import FactoryDashboardConsumer

websocket_urlpatterns = [
    path("ws/dashboards/factory/<int:factory_id>/", FactoryDashboardConsumer.as_asgi()),
]
