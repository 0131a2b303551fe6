"""Joining by invitation link (/join/<token>/): a brand-new person creates their login (a
username or a mainland mobile number), password and language, and joins in one step; a
signed-in person accepts into their own login; closed links get a clear page."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from core.acting import SESSION_KEY
from core.models import Invitation, Membership, User
from core.roles import OrgKind, Role
from core.services import invitation_create, invitation_revoke
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Seamline-1"


@pytest.fixture
def factory_org():
    return OrganizationFactory(kind=OrgKind.FACTORY, code="f-join", name="Join Garments")


@pytest.fixture
def open_link(factory_org):
    """An open owner invitation, as the platform console sends a tenant's first owner."""
    return invitation_create(organization=factory_org, role=Role.FACTORY_OWNER, phone="13900001111")


def join_url(invitation) -> str:
    return f"/join/{invitation.token}/"


def new_person(**overrides) -> dict:
    return {
        "username": "138 1234 5678",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "language": "en",
        **overrides,
    }


def test_the_link_shows_the_organization_and_the_role_in_the_visitors_language(open_link):
    # given a visitor whose browser asks for Chinese
    visitor = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")

    # when they open the link
    response = visitor.get(join_url(open_link))

    # then the organization's name and the role are shown, the role in Chinese
    page = response.content.decode()
    assert response.status_code == 200
    assert "Join Garments" in page
    assert "工厂老板" in page
    assert "Factory owner" not in page


def test_a_new_person_joins_with_a_mobile_number_as_username(open_link, factory_org):
    # given a visitor without a login
    visitor = Client()

    # when they choose their mobile number (typed with spaces), a password and English
    response = visitor.post(join_url(open_link), new_person())

    # then their login exists under the 11 digits, with that phone and language, is a member
    # with the invitation's role, is signed in, acts for the organization and lands home
    user = User.objects.get(username="13812345678")
    assert user.phone == "13812345678"
    assert user.language == "en"
    assert user.check_password(PASSWORD)
    membership = Membership.objects.get(user=user)
    assert (membership.organization, membership.role, membership.is_active) == (
        factory_org,
        Role.FACTORY_OWNER,
        True,
    )
    open_link.refresh_from_db()
    assert open_link.status == Invitation.Status.ACCEPTED
    assert open_link.username == "13812345678"
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert visitor.session["_auth_user_id"] == str(user.pk)
    assert visitor.session[SESSION_KEY] == factory_org.pk
    assert response.cookies["django_language"].value == "en"


def test_the_chosen_language_is_kept_and_used_after_joining(open_link):
    # given a visitor with a Chinese browser who chooses English while joining
    visitor = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    visitor.post(join_url(open_link), new_person(username="wang-fang", language="en"))

    # when they open their profile from a Chinese browser without the cookie
    visitor.cookies.pop("django_language", None)
    page = visitor.get("/profile/")

    # then their language setting is English, and the page is in English
    assert User.objects.get(username="wang-fang").language == "en"
    assert page.status_code == 200
    assert page.headers["Content-Language"] == "en"


def test_a_named_invitation_creates_the_login_with_its_own_username(factory_org):
    # given an owner's People-page invitation for a person who has no login yet
    invitation = invitation_create(
        organization=factory_org, username="13700002222", role=Role.PLANNER
    )

    # when the person posts another username with the form
    response = Client().post(join_url(invitation), new_person(username="someone-else"))

    # then the login is the invited one, a planner
    assert response.status_code == 302
    assert not User.objects.filter(username="someone-else").exists()
    assert Membership.objects.get(user__username="13700002222").role == Role.PLANNER


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("li si", "A username may contain only letters, digits"),
        ("12345", "Enter an 11-digit mainland China mobile number"),
        ("+86 23812345678", "Enter an 11-digit mainland China mobile number"),
        ("", "Choose a username or give your mobile number."),
    ],
)
def test_a_bad_username_is_refused_on_its_field_and_nothing_is_written(
    open_link, username, message
):
    # given an open link; when a visitor chooses an invalid username
    users_before = User.objects.count()
    response = Client().post(join_url(open_link), new_person(username=username))

    # then the form comes back with the message on the username field, nothing written
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["username"])
    assert User.objects.count() == users_before
    assert not Membership.objects.exists()
    open_link.refresh_from_db()
    assert open_link.status == Invitation.Status.PENDING


def test_a_taken_username_is_refused_and_points_to_signing_in(open_link):
    UserFactory(username="13812345678")
    users_before = User.objects.count()

    response = Client().post(join_url(open_link), new_person())

    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [
        "This username is taken: sign in to accept with it."
    ]
    assert User.objects.count() == users_before
    assert not Membership.objects.exists()


def test_differing_or_weak_passwords_are_refused(open_link):
    differing = Client().post(join_url(open_link), new_person(password2="other-Seamline-2"))
    weak = Client().post(join_url(open_link), new_person(password1="123", password2="123"))

    assert differing.context["form"].errors["password2"] == ["The two passwords differ."]
    assert "This password is too short" in " ".join(weak.context["form"].errors["password1"])
    assert not User.objects.filter(username="13812345678").exists()
    assert not Membership.objects.exists()


def test_an_unknown_token_gets_a_clear_404_page():
    response = Client().get("/join/not-a-real-token/")

    assert response.status_code == 404
    assert "No invitation has this link." in response.content.decode()


@pytest.mark.parametrize(
    ("close", "text"),
    [
        ("expire", "This invitation has expired."),
        ("revoke", "This invitation was withdrawn."),
        ("use", "This invitation has already been used."),
        ("deactivate", "This organization is not active on Seamline any more."),
    ],
)
def test_a_closed_link_gets_a_clear_page_and_creates_nothing(open_link, close, text):
    # given a link that is no longer usable
    if close == "expire":
        Invitation.objects.filter(pk=open_link.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    elif close == "revoke":
        invitation_revoke(invitation=open_link)
    elif close == "use":
        Client().post(join_url(open_link), new_person(username="first-one"))
    else:
        open_link.organization.is_active = False
        open_link.organization.save()
    users_before = User.objects.count()
    memberships_before = Membership.objects.count()

    # when a visitor opens it and posts the form anyway
    shown = Client().get(join_url(open_link))
    posted = Client().post(join_url(open_link), new_person(username="second-one"))

    # then both say why, and nothing is created
    assert shown.status_code == posted.status_code == 410
    assert text in shown.content.decode()
    assert User.objects.count() == users_before
    assert Membership.objects.count() == memberships_before


def test_a_signed_in_person_accepts_an_open_link_into_their_login(open_link, factory_org):
    # given someone who already works for another organization
    person = MembershipFactory(
        user=UserFactory(username="zhao"),
        organization=OrganizationFactory(kind=OrgKind.MERCHANT, code="m-other"),
        role=Role.MERCHANT_BUYER,
    ).user
    browser = Client()
    browser.force_login(person)

    # when they accept the link
    response = browser.post(join_url(open_link))

    # then their own login joins, and acts for the new organization
    assert response.status_code == 302
    assert Membership.objects.get(user=person, organization=factory_org).role == (
        Role.FACTORY_OWNER
    )
    assert browser.session[SESSION_KEY] == factory_org.pk
    assert User.objects.filter(username="13812345678").count() == 0


def test_a_signed_in_person_cannot_take_a_link_named_for_another_login(factory_org):
    invitation = invitation_create(organization=factory_org, username="intended", role=Role.PLANNER)
    browser = Client()
    browser.force_login(UserFactory(username="intruder"))

    shown = browser.get(join_url(invitation))
    posted = browser.post(join_url(invitation))

    assert "This invitation is for the login intended." in shown.content.decode()
    assert posted.status_code == 200
    assert not Membership.objects.filter(organization=factory_org).exists()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_the_people_page_shows_the_link_to_send(factory_org):
    owner = MembershipFactory(
        user=UserFactory(username="boss"), organization=factory_org, role=Role.FACTORY_OWNER
    ).user
    browser = Client()
    browser.force_login(owner)

    browser.post("/people/", {"username": "13611112222", "role": Role.WORKER})
    page = browser.get("/people/").content.decode()

    invitation = Invitation.objects.get(username="13611112222")
    assert f"http://testserver/join/{invitation.token}/" in page


def test_roles_are_shown_in_the_users_language_on_the_people_page(factory_org):
    owner = MembershipFactory(
        user=UserFactory(username="boss", language="zh-hans"),
        organization=factory_org,
        role=Role.FACTORY_OWNER,
    ).user
    browser = Client()
    browser.force_login(owner)

    page = browser.get("/people/").content.decode()

    assert "工厂老板" in page
    assert "Factory owner" not in page


def test_roles_are_shown_in_the_users_language_on_the_profile(factory_org):
    member = MembershipFactory(
        user=UserFactory(username="qc-li", language="zh-hans"),
        organization=factory_org,
        role=Role.QC_INSPECTOR,
    ).user
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(member)

    page = browser.get("/profile/").content.decode()

    assert "质检员" in page
    assert "QC inspector" not in page


def test_a_mobile_number_signs_in_however_it_is_typed(open_link):
    Client().post(join_url(open_link), new_person())

    response = Client().post("/login/", {"username": "+86 138-1234-5678", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
