"""The webhook retry path through a real Celery worker on Redis (REDIS_URL) and PostgreSQL."""

import json
import os
import subprocess
import sys
import time

import pytest
from django.db import connection

from orders.models import WebhookDelivery
from orders.services import order_accept
from tests.factories import WebhookEndpointFactory
from tests.orders.hooks import Receiver, verify

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


@pytest.fixture
def worker(eager_celery, transactional_db):
    """`celery -A config worker` on the test database, with a one-second back-off base."""
    eager_celery.conf.task_always_eager = False
    eager_celery.control.purge()
    settings_dict = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.orders.worker_settings",
        "DATABASE_URL": (
            f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:"
            f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
        ),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.mark.django_db(transaction=True)
def test_the_worker_retries_a_failing_endpoint_with_back_off_until_it_answers(
    worker, place_order, merchant, planner, factory
):
    with Receiver([500, 502, 200]) as receiver:
        endpoint = WebhookEndpointFactory(merchant=merchant, url=receiver.url)
        order = place_order()
        WebhookDelivery.objects.all().delete()  # only the acceptance's delivery matters here
        order_accept(order=order, by=planner, acting=factory.organization)
        delivery = WebhookDelivery.objects.get()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and delivery.status == WebhookDelivery.Status.PENDING:
            time.sleep(0.5)
            delivery.refresh_from_db()

    assert delivery.status == WebhookDelivery.Status.DELIVERED, worker.stderr
    assert [entry["status"] for entry in delivery.attempt_log] == [500, 502, 200]
    gaps = [
        b["at"] - a["at"] for a, b in zip(receiver.received, receiver.received[1:], strict=False)
    ]
    assert gaps[1] > gaps[0] >= 0.9  # 1 s, then 2 s: the back-off doubles
    for request in receiver.received:
        assert json.loads(request["body"])["data"]["order"]["status"] == "accepted"
        assert verify(
            endpoint.secret,
            request["headers"]["Seamline-Signature"],
            request["body"],
            now=request["at"],
        )
