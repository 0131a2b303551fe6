"""People of an organization: invited by username and joining when they accept, roles checked,
a last owner always remains."""

import pytest
from rest_framework.test import APIClient

from core.errors import NotAllowed
from core.models import Invitation, Membership
from core.roles import OrgKind, Role
from core.services import invitation_accept, invitation_create
from tests.factories import FactoryFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    factory = FactoryFactory(organization=OrganizationFactory(kind=OrgKind.FACTORY, code="f1"))
    user = UserFactory(username="boss")
    membership = MembershipFactory(
        user=user, organization=factory.organization, role=Role.FACTORY_OWNER
    )
    client = APIClient()
    client.force_login(user)
    return client, membership


def test_a_merchant_role_cannot_be_given_in_a_factory(owner):
    client, _membership = owner
    UserFactory(username="li")
    response = client.post(
        "/api/v1/invitations/", {"username": "li", "role": "merchant_buyer"}, format="json"
    )
    assert response.status_code == 400
    assert not Invitation.objects.exists()
    assert not Membership.objects.filter(user__username="li").exists()


def test_the_last_owner_cannot_be_deactivated(owner):
    client, membership = owner
    response = client.post(f"/api/v1/memberships/{membership.pk}/deactivate/")
    assert response.status_code == 409
    membership.refresh_from_db()
    assert membership.is_active


def test_changing_a_role_is_checked_against_the_organization_kind(owner):
    client, _membership = owner
    worker = MembershipFactory(
        user=UserFactory(username="w"), organization=_membership.organization, role=Role.WORKER
    )
    bad = client.patch(
        f"/api/v1/memberships/{worker.pk}/", {"role": "district_official"}, format="json"
    )
    good = client.patch(f"/api/v1/memberships/{worker.pk}/", {"role": "supervisor"}, format="json")
    assert bad.status_code == 400
    assert good.status_code == 200
    worker.refresh_from_db()
    assert worker.role == Role.SUPERVISOR


# --- invitations and owners ----------------------------------------------------------------
def signed_in(user):
    client = APIClient()
    client.force_login(user)
    return client


def test_adding_a_member_directly_is_not_allowed(owner):
    client, _membership = owner
    UserFactory(username="li")

    response = client.post(
        "/api/v1/memberships/", {"username": "li", "role": "planner"}, format="json"
    )

    assert response.status_code == 403
    assert not Membership.objects.filter(user__username="li").exists()


def test_an_invitation_grants_nothing_until_the_person_accepts(owner):
    # given an owner who invites an existing user
    client, membership = owner
    li = UserFactory(username="li")
    invited = client.post(
        "/api/v1/invitations/", {"username": "li", "role": "planner"}, format="json"
    )
    assert invited.status_code == 201
    assert not Membership.objects.filter(user=li).exists()

    # when the invited person accepts it
    accepted = signed_in(li).post(f"/api/v1/me/invitations/{invited.json()['id']}/accept/")

    # then they are a member with the invited role
    assert accepted.status_code == 200
    joined = Membership.objects.get(user=li)
    assert (joined.organization, joined.role, joined.is_active) == (
        membership.organization,
        Role.PLANNER,
        True,
    )
    assert Invitation.objects.get().status == Invitation.Status.ACCEPTED


def test_the_invited_person_may_decline_and_nothing_is_granted(owner):
    client, _membership = owner
    li = UserFactory(username="li")
    invited = client.post(
        "/api/v1/invitations/", {"username": "li", "role": "planner"}, format="json"
    ).json()

    declined = signed_in(li).post(f"/api/v1/me/invitations/{invited['id']}/decline/")

    assert declined.status_code == 200
    assert Invitation.objects.get().status == Invitation.Status.DECLINED
    assert not Membership.objects.filter(user=li).exists()


def test_inviting_an_unknown_and_a_known_username_answers_the_same(owner):
    client, _membership = owner
    UserFactory(username="li")

    known = client.post("/api/v1/invitations/", {"username": "li", "role": "planner"})
    unknown = client.post("/api/v1/invitations/", {"username": "nobody-x", "role": "planner"})

    def shape(response):
        body = response.json()
        return {
            k: v for k, v in body.items() if k not in ("id", "username", "created_at", "expires_at")
        }

    assert known.status_code == unknown.status_code == 201
    assert shape(known) == shape(unknown)
    assert set(known.json()) == set(unknown.json())


def test_another_person_cannot_accept_an_invitation_meant_for_someone_else(owner):
    client, _membership = owner
    UserFactory(username="li")
    intruder = UserFactory(username="wang")
    invited = client.post(
        "/api/v1/invitations/", {"username": "li", "role": "planner"}, format="json"
    ).json()

    response = signed_in(intruder).post(f"/api/v1/me/invitations/{invited['id']}/accept/")

    assert response.status_code == 404
    assert not Membership.objects.filter(user=intruder).exists()


def test_an_expired_invitation_cannot_be_accepted(owner):
    import datetime as dt

    from django.utils import timezone

    client, _membership = owner
    li = UserFactory(username="li")
    invitation = invitation_create(
        organization=_membership.organization, username="li", role=Role.PLANNER
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )

    with pytest.raises(NotAllowed) as refused:
        invitation_accept(invitation=invitation, user=li)

    assert refused.value.code == "invitation_expired"
    assert not Membership.objects.filter(user=li).exists()


def test_the_last_owner_cannot_change_their_own_role(owner):
    client, membership = owner

    response = client.patch(
        f"/api/v1/memberships/{membership.pk}/", {"role": "planner"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "last_owner"
    membership.refresh_from_db()
    assert membership.role == Role.FACTORY_OWNER


def test_the_last_owner_cannot_leave(owner):
    client, membership = owner

    response = client.post("/api/v1/memberships/leave/")

    assert response.status_code == 409
    assert response.json()["code"] == "last_owner"
    membership.refresh_from_db()
    assert membership.is_active


def test_an_owner_may_leave_when_another_owner_remains(owner):
    client, membership = owner
    MembershipFactory(
        user=UserFactory(username="co"),
        organization=membership.organization,
        role=Role.FACTORY_OWNER,
    )

    response = client.post("/api/v1/memberships/leave/")

    assert response.status_code == 200
    membership.refresh_from_db()
    assert not membership.is_active


def test_a_merchant_keeps_its_last_buyer(db):
    merchant = OrganizationFactory(kind=OrgKind.MERCHANT, code="m1")
    buyer = MembershipFactory(
        user=UserFactory(username="buyer"), organization=merchant, role=Role.MERCHANT_BUYER
    )

    response = signed_in(buyer.user).post(f"/api/v1/memberships/{buyer.pk}/deactivate/")

    assert response.status_code == 409
    buyer.refresh_from_db()
    assert buyer.is_active


def test_the_people_page_answers_the_same_for_an_unknown_and_a_known_username(owner):
    from django.test import Client

    _client, membership = owner
    UserFactory(username="li")
    page = Client()
    page.force_login(membership.user)

    known = page.post("/people/", {"username": "li", "role": "planner"}, follow=True)
    unknown = page.post("/people/", {"username": "nobody-x", "role": "planner"}, follow=True)

    def said(response):
        return [str(m) for m in response.context["messages"]]

    assert said(known) == said(unknown) == ["Invitation sent: they join when they accept it."]
    assert Invitation.objects.filter(status="pending").count() == 2
    assert not Membership.objects.filter(user__username="li").exists()


def test_the_invitations_page_lets_the_person_accept(owner):
    from django.test import Client

    _client, membership = owner
    li = UserFactory(username="li")
    invitation = invitation_create(
        organization=membership.organization, username="li", role=Role.PLANNER
    )
    page = Client()
    page.force_login(li)

    shown = page.get("/invitations/")
    answered = page.post("/invitations/", {"invitation": invitation.pk, "answer": "accept"})

    assert membership.organization.name in shown.content.decode()
    assert answered.status_code == 302
    assert Membership.objects.get(user=li).role == Role.PLANNER


def test_the_last_owner_leaving_from_the_page_is_refused_with_the_reason(owner):
    from django.test import Client

    _client, membership = owner
    page = Client()
    page.force_login(membership.user)

    response = page.post("/people/leave/", follow=True)

    said = [str(m) for m in response.context["messages"]]
    assert said == ["An organization always keeps an owner: make someone else owner first."]
    membership.refresh_from_db()
    assert membership.is_active
