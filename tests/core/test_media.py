"""Uploaded photos are served only through core.media's view: signed in, and only to an
organization that sees the row the file belongs to; nginx has no alias for the media folder."""

import re
from pathlib import Path

import pytest
from django.test import Client

from core.roles import OrgKind, Role
from core.services import api_token_create
from tests.factories import (
    FactoryFactory,
    MembershipFactory,
    OrganizationFactory,
    StyleFactory,
    UserFactory,
    WorkerFactory,
)

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
NGINX = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "seamline.conf"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MEDIA_ACCEL_REDIRECT = ""
    return tmp_path


def stored(media_root, name: str) -> str:
    path = media_root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PNG)
    return name


def member_client(factory, role=Role.FACTORY_MANAGER) -> Client:
    user = UserFactory()
    MembershipFactory(user=user, organization=factory.organization, role=role)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def factory_a():
    return FactoryFactory()


@pytest.fixture
def worker_photo(factory_a, media_root):
    worker = WorkerFactory(line__factory=factory_a, factory=factory_a)
    worker.photo = stored(media_root, "workers/a-1.png")
    worker.save()
    return worker.photo.url


def test_the_factory_sees_its_own_workers_photo(factory_a, worker_photo):
    response = member_client(factory_a).get(worker_photo)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert b"".join(response.streaming_content) == PNG


def test_another_factorys_worker_photo_answers_404(worker_photo):
    response = member_client(FactoryFactory()).get(worker_photo)

    assert response.status_code == 404


def test_a_partner_merchant_sees_no_worker_photo(factory_a, worker_photo):
    merchant = OrganizationFactory(kind=OrgKind.MERCHANT)
    user = UserFactory()
    MembershipFactory(user=user, organization=merchant, role=Role.MERCHANT_BUYER)
    client = Client()
    client.force_login(user)

    assert client.get(worker_photo).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(worker_photo):
    response = Client().get(worker_photo)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/media/workers/a-1.png")


def test_an_api_call_without_a_valid_token_gets_401(worker_photo):
    response = Client().get(worker_photo, HTTP_AUTHORIZATION="Bearer sl_nope_nope")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_an_api_token_of_the_factory_gets_the_photo(factory_a, worker_photo):
    owner = UserFactory()
    MembershipFactory(user=owner, organization=factory_a.organization, role=Role.FACTORY_OWNER)
    _token, key = api_token_create(
        organization=factory_a.organization, name="erp", scope="read", by=owner
    )

    response = Client().get(worker_photo, HTTP_AUTHORIZATION=f"Bearer {key}")

    assert response.status_code == 200


def test_a_style_photo_of_another_factory_answers_404(factory_a, media_root):
    style = StyleFactory(factory=factory_a, photo=stored(media_root, "styles/st-1.png"))

    assert member_client(factory_a).get(style.photo.url).status_code == 200
    assert member_client(FactoryFactory()).get(style.photo.url).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/media/workers/../workers/a-1.png",
        "/media/workers/%2e%2e/workers/a-1.png",
        "/media/workers//a-1.png",
        "/media/secret.txt",
        "/media/workers/nobody-owns-this.png",
    ],
)
def test_a_path_no_visible_row_owns_answers_404(factory_a, worker_photo, media_root, path):
    stored(media_root, "secret.txt")
    stored(media_root, "workers/nobody-owns-this.png")

    assert member_client(factory_a).get(path).status_code == 404


def test_behind_nginx_the_view_hands_the_file_to_an_internal_location(
    factory_a, worker_photo, settings
):
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"

    response = member_client(factory_a).get(worker_photo)

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/workers/a-1.png"
    assert response.content == b""


def test_nginx_serves_media_only_from_an_internal_location():
    config = NGINX.read_text()
    locations = dict(re.findall(r"location\s+(\S+)\s*\{([^}]*)\}", config))

    assert "/media/" not in locations
    assert [path for path, body in locations.items() if "alias" in body and "media" in body] == [
        "/protected-media/"
    ]
    assert "internal;" in locations["/protected-media/"]
