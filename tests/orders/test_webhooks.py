"""Outgoing webhooks: signed bodies a merchant can verify, back-off, the delivery log, replay."""

import datetime as dt
import json
import time

from django.utils import timezone

from orders.models import WebhookDelivery
from orders.services import order_accept
from orders.services.webhooks import webhook_delivery_replay
from orders.tasks import webhook_retry_due
from tests.factories import WebhookEndpointFactory
from tests.orders.hooks import Receiver, verify


def test_a_status_change_is_delivered_signed_and_verifiable(
    place_order, merchant, planner, factory, django_capture_on_commit_callbacks
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
    place_order, merchant, planner, factory, django_capture_on_commit_callbacks
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
    place_order, merchant, planner, factory, django_capture_on_commit_callbacks
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
    place_order, merchant, planner, factory, settings, django_capture_on_commit_callbacks
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
    place_order, merchant, planner, factory, buyer, django_capture_on_commit_callbacks
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
