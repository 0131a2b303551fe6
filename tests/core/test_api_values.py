"""The fast paths of the API answer exactly what DRF's own would: the lists read with values()
(core.api.values) and the orjson renderer (core.api.rendering)."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from core.api import values
from core.api.rendering import OrjsonRenderer
from tests.api_routes import api_routes, view_class
from tests.worlds import build_world

pytestmark = pytest.mark.django_db


def list_urls(with_values_only: bool) -> list[str]:
    urls = []
    for route, _name, entry in api_routes():
        cls = view_class(entry)
        actions = getattr(entry.callback, "actions", None) or {}
        if "<" in route or actions.get("get") != "list":
            continue
        if with_values_only and not issubclass(cls, values.ValuesListMixin):
            continue
        urls.append("/" + route.replace("^", "").replace("$", ""))
    return sorted(set(urls))


def readers(world) -> list:
    roles = ("factory_manager", "supervisor", "merchant_buyer", "supplier_sales")
    return [world.users[role] for role in roles if role in world.users]


def same_answers(client, url, monkeypatch):
    fast = client.get(url)
    with monkeypatch.context() as patch:
        patch.setattr(values.ValuesPlan, "of", classmethod(lambda *a, **k: None))
        patch.setattr(values.ValuesPlan, "of_class", classmethod(lambda *a, **k: None))
        slow = client.get(url)
    assert (fast.status_code, fast.content) == (slow.status_code, slow.content), url
    return fast


def test_the_fast_lists_answer_the_bytes_drf_answers(monkeypatch):
    # given a world with data in every model
    world = build_world("va")
    fast_urls = list_urls(with_values_only=True)
    assert {"/api/v1/orders/", "/api/v1/operation-records/", "/api/v1/workers/"} <= set(fast_urls)
    represented = []
    real_represent = values.ValuesPlan.represent
    monkeypatch.setattr(
        values.ValuesPlan,
        "represent",
        lambda plan, rows, extras: (
            represented.append(len(rows)) or real_represent(plan, rows, extras)
        ),
    )
    compared = 0
    for user in readers(world):
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(user)
        for url in fast_urls:
            # when each list answers through values() and through its serializer: the same
            response = same_answers(client, url, monkeypatch)
            compared += response.status_code == 200 and response.json()["count"] > 0
    assert compared >= 5
    assert sum(represented) > 0

    # and a dotted source across a null link is left out (or null) exactly as DRF does
    from production.models import OperationRecord

    client = Client()
    client.force_login(world.users["factory_manager"])
    OperationRecord.objects.filter(factory=world.factory).update(station=None, voided_by=None)
    same_answers(client, "/api/v1/operation-records/", monkeypatch)

    # and every list of the API renders the same bytes with orjson as with DRF's encoder
    for url in list_urls(with_values_only=False):
        response = client.get(url)
        if response.status_code == 200:
            rendered = OrjsonRenderer().render(response.data)
            assert rendered == JSONRenderer().render(response.data), url


def test_orjson_writes_drfs_bytes_for_what_the_api_answers():
    data = {
        "at": dt.datetime(2026, 11, 29, 10, 0, 0, 123456, tzinfo=dt.UTC),
        "local": dt.datetime(2026, 11, 29, 18, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        "naive": dt.datetime(2026, 11, 29, 18, 0, 5),
        "day": dt.date(2026, 12, 1),
        "time": dt.time(7, 30, 0, 250000),
        "money": Decimal("12.50"),
        "label": gettext_lazy("Cutting"),
        "id": uuid.UUID("5f0c0000-0000-4000-8000-000000000001"),
        "text": '黑色 «quoted» "x" \\ \u2028 \u2029 \x07',
        "nested": [{"a": None, "b": True, "c": 1.5, "d": -3}, [], {}],
        1: "an int key",
    }
    assert OrjsonRenderer().render(data) == JSONRenderer().render(data)
    assert OrjsonRenderer().render(None) == JSONRenderer().render(None)
    big = {"n": 2**70}
    assert OrjsonRenderer().render(big) == JSONRenderer().render(big)
    pretty = "application/json; indent=2"
    assert OrjsonRenderer().render(data, pretty) == JSONRenderer().render(data, pretty)
