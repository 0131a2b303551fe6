"""Role homes: each card's count is the number of rows its linked list shows, for the acting
organization only; zero-count cards are quiet; the home is a handful of queries."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from core.home import _registered
from core.roles import OrgKind, Role
from devices.models import Alarm
from factories.clock import factory_today
from inventory.models import MaterialShortage, MrpRun, PurchaseOrder
from orders.models import Order, Quotation
from payroll.models import Dispute, PayPeriod
from production.models import FinalAudit, WorkOrder
from tests.factories import (
    DisputeFactory,
    DistrictFactory,
    FactoryFactory,
    FinalAuditFactory,
    MembershipFactory,
    OrderFactory,
    OrganizationFactory,
    PayPeriodFactory,
    PurchaseOrderFactory,
    PurchaseOrderLineFactory,
    QuotationFactory,
    StyleVersionFactory,
    UserFactory,
    WorkerFactory,
    WorkOrderFactory,
)

pytestmark = pytest.mark.django_db

S = Order.Status
W = WorkOrder.Status
P = PurchaseOrder.Status


@dataclass
class World:
    factory: object
    merchant: object
    supplier: object
    district: object
    worker_user: object


def _factory_data(factory, merchant, supplier, *, worker_user=None) -> None:
    """Orders, quotations, purchase orders, MRP shortages, work orders, alarms and pay data of
    one factory, in the numbers the expectations below count."""
    today = factory_today(factory)
    past = today - dt.timedelta(days=5)
    future = today + dt.timedelta(days=20)
    version = StyleVersionFactory(factory=factory)

    def order(status, **kw):
        return OrderFactory(version=version, merchant=merchant, status=status, **kw)

    order(S.PLACED)
    order(S.PLACED)
    order(S.DRAFT)
    order(S.ACCEPTED, requested_date=past)  # late
    order(S.ACCEPTED)
    order(S.ACCEPTED, requested_date=past, promised_date=future)  # promised later: not late
    order(S.IN_PRODUCTION, requested_date=future, promised_date=past)  # late
    order(S.DELIVERED, requested_date=past)  # done: not late
    QuotationFactory(version=version, merchant=merchant, status=Quotation.Status.DRAFT)
    QuotationFactory(version=version, merchant=merchant, status=Quotation.Status.SENT)
    QuotationFactory(version=version, merchant=merchant, status=Quotation.Status.SENT)

    def purchase(status, *need_dates):
        po = PurchaseOrderFactory(factory=factory, supplier=supplier, status=status)
        for need in need_dates:
            PurchaseOrderLineFactory(purchase_order=po, need_date=need)
        return po

    purchase(P.DRAFT)
    purchase(P.DRAFT)
    purchase(P.SENT, past, past)  # overdue, two open lines: one order
    purchase(P.SENT, future)
    purchase(P.CONFIRMED, future)
    purchase(P.PARTIAL, future)
    purchase(P.RECEIVED, past)

    def work_order(status, due):
        return WorkOrderFactory(version=version, status=status, due_date=due)

    planned_late = work_order(W.PLANNED, past)
    work_order(W.PLANNED, future)
    work_order(W.SEWING, past)
    work_order(W.DONE, past)
    work_order(W.CANCELLED, past)
    FinalAuditFactory(work_order=work_order(W.FINISHING, future))  # accepted: nothing due
    FinalAuditFactory(work_order=work_order(W.FINISHING, future), result=FinalAudit.Result.REJECTED)
    work_order(W.FINISHING, future)

    old_run = MrpRun.objects.create(factory=factory)
    latest = MrpRun.objects.create(factory=factory)
    MrpRun.objects.filter(pk=old_run.pk).update(created_at=timezone.now() - dt.timedelta(days=1))
    for run, codes in ((old_run, ["A", "B", "C"]), (latest, ["A", "B"])):
        for code in codes:
            MaterialShortage.objects.create(
                factory=factory,
                run=run,
                work_order=planned_late,
                material_code=code,
                need_date=past,
                required=Decimal("10"),
                from_stock=Decimal("2"),
                from_purchases=Decimal("0"),
                short=Decimal("8"),
            )

    now = timezone.now()
    for n, state in enumerate((Alarm.State.OPEN, Alarm.State.ACKNOWLEDGED, Alarm.State.CLEARED)):
        Alarm.objects.create(
            factory=factory,
            kind=Alarm.Kind.DEVICE_OFFLINE,
            state=state,
            subject=f"device:{n}",
            message="offline",
            opened_at=now - dt.timedelta(minutes=n),
        )

    worker = WorkerFactory(line__factory=factory, user=worker_user)
    DisputeFactory(worker=worker)
    DisputeFactory(worker=worker)
    DisputeFactory(worker=worker, status=Dispute.Status.ANSWERED, answer="Checked.")
    DisputeFactory(worker=WorkerFactory(line__factory=factory))
    PayPeriodFactory(factory=factory)
    PayPeriodFactory(
        factory=factory,
        starts_on=dt.date(2026, 2, 1),
        ends_on=dt.date(2026, 2, 28),
        status=PayPeriod.Status.PAID,
    )


@pytest.fixture
def world():
    factory = FactoryFactory(organization=OrganizationFactory(kind=OrgKind.FACTORY, code="home-f"))
    merchant = OrganizationFactory(kind=OrgKind.MERCHANT, code="home-m")
    supplier = OrganizationFactory(kind=OrgKind.SUPPLIER, code="home-s")
    worker_user = UserFactory(username="home-worker")
    _factory_data(factory, merchant, supplier, worker_user=worker_user)
    # Another tenant with the same kinds of data, and another merchant and supplier of it:
    # none of it may show on the first factory's (or its partners') homes.
    other = FactoryFactory(organization=OrganizationFactory(kind=OrgKind.FACTORY, code="home-g"))
    _factory_data(
        other,
        OrganizationFactory(kind=OrgKind.MERCHANT, code="home-m2"),
        OrganizationFactory(kind=OrgKind.SUPPLIER, code="home-s2"),
    )
    district = DistrictFactory()
    for shares in (True, True, False):
        FactoryFactory(district=district, shares_with_district=shares)
    return World(factory, merchant, supplier, district, worker_user)


def client_as(organization, role, user=None) -> Client:
    user = user or UserFactory(username=f"home-{organization.code}-{role}")
    MembershipFactory(user=user, organization=organization, role=role)
    client = Client()
    client.force_login(user)
    return client


def org_for(world, kind):
    return {
        "factory": world.factory.organization,
        "merchant": world.merchant,
        "supplier": world.supplier,
        "district": world.district.organization,
    }[kind]


def list_rows(response, key: str) -> int:
    if key == "district":
        return len(response.context["report"]["factories"])
    return len(response.context[key])


# card, who sees it, the number expected, and the context list its linked page shows
CARDS = [
    ("orders-to-accept", "factory", Role.PLANNER, 2, "orders"),
    ("orders-to-convert", "factory", Role.PLANNER, 3, "orders"),
    ("late-shipments", "factory", Role.PLANNER, 2, "orders"),
    ("quotations-to-send", "factory", Role.PLANNER, 1, "quotations"),
    ("merchant-drafts", "merchant", Role.MERCHANT_BUYER, 1, "orders"),
    ("merchant-quotations", "merchant", Role.MERCHANT_BUYER, 2, "quotations"),
    ("merchant-placed", "merchant", Role.MERCHANT_BUYER, 2, "orders"),
    ("purchase-orders-to-send", "factory", Role.WAREHOUSE_CLERK, 2, "orders"),
    ("purchase-orders-to-receive", "factory", Role.WAREHOUSE_CLERK, 2, "orders"),
    ("purchase-orders-overdue", "factory", Role.WAREHOUSE_CLERK, 1, "rows"),
    ("shortages", "factory", Role.WAREHOUSE_CLERK, 2, "shortages"),
    ("supplier-to-confirm", "supplier", Role.SUPPLIER_SALES, 2, "orders"),
    ("supplier-to-ship", "supplier", Role.SUPPLIER_SALES, 1, "orders"),
    ("work-orders-late", "factory", Role.SUPERVISOR, 2, "rows"),
    ("work-orders-to-release", "factory", Role.PLANNER, 2, "rows"),
    ("final-audits-due", "factory", Role.QC_INSPECTOR, 2, "rows"),
    ("alarms", "factory", Role.SUPERVISOR, 2, "alarms"),
    ("pay-disputes", "factory", Role.PAYROLL_CLERK, 3, "disputes"),
    ("pay-periods-unpaid", "factory", Role.PAYROLL_CLERK, 1, "periods"),
    ("my-open-questions", "factory", Role.WORKER, 2, "disputes"),
    ("district-report", "district", Role.DISTRICT_OFFICIAL, 2, "district"),
]


def test_every_registered_card_is_checked_here():
    assert {card.key for card in _registered} == {row[0] for row in CARDS}


@pytest.mark.parametrize(("key", "kind", "role", "expected", "context_key"), CARDS)
def test_a_cards_count_is_the_number_of_rows_its_list_shows(
    world, key, kind, role, expected, context_key
):
    # Given a factory, its merchant, supplier and district with work waiting, and another
    # factory with the same
    user = world.worker_user if role == Role.WORKER else None
    client = client_as(org_for(world, kind), role, user=user)

    # When the role opens its home, then follows the card
    home = client.get("/")
    cards = {card["key"]: card for card in home.context["cards"]}
    card = cards[key]
    listed = client.get(card["url"])

    # Then the card counts exactly the rows the linked list shows, and the page links there
    assert home.status_code == 200
    assert listed.status_code == 200
    assert card["count"] == expected
    assert list_rows(listed, context_key) == expected
    assert f'data-card="{key}" data-count="{expected}"' in home.content.decode()


def test_an_owner_sees_the_factorys_cards_in_a_handful_of_queries(
    world, django_assert_max_num_queries
):
    client = client_as(world.factory.organization, Role.FACTORY_OWNER)
    client.get("/")  # warm the session and the language: the count below is the steady state

    # One COUNT per card (14), one per set-up checklist item while the factory is not fully set
    # up (this world's is not: 11), and four for the request itself: session, user,
    # memberships, acting membership.
    with django_assert_max_num_queries(4 + 14 + 11):
        response = client.get("/")

    keys = [card["key"] for card in response.context["cards"]]
    assert sorted(keys) == sorted(
        [
            "orders-to-accept",
            "orders-to-convert",
            "late-shipments",
            "quotations-to-send",
            "purchase-orders-to-send",
            "purchase-orders-to-receive",
            "purchase-orders-overdue",
            "shortages",
            "work-orders-late",
            "work-orders-to-release",
            "final-audits-due",
            "alarms",
            "pay-disputes",
            "pay-periods-unpaid",
        ]
    )


@pytest.mark.parametrize(
    ("kind", "role", "keys"),
    [
        ("supplier", Role.SUPPLIER_SALES, ["supplier-to-confirm", "supplier-to-ship"]),
        ("factory", Role.WORKER, ["my-open-questions"]),
        ("factory", Role.QC_INSPECTOR, ["final-audits-due"]),
        ("factory", Role.PAYROLL_CLERK, ["pay-disputes", "pay-periods-unpaid"]),
        ("district", Role.DISTRICT_OFFICIAL, ["district-report"]),
    ],
)
def test_a_role_sees_only_its_own_cards(world, kind, role, keys):
    user = world.worker_user if role == Role.WORKER else None
    response = client_as(org_for(world, kind), role, user=user).get("/")
    assert sorted(card["key"] for card in response.context["cards"]) == sorted(keys)


def test_cards_with_nothing_waiting_are_quiet_and_come_last():
    # Given a factory with nothing to do yet but one order to accept
    factory = FactoryFactory(organization=OrganizationFactory(kind=OrgKind.FACTORY, code="calm"))
    OrderFactory(version=StyleVersionFactory(factory=factory), status=S.PLACED)
    client = client_as(factory.organization, Role.PLANNER)

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    cards = response.context["cards"]
    assert cards[0]["key"] == "orders-to-accept"
    assert cards[0]["count"] == 1
    assert cards[0]["severity"] == "warning"
    assert all(card["count"] == 0 and card["severity"] == "secondary" for card in cards[1:])
    assert response.content.decode().count("Nothing waiting") == len(cards) - 1


def test_a_worker_without_a_worker_record_sees_nothing_waiting():
    factory = FactoryFactory(organization=OrganizationFactory(kind=OrgKind.FACTORY, code="nw"))
    response = client_as(factory.organization, Role.WORKER).get("/")
    assert [(c["key"], c["count"]) for c in response.context["cards"]] == [("my-open-questions", 0)]


def test_the_home_of_a_user_without_an_organization_has_no_cards():
    client = Client()
    client.force_login(UserFactory(username="loner"))
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["cards"] == []
    assert "not a member of any organization" in response.content.decode()


def test_a_new_factorys_owner_sees_what_is_missing_before_the_first_order(client):
    # given a factory just provisioned, with nothing set up

    factory = FactoryFactory()
    owner = UserFactory()
    MembershipFactory(user=owner, organization=factory.organization, role=Role.FACTORY_OWNER)
    client.force_login(owner)

    # when the owner opens the home
    response = client.get("/")

    # then the set-up checklist lists every item, none done, each linking to its page
    items = response.context["checklist"]
    assert {item["key"] for item in items} >= {"lines", "workers", "materials", "suppliers"}
    assert not any(item["done"] for item in items)
    assert all(item["url"] for item in items)
    assert b"setup-checklist" in response.content


def test_a_checklist_item_links_only_for_the_roles_that_may_open_it(client):
    # given a new factory with an owner and a manager
    factory = FactoryFactory()
    people = {}
    for role in (Role.FACTORY_OWNER, Role.FACTORY_MANAGER):
        people[role] = UserFactory()
        MembershipFactory(user=people[role], organization=factory.organization, role=role)

    # when each opens the home
    links = {}
    for role, user in people.items():
        client.force_login(user)
        items = {item["key"]: item for item in client.get("/").context["checklist"]}
        links[role] = items["people"]["url"]

    # then the People page (the owner's) is a link for the owner only
    assert links == {Role.FACTORY_OWNER: "/people/", Role.FACTORY_MANAGER: None}
