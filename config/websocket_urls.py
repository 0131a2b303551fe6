"""WebSocket routes. Each project app that has consumers exposes `websocket_urlpatterns`."""

from importlib import import_module, util

from django.conf import settings

websocket_urlpatterns: list = []
for _app in settings.PROJECT_APPS:
    if util.find_spec(f"{_app}.routing") is not None:
        websocket_urlpatterns += import_module(f"{_app}.routing").websocket_urlpatterns
