from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Platform core")

    def ready(self) -> None:
        # Registers the OpenAPI auth extension; drf-spectacular asks for it here, once the app
        # registry is ready (the extension module reaches DRF's settings and models).
        from core.api import schema  # noqa: F401
