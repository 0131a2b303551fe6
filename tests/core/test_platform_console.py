"""The platform console (/platform/): operators provision tenants of every kind and send the
first owner a link; only operators get in; operators see no tenant's business pages;
deactivating a tenant is audited; `manage.py platform_operator` makes an operator."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from core.models import AuditEntry, Invitation, Membership, Organization, User
from core.roles import OrgKind, Role
from core.services import invitation_create
from factories.models import District, Factory
from tests.factories import (
    DistrictFactory,
    FactoryFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    user = UserFactory(username="ops", is_platform_operator=True)
    client = Client()
    client.force_login(user)
    return client, user


@pytest.fixture
def district():
    return DistrictFactory(
        organization=OrganizationFactory(kind=OrgKind.DISTRICT, code="d-lusong", name="Lusong")
    )


def provision(client, **fields):
    form = {
        "kind": OrgKind.FACTORY,
        "code": "new-tenant",
        "name": "New Tenant",
        "contact_phone": "0731-1234567",
        "time_zone": "Asia/Shanghai",
        "owner_phone": "13800001111",
        "owner_email": "",
        **fields,
    }
    return client.post("/platform/new/", form)


@pytest.mark.parametrize(
    ("kind", "owner_role"),
    [
        (OrgKind.FACTORY, Role.FACTORY_OWNER),
        (OrgKind.MERCHANT, Role.MERCHANT_BUYER),
        (OrgKind.SUPPLIER, Role.SUPPLIER_SALES),
        (OrgKind.DISTRICT, Role.DISTRICT_OFFICIAL),
    ],
)
def test_an_operator_provisions_each_kind_with_an_owner_link(operator, district, kind, owner_role):
    client, user = operator
    extra = {"district": district.pk} if kind == OrgKind.FACTORY else {}
    if kind == OrgKind.DISTRICT:
        extra = {"city": "Zhuzhou", "province": "Hunan"}

    # when the operator provisions a tenant of this kind, with the owner's phone
    response = provision(client, kind=kind, owner_email="owner@example.com", **extra)

    # then the organization exists with its profile, an open owner invitation records where
    # the link goes, and the tenant's page shows the link to copy
    organization = Organization.objects.get(code="new-tenant")
    assert (organization.kind, organization.name, organization.contact_phone) == (
        kind,
        "New Tenant",
        "0731-1234567",
    )
    assert response.status_code == 302
    assert response["Location"] == f"/platform/{organization.pk}/"
    invitation = Invitation.objects.get(organization=organization)
    assert (invitation.role, invitation.username, invitation.status) == (
        owner_role,
        "",
        Invitation.Status.PENDING,
    )
    assert (invitation.phone, invitation.email, invitation.invited_by) == (
        "13800001111",
        "owner@example.com",
        user,
    )
    assert Factory.objects.filter(pk=organization.pk).exists() == (kind == OrgKind.FACTORY)
    assert District.objects.filter(pk=organization.pk).exists() == (kind == OrgKind.DISTRICT)
    if kind == OrgKind.FACTORY:
        factory = Factory.objects.get(pk=organization.pk)
        assert (factory.district, factory.time_zone) == (district, "Asia/Shanghai")
    if kind == OrgKind.DISTRICT:
        profile = District.objects.get(pk=organization.pk)
        assert (profile.city, profile.province) == ("Zhuzhou", "Hunan")
    page = client.get(response["Location"]).content.decode()
    assert f"http://testserver/join/{invitation.token}/" in page


def test_the_first_owner_joins_through_the_consoles_link(operator):
    client, _user = operator
    provision(client)
    invitation = Invitation.objects.get(organization__code="new-tenant")

    Client().post(
        f"/join/{invitation.token}/",
        {
            "username": "13800001111",
            "password1": "pw-Seamline-1",
            "password2": "pw-Seamline-1",
            "language": "zh-hans",
        },
    )

    membership = Membership.objects.get(organization__code="new-tenant")
    assert (membership.user.username, membership.role) == ("13800001111", Role.FACTORY_OWNER)


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"code": "taken"}, {"code": ["An organization with this code already exists."]}),
        (
            {"code": "Not A Slug!"},
            {"code": ["Use lower-case letters, digits and dashes, e.g. zz-lusong."]},
        ),
        ({"time_zone": "Mars/Olympus"}, {"time_zone": ["Unknown time zone, e.g. Asia/Shanghai."]}),
        (
            {"owner_phone": "12345"},
            {"owner_phone": ["Enter an 11-digit mainland China mobile number, e.g. 13812345678."]},
        ),
        (
            {"owner_username": "li si"},
            {
                "owner_username": [
                    "A username may contain only letters, digits and @ . + - _ "
                    "(or give a mobile number)."
                ]
            },
        ),
        (
            {"kind": OrgKind.MERCHANT, "district": "DISTRICT"},
            {"district": ["Only a factory belongs to a district."]},
        ),
    ],
)
def test_bad_input_is_refused_on_its_field_and_writes_nothing(operator, district, fields, errors):
    client, _user = operator
    OrganizationFactory(code="taken")
    if fields.get("district") == "DISTRICT":
        fields = {**fields, "district": district.pk}
    before = (
        Organization.objects.count(),
        Factory.objects.count(),
        District.objects.count(),
        Invitation.objects.count(),
    )

    response = provision(client, **fields)

    assert response.status_code == 200
    form = response.context["form"]
    assert {name: form.errors[name] for name in errors} == errors
    assert (
        Organization.objects.count(),
        Factory.objects.count(),
        District.objects.count(),
        Invitation.objects.count(),
    ) == before


def test_the_console_refuses_everyone_but_operators(district):
    tenant = district.organization
    owner = MembershipFactory(
        user=UserFactory(username="boss"),
        organization=FactoryFactory(organization=OrganizationFactory(code="f-own")).organization,
        role=Role.FACTORY_OWNER,
    ).user
    staff = UserFactory(username="staffer", is_staff=True)
    organizations_before = Organization.objects.count()
    for user in (owner, staff):
        client = Client()
        client.force_login(user)
        statuses = [
            client.get("/platform/").status_code,
            client.get("/platform/new/").status_code,
            client.get(f"/platform/{tenant.pk}/").status_code,
            provision(client).status_code,
            client.post(f"/platform/{tenant.pk}/active/", {"active": "0"}).status_code,
            client.post(f"/platform/{tenant.pk}/invite/").status_code,
        ]
        assert statuses == [403] * 6
    anonymous = Client().get("/platform/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/")
    tenant.refresh_from_db()
    assert tenant.is_active
    assert Organization.objects.count() == organizations_before
    assert not Invitation.objects.exists()


def test_the_list_shows_names_status_and_member_counts(operator, district):
    client, _user = operator
    factory_org = FactoryFactory(
        organization=OrganizationFactory(code="f-list", name="Listed Garments")
    ).organization
    for username in ("a1", "a2"):
        MembershipFactory(user=UserFactory(username=username), organization=factory_org)
    MembershipFactory(user=UserFactory(username="gone"), organization=factory_org, is_active=False)

    response = client.get("/platform/")

    tenants = {t.code: (t.name, t.is_active, t.member_count) for t in response.context["tenants"]}
    assert tenants == {"d-lusong": ("Lusong", True, 0), "f-list": ("Listed Garments", True, 2)}
    merchants = client.get("/platform/?kind=merchant").context["tenants"]
    assert list(merchants) == []


def test_operators_see_no_tenant_business_pages(operator):
    client, user = operator
    FactoryFactory(organization=OrganizationFactory(code="f-biz"))

    statuses = {
        url: client.get(url).status_code
        for url in ("/people/", "/tokens/", "/audit/", "/factories/partners/")
    }

    assert statuses == dict.fromkeys(statuses, 403)
    assert not Membership.objects.filter(user=user).exists()


def test_an_operator_cannot_join_a_tenant(operator):
    client, user = operator
    org = OrganizationFactory(code="f-nojoin")
    invitation = invitation_create(organization=org, role=Role.FACTORY_OWNER)

    client.post(f"/join/{invitation.token}/")

    assert not Membership.objects.filter(user=user).exists()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_deactivating_and_reactivating_a_tenant_is_audited_and_locks_its_members_out(operator):
    client, user = operator
    org = FactoryFactory(organization=OrganizationFactory(code="f-off")).organization
    member = MembershipFactory(user=UserFactory(username="m1"), organization=org).user
    member_client = Client()
    member_client.force_login(member)

    client.post(f"/platform/{org.pk}/active/", {"active": "0"})
    org.refresh_from_db()
    locked_out = member_client.get("/people/").status_code
    client.post(f"/platform/{org.pk}/active/", {"active": "1"})

    org.refresh_from_db()
    assert org.is_active
    assert locked_out == 403
    assert member_client.get("/people/").status_code == 200
    changes = [
        (entry.actor_id, entry.changes_dict["is_active"])
        for entry in AuditEntry.objects.filter(
            content_type__model="organization",
            object_pk=str(org.pk),
            action=AuditEntry.Action.UPDATE,
        ).order_by("pk")
    ]
    assert changes == [(user.pk, ["True", "False"]), (user.pk, ["False", "True"])]


def test_deactivating_an_inactive_tenant_is_refused_with_a_message(operator):
    client, _user = operator
    org = OrganizationFactory(code="f-idle", is_active=False)

    response = client.post(f"/platform/{org.pk}/active/", {"active": "0"}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "This organization is already inactive."
    ]
    assert not AuditEntry.objects.filter(
        content_type__model="organization", action=AuditEntry.Action.UPDATE
    ).exists()


def test_a_new_owner_link_for_an_existing_tenant(operator):
    client, _user = operator
    org = OrganizationFactory(kind=OrgKind.MERCHANT, code="m-relink")

    client.post(f"/platform/{org.pk}/invite/", {"username": "", "phone": "13900002222"})

    invitation = Invitation.objects.get(organization=org)
    assert (invitation.role, invitation.phone) == (Role.MERCHANT_BUYER, "13900002222")


def test_the_command_creates_an_operator():
    call_command("platform_operator", "ops-li", "--password", "pw-Seamline-1", stdout=StringIO())

    user = User.objects.get(username="ops-li")
    assert user.is_platform_operator
    assert user.check_password("pw-Seamline-1")


def test_the_command_refuses_a_tenant_member():
    member = MembershipFactory(user=UserFactory(username="boss")).user

    with pytest.raises(CommandError, match="an operator needs a login of its own"):
        call_command("platform_operator", "boss", stdout=StringIO())

    member.refresh_from_db()
    assert not member.is_platform_operator


def test_an_operator_sees_the_consoles_menu_entry(operator):
    client, _user = operator

    response = client.get("/platform/")

    assert {"label": "Platform console", "url": "/platform/"} in [
        {"label": str(e["label"]), "url": e["url"]} for e in response.context["navigation"]
    ]
