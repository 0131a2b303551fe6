from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards and reports")

    def ready(self) -> None:
        from core.realtime import listen
        from dashboards import conf
        from dashboards.live import on_notify

        listen(on_notify)
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "dashboards-rollups-catch-up",
            {
                "task": "dashboards.tasks.rollups_catch_up",
                "schedule": float(conf.get("CATCH_UP_EVERY_SECONDS")),
            },
        )
