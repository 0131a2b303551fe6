from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Platform core")

    def ready(self) -> None:
        from core import checks  # noqa: F401  (registers the system checks)
        from core.api import schema  # noqa: F401  (registers the OpenAPI auth extension)
        from core.audit import audit_mask_encrypted_fields
        from core.rls import install_after_migrate

        # auditlog registered every model in its own ready(), before this one.
        audit_mask_encrypted_fields()

        # Row-level security: grants and policies follow the models after every migrate.
        post_migrate.connect(install_after_migrate, sender=self, dispatch_uid="core.rls.install")
