"""Every form page keeps what was typed and shows the error at its field (issue 14).

For each page with a typed form: given a complete tenant world, when a user of the page's role
posts an invalid payload (in Chinese, the factory's language), then the page answers 200, every
typed value is drawn back in its control, the refused field is marked `is-invalid` with its
message next to it, and nothing was written.

A date is part of most payloads: an `<input type="date">` shows nothing unless its value is ISO,
so the kit draws every date picker in ISO whatever the language (core/forms.py)."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django import forms as django_forms
from django.test import Client
from django.utils import translation

from core.forms import PageForm
from factories.clock import factory_today
from inventory import services as inventory_services
from inventory.models import PurchaseOrderLine
from tests.worlds import build_world, pks_by_model

pytestmark = pytest.mark.django_db


class Controls(HTMLParser):
    """The page's named controls: {name: [{"value", "class", "feedback", "id"}]}, one entry a
    control of that name (a page may hold several forms); feedback is the text of the
    `invalid-feedback` after the control."""

    def __init__(self):
        super().__init__()
        self.controls: dict[str, list[dict]] = {}
        self._last = self._text_of = self._select = None
        self._feedback = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag in ("input", "textarea", "select") and name and attrs.get("type") != "hidden":
            control = {"value": attrs.get("value", ""), "class": attrs.get("class", "")}
            control.update(feedback="", id=attrs.get("id"))
            self.controls.setdefault(name, []).append(control)
            self._last = control
            if tag == "textarea":
                self._text_of = control
            if tag == "select":
                self._select = control
                control["value"] = ""
        elif tag == "option" and self._select is not None and "selected" in attrs:
            self._select["value"] = attrs.get("value", "")
        elif tag == "div" and "invalid-feedback" in (attrs.get("class") or ""):
            self._feedback = True

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._text_of = None
        elif tag == "select":
            self._select = None
        elif tag == "div":
            self._feedback = False

    def handle_data(self, data):
        if self._text_of is not None:
            self._text_of["value"] += data.strip()
        if self._feedback and self._last is not None:
            self._last["feedback"] += data.strip()


def controls_of(response) -> dict[str, list[dict]]:
    parser = Controls()
    parser.feed(response.content.decode())
    return parser.controls


@dataclass
class Case:
    """One page: who posts what where, and which field must refuse."""

    name: str
    role: str
    url: object  # world -> address
    payload: object  # world -> {field: value}
    refused: object  # the field that must show the error (or world -> it)
    kept: object = ()  # the typed fields whose values must come back (or world -> them)
    extra: dict = field(default_factory=dict)  # posted, not typed (which form of the page)


def _later(world, days=40) -> str:
    return (factory_today(world.factory) + dt.timedelta(days=days)).isoformat()


CASES = [
    Case(
        "merchant order grid",
        "merchant_buyer",
        lambda w: "/orders/new/",
        lambda w: {
            "version": w.version.pk,
            "requested_date": _later(w),
            "ship_to": "Changsha, Furong Road 8",
            "notes": "pack by size",
            f"q-{w.version.colours[0]}-{w.version.sizes[0]}": "7",
        },
        refused="unit_price",
        kept=("requested_date", "ship_to", "notes", "q-Black-S"),
    ),
    Case(
        "API token",
        "factory_owner",
        lambda w: "/tokens/",
        lambda w: {"name": "ERP link", "scope": "everything", "expires_at": "2027-03-04T10:30"},
        refused="scope",
        kept=("name", "expires_at"),
    ),
    Case(
        "people: add a member",
        "factory_owner",
        lambda w: "/people/",
        lambda w: {"username": "13800001234", "role": "no-such-role"},
        refused="role",
        kept=("username",),
    ),
    Case(
        "factory profile link",
        "factory_owner",
        lambda w: "/dashboards/profile/",
        lambda w: {"recipient": "Bank of Ningbo", "days": "999"},
        refused="days",
        kept=("recipient", "days"),
    ),
    Case(
        "device registration",
        "factory_manager",
        lambda w: "/devices/register/",
        lambda w: {
            "code": "SEW-77",
            "name": "Juki left",
            "kind": "no-such-kind",
            "protocol": "mqtt",
            "vendor": "Juki",
        },
        refused="kind",
        kept=("code", "name", "vendor"),
    ),
    Case(
        "partnership invitation",
        "factory_owner",
        lambda w: "/factories/partners/invite/",
        lambda w: {"partner_code": "no-such-partner"},
        refused="partner_code",
        kept=("partner_code",),
    ),
    Case(
        "webhook endpoint",
        "merchant_buyer",
        lambda w: "/orders/webhooks/",
        lambda w: {"url": "not a url at all"},
        refused="url",
        kept=("url",),
    ),
    Case(
        "pay period",
        "payroll_clerk",
        lambda w: "/payroll/",
        lambda w: {"starts_on": "2027-02-01", "kind": "fortnightly-ish"},
        refused="kind",
        kept=("starts_on",),
    ),
    Case(
        "pay adjustment",
        "payroll_clerk",
        lambda w: f"/payroll/periods/{w.pay_period.pk}/adjustments/",
        lambda w: {"worker": w.worker.pk, "amount": "12.5x", "reason": "Bonus for the rush"},
        refused="amount",
        kept=("worker", "reason"),
    ),
    Case(
        "attendance clock",
        "payroll_clerk",
        lambda w: "/payroll/attendance/",
        lambda w: {
            "worker": w.worker.pk,
            "at": "2027-01-05T08:15",
            "direction": "sideways",
            "reason": "forgot the badge",
        },
        refused="direction",
        kept=("worker", "at", "reason"),
        extra={"clock": "1"},
    ),
    Case(
        "time entry",
        "payroll_clerk",
        lambda w: "/payroll/attendance/",
        lambda w: {
            "worker": w.worker.pk,
            "day": "2027-01-05",
            "kind": "overtime",
            "minutes": "5000",
            "reason": "night shipment",
        },
        refused="minutes",
        kept=("worker", "day", "minutes", "reason"),
        extra={"time": "1"},
    ),
    Case(
        "rate adjustment",
        "payroll_clerk",
        lambda w: "/payroll/rates/",
        lambda w: {"kind": "grade", "grade": "-3", "multiplier": "1.2", "reason": "hard fabric"},
        refused="grade",
        kept=("grade", "multiplier", "reason"),
        extra={"adjustment": "1"},
    ),
    Case(
        "cost settings",
        "factory_owner",
        lambda w: "/payroll/costing/settings/",
        lambda w: {"overhead_pct": "abc", "machine_hour_rate": "12.50"},
        refused="overhead_pct",
        kept=("machine_hour_rate",),
    ),
    Case(
        "quotation from the pre-cost",
        "factory_manager",
        lambda w: f"/payroll/costing/tech-packs/{w.version.pk}/",
        lambda w: {
            "merchant": "no-such-merchant",
            "margin_pct": "18",
            "valid_until": _later(w, 20),
            "notes": "FOB Ningbo",
        },
        refused="merchant",
        kept=("margin_pct", "valid_until", "notes"),
    ),
    Case(
        "purchase order confirmation by the supplier",
        "supplier_sales",
        lambda w: f"/inventory/purchase-orders/{w.sent_order.pk}/",
        lambda w: {
            f"quantity_{_sent_line(w).pk}": "fifty",
            f"ship_date_{_sent_line(w).pk}": _later(w, 25),
        },
        refused=lambda w: f"quantity_{_sent_line(w).pk}",
        kept=lambda w: (f"quantity_{_sent_line(w).pk}", f"ship_date_{_sent_line(w).pk}"),
        extra={"action": "confirm"},
    ),
    Case(
        "cycle count start",
        "warehouse_clerk",
        lambda w: "/inventory/counts/",
        lambda w: {"barcode": "BIN:NOWHERE-9"},
        refused="barcode",
        kept=("barcode",),
    ),
]


def _sent_line(world):
    return world.sent_order.lines.get()


@pytest.fixture
def world():
    world = build_world("keep")
    # A purchase order the supplier has still to confirm.
    line = (
        PurchaseOrderLine.objects.filter(factory=world.factory).select_related("material").first()
    )
    world.sent_order = inventory_services.purchase_order_send(
        order=inventory_services.purchase_order_create(
            factory=world.factory,
            supplier=world.supplier,
            lines=[
                {
                    "material": line.material,
                    "quantity": Decimal("50"),
                    "need_date": factory_today(world.factory) + dt.timedelta(days=30),
                }
            ],
            by=world.owner,
        ),
        by=world.owner,
    )
    return world


def test_every_form_page_keeps_the_input_and_shows_the_error_at_its_field(world):
    # Given the world, its users signed in (a sign-in is audited), and what it holds
    clients = {}
    for role in {case.role for case in CASES}:
        clients[role] = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        clients[role].force_login(world.users[role])
    before = pks_by_model()
    failures = []
    for case in CASES:
        client = clients[case.role]
        payload = case.payload(world)

        # When the invalid payload is posted
        response = client.post(case.url(world), {**payload, **case.extra})

        # Then the page comes back with the values and the error at the field
        if response.status_code != 200:
            failures.append(f"{case.name}: status {response.status_code}")
            continue
        controls = controls_of(response)
        kept = case.kept(world) if callable(case.kept) else case.kept
        refused_name = case.refused(world) if callable(case.refused) else case.refused
        ids = [c["id"] for cs in controls.values() for c in cs if c["id"]]
        if len(ids) != len(set(ids)):
            failures.append(f"{case.name}: two controls share an id: {sorted(ids)}")
        for name in kept:
            shown = [c["value"] for c in controls.get(name, [])]
            if str(payload[name]) not in shown:
                failures.append(f"{case.name}: {name} shows {shown!r}, typed {payload[name]!r}")
        named = controls.get(refused_name, [])
        refused = [c for c in named if "is-invalid" in c["class"] and c["feedback"]]
        if len(refused) != 1:
            failures.append(f"{case.name}: no error at {refused_name}: {named}")
    assert failures == [], "\n".join(failures)
    # and nothing was written
    assert pks_by_model() == before


def test_a_date_picker_draws_its_date_in_iso_in_chinese():
    # Given a page form whose date and date-time fields were declared without a format
    class Dated(PageForm):
        day = django_forms.DateField(widget=django_forms.DateInput())
        at = django_forms.DateTimeField()

    form = Dated(initial={"day": dt.date(2026, 12, 5), "at": dt.datetime(2026, 12, 5, 8, 30)})

    # When it is drawn in Chinese (whose first date format is "2026/12/05")
    with translation.override("zh-hans"):
        day, at = str(form["day"]), str(form["at"])

    # Then the browser's pickers get ISO, which they can show
    assert 'type="date"' in day and 'value="2026-12-05"' in day
    assert 'type="datetime-local"' in at and 'value="2026-12-05T08:30"' in at


def test_a_hidden_date_is_left_as_it_is():
    # Given a page form with a hidden date (sent back as it was, never typed)
    class Hidden(PageForm):
        day = django_forms.DateField(widget=django_forms.HiddenInput)

    # When it is drawn in Chinese
    with translation.override("zh-hans"):
        html = str(Hidden(initial={"day": dt.date(2026, 12, 5)})["day"])

    # Then it stays a hidden input with the date as Python writes it
    assert html == '<input type="hidden" name="day" value="2026-12-05" id="id_day">'
