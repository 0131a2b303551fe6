"""The one router of /api/v1/. Each app's api/urls.py registers its viewsets here."""

from rest_framework.routers import SimpleRouter

api_router = SimpleRouter()
