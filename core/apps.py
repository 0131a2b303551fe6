from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Platform core")

    def ready(self) -> None:
        from core import checks  # noqa: F401  (registers the system checks)
        from core.api import schema  # noqa: F401  (registers the OpenAPI auth extension)
