from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.home import home_cards_register
from core.navigation import navigation_register


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Design and orders")

    def ready(self) -> None:
        from orders.navigation import HOME_CARDS, ITEMS

        navigation_register(ITEMS)
        home_cards_register(HOME_CARDS)

        # Not at module level: the media kit and the models load after the AppConfigs.
        from core.media import media_register
        from orders.models import Style

        media_register("styles/", Style, "photo")

        from core.rls import register_reach
        from orders.models.merchant_orders import order_factory_ids

        # Row-level security: a merchant reaches the factories that hold its orders too.
        register_reach(order_factory_ids)

        from core.setup_checklist import ChecklistItem, checklist_register
        from orders import selectors

        # The factory set-up checklist asks for a style with a released tech pack.
        checklist_register(
            [
                ChecklistItem(
                    "styles",
                    _("A style with a tech pack"),
                    lambda org: selectors.styles_with_tech_pack_count(org.pk),
                    "orders:styles",
                    order=80,
                )
            ]
        )

        # The sweep behind webhook back-off: sends pending deliveries whose time has come when
        # there is no broker (eager demo), or whose retry message was lost.
        import orders.quotation_tasks  # noqa: F401  (registers the task)

        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "orders-quotations-expire",
            {"task": "orders.quotation_tasks.quotations_expire_due", "schedule": 3600.0},
        )
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "orders-webhook-retry-due",
            {"task": "orders.tasks.webhook_retry_due", "schedule": 30.0},
        )
