from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ProductionConfig(AppConfig):
    name = "production"
    verbose_name = _("Production")

    def ready(self) -> None:
        from celery.schedules import crontab

        from core.signals import order_cancelling
        from production.receivers import order_cancelling_received

        order_cancelling.connect(
            order_cancelling_received, dispatch_uid="production.order_cancelling"
        )

        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "production-worker-skills-measure",
            {
                "task": "production.tasks.worker_skills_measure_all",
                "schedule": crontab(hour=2, minute=30),
            },
        )
