from celery.schedules import crontab
from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.navigation import navigation_register


class FactoriesConfig(AppConfig):
    name = "factories"
    verbose_name = _("Factories")

    def ready(self) -> None:
        from factories.navigation import ITEMS

        navigation_register(ITEMS)

        # Not at module level: the media kit and the models load after the AppConfigs.
        from core.media import media_register
        from factories.models import Worker

        media_register("workers/", Worker, "photo")

        from core.rls import register_reach
        from factories.reach import reach_of

        register_reach(reach_of)

        from core.read_only import register_read_only
        from factories.closure import factory_read_only_reason

        register_read_only(factory_read_only_reason)

        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "factories-closures-erase-due",
            {"task": "factories.tasks.closures_erase_due", "schedule": 3600.0},
        )

        from core.setup_checklist import checklist_register
        from factories.checklist import ITEMS as CHECKLIST

        checklist_register(CHECKLIST)

        # Leavers past their factory's retention period lose their personal data (PIPL).
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "factories-leavers-anonymise",
            {
                "task": "factories.tasks.leavers_anonymise_all",
                "schedule": crontab(hour=3, minute=15),
            },
        )

        # Archives whose download link expired are deleted (factories.data_exports).
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "factories-data-exports-purge",
            {"task": "factories.tasks.data_exports_purge", "schedule": 3600.0},
        )
