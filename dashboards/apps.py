from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.home import home_cards_register
from core.navigation import navigation_register
from core.realtime import listen_batch
from dashboards import conf


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards and reports")

    def ready(self) -> None:
        from dashboards.navigation import HOME_CARDS, ITEMS

        navigation_register(ITEMS)
        home_cards_register(HOME_CARDS)

        # Not at module level: the listener imports models, which load after the AppConfigs.
        from dashboards.listener import on_notify

        listen_batch(on_notify)
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "dashboards-rollups-catch-up",
            {
                "task": "dashboards.tasks.rollups_catch_up",
                "schedule": float(conf.get("CATCH_UP_EVERY_SECONDS")),
            },
        )
