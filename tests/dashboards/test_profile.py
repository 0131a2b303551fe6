"""The data profile: twelve months, shared through expiring, revocable, logged links."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError, NotAllowed
from core.roles import Role
from dashboards import selectors, services
from dashboards.models import ProfileLink, ProfileLinkView
from tests.dashboards.conftest import member
from tests.factories import FactoryDayFactory, ProfileLinkFactory

pytestmark = pytest.mark.django_db


def test_profile_has_twelve_months_ending_this_month(factory):
    FactoryDayFactory(factory=factory, day=timezone.localdate(), finished=321)

    profile = selectors.factory_profile(factory, today=timezone.localdate())

    assert len(profile["months"]) == 12
    assert profile["months"][-1]["month"] == timezone.localdate().strftime("%Y-%m")
    assert profile["months"][-1]["output"] == 321
    assert profile["months"][0]["output"] == 0


def test_owner_creates_a_link(factory, client):
    owner = member(factory, Role.FACTORY_OWNER)
    client.force_login(owner)

    client.post(reverse("dashboards:profile"), {"recipient": "Bank of Zhuzhou", "days": "14"})

    link = ProfileLink.objects.get()
    assert (link.factory, link.recipient, link.created_by) == (factory, "Bank of Zhuzhou", owner)
    assert link.expires_at.date() == (timezone.now() + dt.timedelta(days=14)).date()


def test_a_link_for_too_many_days_comes_back_at_its_field_and_writes_nothing(factory, client):
    client.force_login(member(factory, Role.FACTORY_OWNER))

    response = client.post(reverse("dashboards:profile"), {"recipient": "Bank", "days": "900"})

    assert response.status_code == 200
    assert response.context["form"].errors["days"] == [
        "Ensure this value is less than or equal to 365."
    ]
    assert 'value="Bank"' in response.content.decode()
    assert ProfileLink.objects.count() == 0


def test_a_link_without_recipient_is_refused(factory):
    with pytest.raises(DomainError):
        services.profile_link_create(
            factory=factory, recipient=" ", by=member(factory, Role.FACTORY_OWNER)
        )
    assert ProfileLink.objects.count() == 0


def test_opening_a_link_logs_what_it_showed(factory, client):
    FactoryDayFactory(factory=factory, day=timezone.localdate(), finished=321)
    link = ProfileLinkFactory(factory=factory)

    response = client.get(
        reverse("dashboards:profile-shared"), {"t": link.token}, REMOTE_ADDR="10.0.0.9"
    )

    assert response.status_code == 200
    view = ProfileLinkView.objects.get()
    assert (view.link, view.remote_addr) == (link, "10.0.0.9")
    assert view.shown["months"][-1]["output"] == 321


@pytest.mark.parametrize(
    "change",
    [
        {"revoked_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)},
        {"expires_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)},
    ],
)
def test_a_revoked_or_expired_link_shows_nothing(factory, client, change):
    link = ProfileLinkFactory(factory=factory, **change)

    response = client.get(reverse("dashboards:profile-shared"), {"t": link.token})

    assert response.status_code == 404
    assert ProfileLinkView.objects.count() == 0


def test_an_unknown_token_shows_nothing(client):
    assert client.get(reverse("dashboards:profile-shared"), {"t": "nope"}).status_code == 404


def test_revoking_twice_is_refused(factory):
    link = ProfileLinkFactory(factory=factory)
    owner = member(factory, Role.FACTORY_OWNER)
    services.profile_link_revoke(link=link, by=owner)
    revoked_at = ProfileLink.objects.get().revoked_at

    with pytest.raises(NotAllowed):
        services.profile_link_revoke(link=link, by=owner)

    assert ProfileLink.objects.get().revoked_at == revoked_at


def test_owner_revokes_through_the_page(factory, client):
    link = ProfileLinkFactory(factory=factory)
    client.force_login(member(factory, Role.FACTORY_OWNER))

    client.post(reverse("dashboards:profile-link-revoke", kwargs={"pk": link.pk}))

    assert ProfileLink.objects.get().revoked_at is not None
