"""A URLconf for the 500 page test: the project's URLs, its handlers, and one view that fails."""

from django.urls import path

from config.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom), *urlpatterns]
