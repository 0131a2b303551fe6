"""Organization kinds, roles and the role groups that endpoints grant actions to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    FACTORY = "factory", _("Factory")
    MERCHANT = "merchant", _("Merchant")
    SUPPLIER = "supplier", _("Supplier")
    DISTRICT = "district", _("District")


class Role(models.TextChoices):
    FACTORY_OWNER = "factory_owner", _("Factory owner")
    FACTORY_MANAGER = "factory_manager", _("Factory manager")
    PLANNER = "planner", _("Planner")
    SUPERVISOR = "supervisor", _("Supervisor")
    QC_INSPECTOR = "qc_inspector", _("QC inspector")
    WAREHOUSE_CLERK = "warehouse_clerk", _("Warehouse clerk")
    PAYROLL_CLERK = "payroll_clerk", _("Payroll clerk")
    WORKER = "worker", _("Worker")
    MERCHANT_BUYER = "merchant_buyer", _("Merchant buyer")
    SUPPLIER_SALES = "supplier_sales", _("Supplier sales")
    DISTRICT_OFFICIAL = "district_official", _("District official")


ROLES_BY_KIND: dict[str, frozenset[str]] = {
    OrgKind.FACTORY: frozenset(
        {
            Role.FACTORY_OWNER,
            Role.FACTORY_MANAGER,
            Role.PLANNER,
            Role.SUPERVISOR,
            Role.QC_INSPECTOR,
            Role.WAREHOUSE_CLERK,
            Role.PAYROLL_CLERK,
            Role.WORKER,
        }
    ),
    OrgKind.MERCHANT: frozenset({Role.MERCHANT_BUYER}),
    OrgKind.SUPPLIER: frozenset({Role.SUPPLIER_SALES}),
    OrgKind.DISTRICT: frozenset({Role.DISTRICT_OFFICIAL}),
}

# Role groups used by endpoints. A role absent from every group of an action cannot do it:
# permissions fail closed.
OWNERS = frozenset({Role.FACTORY_OWNER})
MANAGERS = frozenset({Role.FACTORY_OWNER, Role.FACTORY_MANAGER})
PLANNING = MANAGERS | {Role.PLANNER}
FLOOR = PLANNING | {Role.SUPERVISOR}
QUALITY = FLOOR | {Role.QC_INSPECTOR}
WAREHOUSE = PLANNING | {Role.WAREHOUSE_CLERK}
PAYROLL = MANAGERS | {Role.PAYROLL_CLERK}
FACTORY_STAFF = ROLES_BY_KIND[OrgKind.FACTORY] - {Role.WORKER}
FACTORY_ALL = ROLES_BY_KIND[OrgKind.FACTORY]
MERCHANTS = frozenset({Role.MERCHANT_BUYER})
SUPPLIERS = frozenset({Role.SUPPLIER_SALES})
DISTRICT = frozenset({Role.DISTRICT_OFFICIAL})
NOBODY: frozenset[str] = frozenset()
# Not a tenant role: what the menu is built for when a platform operator (User flag
# `is_platform_operator`, a member of no organization) is signed in. No endpoint grants it.
PLATFORM_OPERATOR = "platform_operator"
PLATFORM_OPERATORS = frozenset({PLATFORM_OPERATOR})


def default_role_for(kind: str) -> str:
    """The role an API token of an organization of this kind acts with by default."""
    return {
        OrgKind.FACTORY: Role.FACTORY_MANAGER,
        OrgKind.MERCHANT: Role.MERCHANT_BUYER,
        OrgKind.SUPPLIER: Role.SUPPLIER_SALES,
        OrgKind.DISTRICT: Role.DISTRICT_OFFICIAL,
    }[kind]


# The role that owns an organization: it manages its people, and an organization always keeps
# at least one active member with it.
OWNER_ROLE_BY_KIND = {
    OrgKind.FACTORY: Role.FACTORY_OWNER,
    OrgKind.MERCHANT: Role.MERCHANT_BUYER,
    OrgKind.SUPPLIER: Role.SUPPLIER_SALES,
    OrgKind.DISTRICT: Role.DISTRICT_OFFICIAL,
}
