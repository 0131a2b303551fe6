"""A complete tenant world for cross-tenant tests: a factory with its district, merchant and
supplier, a user for every role, API tokens, and data in every model.

Each app adds its data in `tests/worlds/<app>.py` with `populate(world)`; the isolation test
fails if any model of the project is left without rows, so a new model must be populated here.
"""

from importlib import import_module, util
from types import SimpleNamespace

from django.apps import apps
from django.conf import settings

from core.audit import acting_as
from core.models import IdempotencyRecord
from core.roles import ROLES_BY_KIND, OrgKind, Role
from core.services import api_token_create, invitation_create
from tests.factories import (
    DistrictFactory,
    FactoryFactory,
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
    UserFactory,
)

PASSWORD = "pw-Seamline-1"


def build_world(tag: str) -> SimpleNamespace:
    world = SimpleNamespace(tag=tag, users={}, tokens={})
    district = DistrictFactory(
        organization=OrganizationFactory(kind=OrgKind.DISTRICT, code=f"{tag}-district")
    )
    world.district = district
    world.factory = FactoryFactory(
        organization=OrganizationFactory(
            kind=OrgKind.FACTORY, code=f"{tag}-factory", name=f"{tag.upper()} Garments"
        ),
        district=district,
        shares_with_district=True,
    )
    world.factory_org = world.factory.organization
    world.merchant = OrganizationFactory(kind=OrgKind.MERCHANT, code=f"{tag}-merchant")
    world.supplier = OrganizationFactory(kind=OrgKind.SUPPLIER, code=f"{tag}-supplier")
    world.district_org = district.organization
    PartnershipFactory(factory=world.factory, partner=world.merchant)
    PartnershipFactory(factory=world.factory, partner=world.supplier)

    orgs = {
        OrgKind.FACTORY: world.factory_org,
        OrgKind.MERCHANT: world.merchant,
        OrgKind.SUPPLIER: world.supplier,
        OrgKind.DISTRICT: world.district_org,
    }
    for kind, org in orgs.items():
        for role in sorted(ROLES_BY_KIND[kind]):
            user = UserFactory(username=f"{tag}-{role}")
            MembershipFactory(user=user, organization=org, role=role)
            world.users[role] = user
    for kind, org in orgs.items():
        creator = world.users[sorted(ROLES_BY_KIND[kind])[0]]
        for scope in ("read", "write"):
            token, key = api_token_create(
                organization=org, name=f"{tag} {scope}", scope=scope, by=creator
            )
            world.tokens[f"{kind}-{scope}"] = key
    IdempotencyRecord.objects.create(
        organization=world.factory_org,
        key=f"{tag}-key",
        method="POST",
        path="/api/v1/x/",
        request_fingerprint="0" * 64,
        status_code=201,
        response_body={},
    )
    world.owner = world.users[Role.FACTORY_OWNER]
    for org in orgs.values():
        invitation_create(
            organization=org,
            username=f"{tag}-invited-{org.kind}",
            role=sorted(ROLES_BY_KIND[org.kind])[0],
        )

    # The owner's writes, as a request would attribute them: the factory has audit entries.
    with acting_as(user=world.owner, organization=world.factory_org):
        for app in settings.PROJECT_APPS:
            module_name = f"tests.worlds.{app}"
            if util.find_spec(module_name):
                import_module(module_name).populate(world)
    return world


def project_models():
    return [m for m in apps.get_models() if m._meta.app_label in settings.PROJECT_APPS]


def pks_by_model() -> dict:
    """{model: set of primary keys} for every model of the project, as it is now."""
    return {model: set(model.objects.values_list("pk", flat=True)) for model in project_models()}
