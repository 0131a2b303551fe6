"""Pre-cost and quotations: exact figures on a small world, the quotation's transitions, and
partners never seeing cost.

The world: sizes S and M; fabric FAB-A (S 1.00 m, M 1.20 m, wastage 5 %) with a preferred
supplier offer at ¥20 (its moving average, ¥18, is not used); buttons BTN-A (4 a garment, no
wastage) with no offer, at their moving average ¥0.125; SAM 0.8 + 1.2 = 2.0 minutes at
¥0.35 a minute; overhead 10 %.

    S: material 1.05 × 20 + 4 × 0.125 = 21.50, labour 0.70, overhead 2.22, total 24.42
    M: material 1.26 × 20 + 0.50      = 25.70, labour 0.70, overhead 2.64, total 29.04
"""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client

from core.errors import DomainError, NotAllowed
from core.roles import OrgKind
from core.services import api_token_create
from factories.clock import factory_today
from inventory.selectors import material_current_prices
from orders.models import Order, Quotation, QuotationLine, WebhookDelivery
from orders.services import (
    order_create,
    quotation_accept,
    quotation_create,
    quotation_decline,
    quotation_send,
    quotations_expire,
)
from payroll.costing import version_pre_cost, version_prices
from tests.audit_trail import moves_of
from tests.factories import (
    BomLineFactory,
    MaterialFactory,
    OrganizationFactory,
    QuotationFactory,
    RoutingOperationFactory,
    StyleFactory,
    StyleVersionFactory,
    SupplierItemFactory,
    TrimFactory,
    WebhookEndpointFactory,
)

D = Decimal


@pytest.fixture
def costed(factory):
    factory.overhead_pct = D("10.00")
    factory.save(update_fields=["overhead_pct"])
    version = StyleVersionFactory(
        style=StyleFactory(factory=factory, number="CST-1"), sizes=["S", "M"], colours=["Black"]
    )
    BomLineFactory(
        version=version,
        sequence=1,
        material_code="FAB-A",
        consumption={"S": "1.00", "M": "1.20"},
        wastage_pct=D("5.00"),
    )
    BomLineFactory(
        version=version,
        sequence=2,
        material_code="BTN-A",
        unit="pc",
        consumption={"S": "4", "M": "4"},
        wastage_pct=D("0.00"),
        is_main_fabric=False,
    )
    RoutingOperationFactory(version=version, sequence=1, sam=D("0.800"))
    RoutingOperationFactory(version=version, sequence=2, sam=D("1.200"))
    fabric = MaterialFactory(factory=factory, code="FAB-A", average_cost=D("18.0000"))
    SupplierItemFactory(material=fabric, unit_price=D("20.0000"), is_preferred=True)
    TrimFactory(factory=factory, code="BTN-A", average_cost=D("0.1250"))
    return version


def _create(factory, merchant, version, planner, **overrides):
    kwargs = {
        "factory": factory,
        "merchant": merchant,
        "version": version,
        "valid_until": factory_today(factory) + dt.timedelta(days=14),
        "margin_pct": "20",
        "prices": version_prices(version),
        "by": planner,
    }
    kwargs.update(overrides)
    return quotation_create(**kwargs)


@pytest.fixture
def quotation(factory, merchant, costed, planner):
    return _create(factory, merchant, costed, planner)


@pytest.fixture
def sent(quotation, planner, factory):
    return quotation_send(quotation=quotation, by=planner, acting=factory.organization)


# --- prices and pre-cost -------------------------------------------------------------------
def test_current_price_is_the_preferred_offer_else_the_moving_average_else_missing(factory, costed):
    MaterialFactory(factory=factory, code="NEW-1", average_cost=D("0"))

    prices = material_current_prices(factory, ["FAB-A", "BTN-A", "NEW-1", "NONE"])

    assert prices == {"FAB-A": D("20.0000"), "BTN-A": D("0.1250")}


def test_pre_cost_per_size_with_its_breakdown(costed):
    pre_cost = version_pre_cost(costed)

    assert [(s.size, s.material, s.labour, s.overhead, s.total) for s in pre_cost.sizes] == [
        ("S", D("21.50"), D("0.70"), D("2.22"), D("24.42")),
        ("M", D("25.70"), D("0.70"), D("2.64"), D("29.04")),
    ]
    fabric_m = pre_cost.for_size("M").materials[0]
    assert (fabric_m.quantity, fabric_m.price, fabric_m.amount) == (
        D("1.2600"),
        D("20.0000"),
        D("25.2000"),
    )
    assert (pre_cost.sam, pre_cost.missing_prices) == (D("2.000"), [])


def test_a_material_without_a_price_is_flagged_not_costed_at_zero(costed):
    BomLineFactory(version=costed, sequence=3, material_code="LBL-X", consumption={"S": "1"})

    pre_cost = version_pre_cost(costed)

    assert pre_cost.missing_prices == ["LBL-X"]
    assert not pre_cost.is_complete
    label = pre_cost.for_size("S").materials[2]
    assert (label.price, label.amount) == (None, None)


def test_a_quotation_of_an_incomplete_pre_cost_is_refused_and_writes_nothing(
    factory, merchant, costed, planner
):
    BomLineFactory(version=costed, sequence=3, material_code="LBL-X", consumption={"S": "1"})

    with pytest.raises(DomainError) as refused:
        _create(factory, merchant, costed, planner)

    assert refused.value.code == "pre_cost_incomplete"
    assert (Quotation.objects.count(), QuotationLine.objects.count()) == (0, 0)


# --- quotations ---------------------------------------------------------------------------
def test_a_quotation_prices_each_size_from_its_pre_cost_and_margin(quotation):
    lines = list(quotation.lines.order_by("pk").values_list("size", "unit_cost", "unit_price"))

    # price = cost ÷ (1 − 20 %): 24.42 ÷ 0.8 = 30.525 → 30.53; 29.04 ÷ 0.8 = 36.30
    assert lines == [("S", D("24.42"), D("30.53")), ("M", D("29.04"), D("36.30"))]
    assert (quotation.status, quotation.margin_pct) == ("draft", D("20.00"))


def test_a_target_price_gives_every_size_that_price_and_the_smallest_margin(
    factory, merchant, costed, planner
):
    quotation = _create(
        factory, merchant, costed, planner, margin_pct=None, target_price=D("40.00")
    )

    prices = list(quotation.lines.values_list("unit_price", flat=True))
    # S: (40 − 24.42) ÷ 40 = 38.95 %; M: (40 − 29.04) ÷ 40 = 27.40 %
    assert (prices, quotation.margin_pct) == ([D("40.00"), D("40.00")], D("27.40"))


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"margin_pct": "120"}, "margin_pct"),
        ({"margin_pct": "abc"}, "margin_pct"),
        ({"margin_pct": "10", "target_price": "40"}, "margin_pct"),
        ({"margin_pct": None}, "margin_pct"),
        ({"valid_until": dt.date(2000, 1, 1)}, "valid_until"),
    ],
)
def test_invalid_quotation_input_is_refused_and_writes_nothing(
    factory, merchant, costed, planner, overrides, field
):
    with pytest.raises(DomainError) as refused:
        _create(factory, merchant, costed, planner, **overrides)

    assert field in refused.value.errors
    assert Quotation.objects.count() == 0


def test_a_merchant_that_is_not_a_partner_gets_no_quotation(factory, costed, planner):
    stranger = OrganizationFactory(kind=OrgKind.MERCHANT, code="m9")

    with pytest.raises(DomainError):
        _create(factory, stranger, costed, planner)

    assert Quotation.objects.count() == 0


def test_send_then_accept_is_audited(sent, buyer, merchant):
    accepted = quotation_accept(quotation=sent, by=buyer, acting=merchant)

    assert accepted.status == Quotation.Status.ACCEPTED
    assert moves_of(sent) == [("draft", "sent"), ("sent", "accepted")]


def test_the_merchant_declines_with_a_reason(sent, buyer, merchant):
    declined = quotation_decline(quotation=sent, reason="Too dear", by=buyer, acting=merchant)

    assert Quotation.objects.get(pk=declined.pk).status == Quotation.Status.DECLINED


def test_a_draft_cannot_be_accepted(quotation, buyer, merchant):
    with pytest.raises(NotAllowed) as refused:
        quotation_accept(quotation=quotation, by=buyer, acting=merchant)

    assert refused.value.code == "invalid_transition"
    assert Quotation.objects.get(pk=quotation.pk).status == Quotation.Status.DRAFT


def test_only_the_merchant_answers_and_only_the_factory_sends(quotation, sent, planner, factory):
    with pytest.raises(NotAllowed):
        quotation_accept(quotation=sent, by=planner, acting=factory.organization)

    assert Quotation.objects.get(pk=sent.pk).status == Quotation.Status.SENT


def test_a_lapsed_quotation_cannot_be_accepted_and_expires(sent, buyer, merchant, factory):
    Quotation.objects.filter(pk=sent.pk).update(
        valid_until=factory_today(factory) - dt.timedelta(days=1)
    )
    sent.refresh_from_db()

    with pytest.raises(NotAllowed) as refused:
        quotation_accept(quotation=sent, by=buyer, acting=merchant)
    assert refused.value.code == "quotation_expired"
    assert Quotation.objects.get(pk=sent.pk).status == Quotation.Status.SENT

    assert quotations_expire(factory=factory) == 1
    assert Quotation.objects.get(pk=sent.pk).status == Quotation.Status.EXPIRED


def test_sending_tells_the_merchants_webhook_prices_without_cost(
    quotation, planner, factory, merchant
):
    WebhookEndpointFactory(merchant=merchant)

    quotation_send(quotation=quotation, by=planner, acting=factory.organization)

    delivery = WebhookDelivery.objects.get()
    body = json.loads(delivery.body)
    assert delivery.event_type == "quotation.sent"
    assert body["data"]["quotation"]["lines"] == [
        {"size": "S", "unit_price": "30.53"},
        {"size": "M", "unit_price": "36.30"},
    ]
    assert "cost" not in delivery.body and "margin" not in delivery.body


# --- an order priced by an accepted quotation ---------------------------------------------
def _order(factory, merchant, version, buyer, **overrides):
    kwargs = {
        "merchant": merchant,
        "factory": factory,
        "version": version,
        "quantities": [
            {"colour": "Black", "size": "S", "quantity": 60},
            {"colour": "Black", "size": "M", "quantity": 40},
        ],
        "requested_date": factory_today(factory) + dt.timedelta(days=40),
        "ship_to": "Changsha",
        "by": buyer,
    }
    kwargs.update(overrides)
    return order_create(**kwargs)


def test_an_order_takes_its_unit_price_from_the_accepted_quotation(
    sent, buyer, merchant, factory, costed
):
    accepted = quotation_accept(quotation=sent, by=buyer, acting=merchant)

    order = _order(factory, merchant, costed, buyer, quotation=accepted)

    # (60 × 30.53 + 40 × 36.30) ÷ 100 = 32.838 → 32.84
    assert (order.unit_price, order.quotation_id) == (D("32.84"), accepted.pk)


def test_an_order_cannot_use_a_quotation_that_is_not_accepted(
    sent, buyer, merchant, factory, costed
):
    with pytest.raises(DomainError) as refused:
        _order(factory, merchant, costed, buyer, quotation=sent)

    assert "quotation" in refused.value.errors
    assert Order.objects.count() == 0


def test_an_order_with_a_quotation_and_another_price_is_refused(
    sent, buyer, merchant, factory, costed
):
    accepted = quotation_accept(quotation=sent, by=buyer, acting=merchant)

    with pytest.raises(DomainError) as refused:
        _order(factory, merchant, costed, buyer, quotation=accepted, unit_price="30.00")

    assert "unit_price" in refused.value.errors
    assert Order.objects.count() == 0


# --- partners never see cost ---------------------------------------------------------------
COST_WORDS = ("unit_cost", "margin", "overhead", "pre_cost", "notes")


@pytest.fixture
def merchant_api_client(api, merchant, buyer):
    _token, key = api_token_create(organization=merchant, name="shop", scope="write", by=buyer)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return api


def test_the_merchant_reads_a_sent_quotation_without_cost_or_margin(sent, merchant_api_client):
    listed = merchant_api_client.get("/api/v1/quotations/")
    shown = merchant_api_client.get(f"/api/v1/quotations/{sent.pk}/")

    assert listed.status_code == shown.status_code == 200
    assert shown.json()["lines"] == [
        {"size": "S", "unit_price": "30.53"},
        {"size": "M", "unit_price": "36.30"},
    ]
    for body in (listed.content.decode(), shown.content.decode()):
        assert not any(word in body for word in COST_WORDS)


def test_the_merchant_does_not_see_a_draft(quotation, merchant_api_client):
    assert merchant_api_client.get(f"/api/v1/quotations/{quotation.pk}/").status_code == 404


def test_the_merchant_accepts_through_the_api(sent, merchant_api_client):
    response = merchant_api_client.post(f"/api/v1/quotations/{sent.pk}/accept/")

    assert (response.status_code, response.json()["status"]) == (200, "accepted")


def test_the_factory_reads_cost_and_margin(sent, api, factory, planner):
    api.force_login(planner)

    shown = api.get(f"/api/v1/quotations/{sent.pk}/")

    assert shown.json()["margin_pct"] == "20.00"
    assert shown.json()["lines"][0] == {"size": "S", "unit_cost": "24.42", "unit_price": "30.53"}


@pytest.mark.parametrize(
    "path", ["/api/v1/pre-costs/{v}/", "/api/v1/work-order-costs/", "/api/v1/order-margins/"]
)
def test_the_merchant_reaches_no_costing_route(costed, merchant_api_client, path):
    assert merchant_api_client.get(path.format(v=costed.pk)).status_code in (403, 404)


def test_the_merchant_cannot_create_a_quotation(costed, merchant_api_client, factory):
    response = merchant_api_client.post(
        "/api/v1/quotations/",
        {"merchant_code": "m1", "version": costed.pk, "valid_until": "2099-01-01", "margin_pct": 5},
        format="json",
    )

    assert response.status_code == 403
    assert Quotation.objects.count() == 0


def test_partners_read_the_factory_profile_without_its_cost_settings(factory, merchant_api_client):
    shown = merchant_api_client.get(f"/api/v1/factories/{factory.pk}/").json()

    assert "overhead_pct" not in shown and "machine_hour_rate" not in shown


def test_the_factory_creates_a_quotation_through_the_api(costed, api, planner, merchant):
    api.force_login(planner)

    response = api.post(
        "/api/v1/quotations/",
        {
            "merchant_code": "m1",
            "version": costed.pk,
            "valid_until": "2099-01-01",
            "margin_pct": 20,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert [line["unit_price"] for line in response.json()["lines"]] == ["30.53", "36.30"]


def test_the_pre_cost_api_gives_the_breakdown(costed, api, planner):
    api.force_login(planner)

    body = api.get(f"/api/v1/pre-costs/{costed.pk}/").json()

    assert [(s["size"], s["total"]) for s in body["sizes"]] == [("S", "24.42"), ("M", "29.04")]


# --- pages --------------------------------------------------------------------------------
def test_the_planner_sees_the_pre_cost_page_and_drafts_a_quotation(
    costed, planner, factory, merchant
):
    client = Client()
    client.force_login(planner)

    page = client.get(f"/payroll/costing/tech-packs/{costed.pk}/")
    assert page.status_code == 200
    assert "24.42" in page.content.decode()

    response = client.post(
        f"/payroll/costing/tech-packs/{costed.pk}/",
        {
            "merchant": "m1",
            "margin_pct": "20",
            "valid_until": (factory_today(factory) + dt.timedelta(days=7)).isoformat(),
        },
    )
    quotation = Quotation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/orders/quotations/{quotation.pk}/"


def test_a_refused_quotation_form_writes_nothing(costed, planner, factory, merchant):
    client = Client()
    client.force_login(planner)

    response = client.post(
        f"/payroll/costing/tech-packs/{costed.pk}/",
        {"merchant": "m1", "margin_pct": "99", "valid_until": "2099-01-01"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["margin_pct"]
    assert Quotation.objects.count() == 0


def test_the_merchant_page_shows_prices_and_no_cost(sent, buyer, costed):
    client = Client()
    client.force_login(buyer)

    page = client.get(f"/orders/quotations/{sent.pk}/").content.decode()

    assert "30.53" in page and "36.30" in page
    assert "24.42" not in page and "29.04" not in page and "Margin" not in page
    assert client.get(f"/payroll/costing/tech-packs/{costed.pk}/").status_code == 403
    assert client.get("/payroll/costing/").status_code == 403


def test_the_merchant_accepts_on_its_page(sent, buyer):
    client = Client()
    client.force_login(buyer)

    response = client.post(f"/orders/quotations/{sent.pk}/", {"action": "accept"})

    assert response.status_code == 302
    assert Quotation.objects.get(pk=sent.pk).status == Quotation.Status.ACCEPTED


def test_a_merchant_cannot_send_on_the_page(sent, buyer):
    client = Client()
    client.force_login(buyer)

    response = client.post(f"/orders/quotations/{sent.pk}/", {"action": "send"})

    assert response.status_code == 403
    assert Quotation.objects.get(pk=sent.pk).status == Quotation.Status.SENT


def test_the_merchant_orders_at_the_quoted_prices_on_the_order_page(
    sent, buyer, merchant, factory, costed
):
    accepted = quotation_accept(quotation=sent, by=buyer, acting=merchant)
    client = Client()
    client.force_login(buyer)

    page = client.get(f"/orders/new/?version={costed.pk}&quotation={accepted.pk}")
    response = client.post(
        "/orders/new/",
        {
            "version": costed.pk,
            "q-Black-S": "60",
            "q-Black-M": "40",
            "requested_date": (factory_today(factory) + dt.timedelta(days=40)).isoformat(),
            "ship_to": "Changsha",
            "quotation": accepted.pk,
        },
    )

    assert f'<option value="{accepted.pk}" selected>' in page.content.decode()
    order = Order.objects.get()
    assert response.status_code == 302
    assert (order.unit_price, order.quotation_id) == (D("32.84"), accepted.pk)


def test_another_merchants_quotation_cannot_price_an_order_on_the_page(
    sent, buyer, merchant, factory, costed
):
    other = OrganizationFactory(kind=OrgKind.MERCHANT, code="m2")
    foreign = QuotationFactory(version=costed, merchant=other, status="accepted")
    client = Client()
    client.force_login(buyer)

    response = client.post(
        "/orders/new/",
        {
            "version": costed.pk,
            "q-Black-S": "100",
            "requested_date": (factory_today(factory) + dt.timedelta(days=40)).isoformat(),
            "ship_to": "Changsha",
            "quotation": foreign.pk,
        },
    )

    assert response.status_code == 200
    assert "quotation" in response.context["form"].errors
    assert Order.objects.count() == 0
