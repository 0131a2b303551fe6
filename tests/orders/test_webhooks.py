"""Outgoing webhooks: signed bodies a merchant can verify, back-off, the delivery log, replay."""

import datetime as dt
import ipaddress
import json
import time

import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client
from django.utils import timezone

from core import rls
from core.errors import DomainError
from core.roles import OrgKind
from orders import webhooks
from orders.models import WebhookDelivery, WebhookEndpoint
from orders.services import order_accept
from orders.services.webhooks import webhook_delivery_replay, webhook_endpoint_update
from orders.tasks import webhook_retry_due
from tests.factories import OrganizationFactory, WebhookDeliveryFactory, WebhookEndpointFactory
from tests.orders.hooks import Receiver, verify


def test_a_status_change_is_delivered_signed_and_verifiable(
    place_order, merchant, planner, factory, django_capture_on_commit_callbacks, allow_loopback
):
    with Receiver([200]) as receiver:
        endpoint = WebhookEndpointFactory(merchant=merchant, url=receiver.url)
        order = place_order()
        with django_capture_on_commit_callbacks(execute=True):
            order_accept(order=order, by=planner, acting=factory.organization)

    request = receiver.received[-1]
    body = json.loads(request["body"])
    assert body["type"] == "order.status_changed"
    assert body["data"]["order"]["status"] == "accepted"
    assert body["data"]["order"]["number"] == order.number
    assert request["headers"]["Seamline-Event"] == "order.status_changed"
    assert verify(
        endpoint.secret, request["headers"]["Seamline-Signature"], request["body"], now=time.time()
    )
    delivery = WebhookDelivery.objects.get(event_id=body["id"])
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.attempts == 1


def test_a_tampered_body_or_another_secret_fails_verification(
    place_order, merchant, planner, factory, django_capture_on_commit_callbacks, allow_loopback
):
    with Receiver([200]) as receiver:
        endpoint = WebhookEndpointFactory(merchant=merchant, url=receiver.url)
        order = place_order()
        with django_capture_on_commit_callbacks(execute=True):
            order_accept(order=order, by=planner, acting=factory.organization)

    request = receiver.received[-1]
    header = request["headers"]["Seamline-Signature"]
    assert not verify(endpoint.secret, header, request["body"] + b" ", now=time.time())
    assert not verify("whsec_other", header, request["body"], now=time.time())
    assert not verify(endpoint.secret, header, request["body"], now=time.time() + 3600)


def test_a_failed_delivery_waits_with_back_off_and_the_sweep_retries_it(
    place_order, merchant, planner, factory, django_capture_on_commit_callbacks, allow_loopback
):
    with Receiver([503, 200]) as receiver:
        WebhookEndpointFactory(merchant=merchant, url=receiver.url)
        order = place_order()
        with django_capture_on_commit_callbacks(execute=True):
            order_accept(order=order, by=planner, acting=factory.organization)
        delivery = WebhookDelivery.objects.get(
            event_type="order.status_changed", body__contains="accepted"
        )
        assert delivery.status == WebhookDelivery.Status.PENDING
        assert delivery.last_status_code == 503
        wait = delivery.next_attempt_at - timezone.now()
        assert dt.timedelta(seconds=25) < wait <= dt.timedelta(seconds=30)

        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
        )
        assert webhook_retry_due() >= 1

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert [entry["status"] for entry in delivery.attempt_log] == [503, 200]


def test_a_delivery_fails_for_good_after_the_last_attempt(
    place_order,
    merchant,
    planner,
    factory,
    settings,
    django_capture_on_commit_callbacks,
    allow_loopback,
):
    settings.ORDERS_WEBHOOK_MAX_ATTEMPTS = 2
    with Receiver([500]) as receiver:
        WebhookEndpointFactory(merchant=merchant, url=receiver.url)
        order = place_order()
        with django_capture_on_commit_callbacks(execute=True):
            order_accept(order=order, by=planner, acting=factory.organization)
        WebhookDelivery.objects.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
        webhook_retry_due()

    delivery = WebhookDelivery.objects.get(body__contains="accepted")
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == 2
    assert delivery.next_attempt_at is None


def test_replay_sends_the_same_event_again_with_a_fresh_signature(
    place_order,
    merchant,
    planner,
    factory,
    buyer,
    django_capture_on_commit_callbacks,
    allow_loopback,
):
    with Receiver([200]) as receiver:
        endpoint = WebhookEndpointFactory(merchant=merchant, url=receiver.url)
        order = place_order()
        with django_capture_on_commit_callbacks(execute=True):
            order_accept(order=order, by=planner, acting=factory.organization)
        delivery = WebhookDelivery.objects.get(body__contains="accepted")

        with django_capture_on_commit_callbacks(execute=True):
            webhook_delivery_replay(delivery=delivery, by=buyer)

    first, replayed = receiver.received[-2], receiver.received[-1]
    assert replayed["body"] == first["body"]
    assert replayed["headers"]["Seamline-Delivery"] == first["headers"]["Seamline-Delivery"]
    assert verify(
        endpoint.secret,
        replayed["headers"]["Seamline-Signature"],
        replayed["body"],
        now=time.time(),
    )
    delivery.refresh_from_db()
    assert delivery.attempts == 2


def test_no_endpoint_means_no_delivery(place_order, planner, factory):
    order_accept(order=place_order(), by=planner, acting=factory.organization)

    assert WebhookDelivery.objects.count() == 0


# --- where webhooks may go (SSRF) -----------------------------------------------------------
def pending_delivery(merchant, url):
    endpoint = WebhookEndpointFactory(merchant=merchant, url=url)
    return WebhookDeliveryFactory(endpoint=endpoint, merchant=merchant, body='{"id":"e1"}')


def test_a_redirect_is_not_followed_and_counts_as_a_failure(merchant, allow_loopback):
    with Receiver([200]) as inside, Receiver([307], location=inside.url) as redirecting:
        delivery = pending_delivery(merchant, redirecting.url)

        webhooks.attempt(delivery.pk)

    assert [request["method"] for request in redirecting.received] == ["POST"]
    assert inside.received == []
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.last_status_code == 307
    assert delivery.attempt_log[-1]["error"] == "HTTP 307"


@pytest.mark.parametrize(
    "host",
    [
        pytest.param("127.0.0.1", id="loopback"),
        pytest.param("::1", id="ipv6 loopback"),
        pytest.param("localhost", id="a name that resolves to loopback"),
    ],
)
def test_a_receiver_on_loopback_is_refused_at_delivery(merchant, host):
    with Receiver([200], host="::1" if host == "::1" else "127.0.0.1") as receiver:
        url = receiver.url.replace("127.0.0.1", host) if host == "localhost" else receiver.url
        delivery = pending_delivery(merchant, url)

        webhooks.attempt(delivery.pk)

    assert receiver.received == []
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.last_status_code is None
    assert delivery.attempt_log[-1]["error"] == "refused: address not public"


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.8:8080/hook",
        "http://192.168.1.20/hook",
        "http://172.16.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/hook",
        "http://[fe80::1]/hook",
        "http://[fd00::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_a_private_or_link_local_address_is_refused_before_any_connection(merchant, settings, url):
    settings.ORDERS_WEBHOOK_TIMEOUT_SECONDS = 1
    delivery = pending_delivery(merchant, url)

    webhooks.attempt(delivery.pk)

    delivery.refresh_from_db()
    assert [(entry["status"], entry["error"]) for entry in delivery.attempt_log] == [
        (None, "refused: address not public")
    ]


def test_the_allow_list_lets_only_its_own_network_through(merchant, settings):
    settings.ORDERS_WEBHOOK_ALLOWED_NETWORKS = ["10.9.0.0/16"]
    with Receiver([200]) as receiver:
        delivery = pending_delivery(merchant, receiver.url)

        webhooks.attempt(delivery.pk)

    assert receiver.received == []
    delivery.refresh_from_db()
    assert delivery.attempt_log[-1]["error"] == "refused: address not public"


@pytest.mark.parametrize(
    "address, public",
    [
        ("93.184.216.34", True),
        ("2606:4700::6810:85e5", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.31.255.255", False),
        ("192.168.0.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("::ffff:93.184.216.34", True),
        ("2002:7f00:1::", False),  # 6to4 wrapping 127.0.0.1
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 wrapping 169.254.169.254
    ],
)
def test_which_addresses_count_as_public(address, public):
    assert webhooks.address_is_public(ipaddress.ip_address(address)) is public


def test_the_delivery_log_says_only_connection_failed_when_nothing_listens(
    merchant, allow_loopback
):
    with Receiver([200]) as receiver:
        closed_port = receiver.port
    delivery = pending_delivery(merchant, f"http://127.0.0.1:{closed_port}/hook")

    webhooks.attempt(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.attempt_log[-1]["error"] == "connection failed"
    assert delivery.last_status_code is None


def test_the_delivery_log_shows_the_status_but_never_the_reply(merchant, allow_loopback):
    secret_reply = b"Traceback: db at 10.0.0.5:5432 password=hunter2"
    with Receiver([500], reply=secret_reply) as receiver:
        delivery = pending_delivery(merchant, receiver.url)

        webhooks.attempt(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.attempt_log[-1]["error"] == "HTTP 500"
    assert delivery.last_status_code == 500
    assert "hunter2" not in json.dumps(delivery.attempt_log)


def test_the_host_header_names_the_endpoint_while_the_connection_goes_to_the_checked_address(
    merchant, settings
):
    settings.ORDERS_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    with Receiver([200]) as receiver:
        delivery = pending_delivery(merchant, f"http://localhost:{receiver.port}/hooks?a=1")

        webhooks.attempt(delivery.pk)

    assert receiver.received[0]["headers"]["Host"] == f"localhost:{receiver.port}"
    assert receiver.received[0]["path"] == "/hooks?a=1"
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED


# A second worker is another connection: on PostgreSQL, with the delivery committed, so that
# only the claim (not an uncommitted row it cannot see) keeps it from sending.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_second_worker_does_not_send_an_attempt_already_in_flight(merchant, allow_loopback):
    outcomes = []
    scope = rls.current()  # the worker's (a thread starts with no row-level-security scope)

    def second_worker_tries(_request):
        with rls.scope(scope):
            outcomes.append(webhooks.attempt(delivery.pk))

    with Receiver([200], while_handling=second_worker_tries) as receiver:
        delivery = pending_delivery(merchant, receiver.url)

        webhooks.attempt(delivery.pk)

    assert outcomes == [None]
    assert len(receiver.received) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert delivery.status == WebhookDelivery.Status.DELIVERED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_no_row_lock_is_held_while_the_endpoint_is_answering(allow_loopback):
    merchant = OrganizationFactory(kind=OrgKind.MERCHANT)
    seen = []

    def lock_the_row_from_elsewhere(_request):
        try:
            with transaction.atomic():
                WebhookDelivery.objects.select_for_update(nowait=True).get(pk=delivery.pk)
            seen.append("free")
        except OperationalError:
            seen.append("locked")
        finally:
            connection.close()

    with Receiver([200], while_handling=lock_the_row_from_elsewhere) as receiver:
        delivery = pending_delivery(merchant, receiver.url)

        webhooks.attempt(delivery.pk)

    assert seen == ["free"]
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED


# --- the URL rule on create and on change ----------------------------------------------------
def test_patching_an_endpoint_to_ftp_is_refused_and_changes_nothing(merchant_api, merchant):
    endpoint = WebhookEndpointFactory(merchant=merchant, url="https://shop.example.com/hook")

    response = merchant_api.patch(
        f"/api/v1/webhook-endpoints/{endpoint.pk}/", {"url": "ftp://shop.example.com/hook"}
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["url"]
    endpoint.refresh_from_db()
    assert endpoint.url == "https://shop.example.com/hook"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://shop.example.com/hook",
        "file:///etc/passwd",
        "gopher://shop.example.com/",
        "http://127.0.0.1:6379/",
        "http://[::1]:8000/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.8/hook",
        "http://localhost:8000/admin/",
    ],
)
def test_creating_an_endpoint_that_could_reach_inside_is_refused(merchant_api, url):
    response = merchant_api.post("/api/v1/webhook-endpoints/", {"url": url})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["url"]
    assert WebhookEndpoint.objects.count() == 0


def test_patching_an_endpoint_to_a_public_https_url_is_accepted(merchant_api, merchant):
    endpoint = WebhookEndpointFactory(merchant=merchant, url="https://shop.example.com/hook")

    response = merchant_api.patch(
        f"/api/v1/webhook-endpoints/{endpoint.pk}/", {"url": "https://erp.example.com/in"}
    )

    assert response.status_code == 200
    endpoint.refresh_from_db()
    assert endpoint.url == "https://erp.example.com/in"


def test_the_webhook_page_refuses_an_ftp_url(buyer):
    client = Client()
    client.force_login(buyer)

    response = client.post("/orders/webhooks/", {"url": "ftp://shop.example.com/hook"})

    assert response.status_code == 200
    assert response.context["form"].errors["url"] == ["Use an http:// or https:// URL."]
    assert WebhookEndpoint.objects.count() == 0


def test_a_service_caller_cannot_bypass_the_rule(merchant, buyer):
    endpoint = WebhookEndpointFactory(merchant=merchant, url="https://shop.example.com/hook")

    with pytest.raises(DomainError) as refused:
        webhook_endpoint_update(endpoint=endpoint, url="http://169.254.169.254/", by=buyer)

    assert refused.value.errors == {"url": ["Webhooks go to public internet addresses only."]}
    endpoint.refresh_from_db()
    assert endpoint.url == "https://shop.example.com/hook"


def test_the_api_log_shows_a_generic_reason_even_for_entries_written_before_the_rule(
    merchant_api, merchant
):
    endpoint = WebhookEndpointFactory(merchant=merchant, url="https://shop.example.com/hook")
    delivery = WebhookDeliveryFactory(
        endpoint=endpoint,
        merchant=merchant,
        attempt_log=[
            {"at": "2026-11-01T00:00:00+00:00", "status": None, "error": "[Errno 111] 10.0.0.5"},
            {"at": "2026-11-01T00:01:00+00:00", "status": 500, "error": "pg at 10.0.0.5 down"},
            {"at": "2026-11-01T00:02:00+00:00", "status": 200, "error": ""},
        ],
    )

    response = merchant_api.get(f"/api/v1/webhook-deliveries/{delivery.pk}/")

    assert [(entry["status"], entry["error"]) for entry in response.json()["attempt_log"]] == [
        (None, "connection failed"),
        (500, "HTTP 500"),
        (200, ""),
    ]


def test_an_https_endpoint_that_speaks_no_tls_logs_only_that_the_handshake_failed(
    merchant, allow_loopback
):
    with Receiver([200]) as plain_http:
        delivery = pending_delivery(merchant, plain_http.url.replace("http://", "https://"))

        webhooks.attempt(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.attempt_log[-1]["error"] == "TLS handshake failed"
    assert delivery.last_status_code is None
