from celery.schedules import crontab
from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.home import home_cards_register
from core.navigation import navigation_register
from core.signals import order_cancelling, order_placed


class ProductionConfig(AppConfig):
    name = "production"
    verbose_name = _("Production")

    def ready(self) -> None:
        from production.navigation import HOME_CARDS, ITEMS

        navigation_register(ITEMS)
        home_cards_register(HOME_CARDS)

        # Not at module level: the media kit and the models load after the AppConfigs.
        from core.media import media_register
        from production.models import InspectionDefect

        media_register("defects/", InspectionDefect, "photo")

        # Not at module level: receivers imports models, which Django loads after the AppConfigs.
        from production import receivers

        order_placed.connect(
            receivers.order_placed_promise, dispatch_uid="production.order_placed_promise"
        )
        order_cancelling.connect(
            receivers.order_cancelling_received, dispatch_uid="production.order_cancelling"
        )

        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "production-worker-skills-measure",
            {
                "task": "production.tasks.worker_skills_measure_all",
                "schedule": crontab(hour=2, minute=30),
            },
        )
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "production-material-delays-observe",
            {
                "task": "production.tasks.material_delays_observe_all",
                "schedule": crontab(minute=5),
            },
        )
