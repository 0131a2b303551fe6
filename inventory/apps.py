from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.home import home_cards_register
from core.navigation import navigation_register


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = _("Inventory and procurement")

    def ready(self) -> None:
        from inventory.navigation import HOME_CARDS, ITEMS

        navigation_register(ITEMS)
        home_cards_register(HOME_CARDS)

        from core.rls import register_reach
        from inventory.models.purchasing import purchase_order_factory_ids

        # Row-level security: a supplier reaches the factories that sent it purchase orders.
        register_reach(purchase_order_factory_ids)

        from core.setup_checklist import ChecklistItem, checklist_register
        from inventory import selectors

        # The factory set-up checklist asks for materials and suppliers (see core.setup_checklist).
        checklist_register(
            [
                ChecklistItem(
                    "materials",
                    _("Materials"),
                    lambda org: selectors.materials_count(org.pk),
                    "inventory:materials",
                    order=60,
                ),
                ChecklistItem(
                    "suppliers",
                    _("Suppliers"),
                    lambda org: selectors.suppliers_count(org.pk),
                    "inventory:suppliers",
                    order=70,
                ),
            ]
        )
