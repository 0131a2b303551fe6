"""The whole chain through the real services (simulation.chain, shared with `bench chain`):
PostgreSQL under row-level security, a Celery worker on Redis, `ingest_mqtt` on Mosquitto and
daphne serving the app. Two orders go from the merchant's API call to delivery; then payroll,
the factory's dashboard, the work-order page and the merchant's tracking are read back."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings

from simulation.chain import (
    Api,
    RunningServices,
    chain_figures,
    journey_run,
    session_cookie,
    tickets_by_cell,
    wait_until,
    world_build,
)
from simulation.webhook_receiver import WebhookReceiver

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.mqtt,
    # Every app listed: the flush after the test then TRUNCATEs with CASCADE, as PostgreSQL needs.
    pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS)),
]


class _Tables(HTMLParser):
    """The text of every table cell of a page, table by table, row by row."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.tables:
            self.tables[-1][-1].append(re.sub(r"\s+", " ", "".join(self._cell)).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables_of(html: str) -> list[list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


@pytest.fixture
def chain(tmp_path):
    """A world, a webhook receiver and the running services around one journey of 2 orders."""
    world = world_build(tag="chain-e2e", operators=4, rolls=6)
    with (
        WebhookReceiver(lambda: []) as receiver,
        RunningServices(log_dir=tmp_path, tag="e2e") as services,
    ):
        result = journey_run(
            world,
            base_url=services.base_url,
            mqtt_url=services.mqtt_url,
            receiver=receiver,
            orders=2,
            timeout=90,
        )
        yield world, services, receiver, result


def test_two_orders_go_from_the_merchants_api_call_to_delivery_and_every_count_agrees(chain):
    # given two orders of 45 pieces (2 % over-cut: 48 each), placed, accepted, converted,
    # released, sewn (hanger events and phone scans), audited, packed, shipped and delivered
    world, services, receiver, result = chain
    base = services.base_url
    owner = Api(base, cookie=session_cookie(world.owner))
    merchant = Api(base, key=world.keys["merchant"])

    # when payroll calculates the period and each owner's screen is read as its user would
    figures = chain_figures(world, result, base_url=base)
    dashboard = wait_until(
        lambda: (kpi := owner.get("/dashboards/data/")["kpi"])["output"] == 96 and kpi, 60
    )
    pages = [owner.get(f"/production/work-orders/{wo}/") for wo in result.work_orders]
    progress = [merchant.get(f"/api/v1/orders/{order}/progress/") for order in result.orders]

    # then the pieces agree from the plan to the shipment, and payroll paid them exactly
    assert {key: figures[key] for key in figures if key.startswith("pieces_")} == {
        "pieces_planned": 96,
        "pieces_cut": 96,
        "pieces_recorded": 96,
        "pieces_paid": 96,
        "pieces_shipped": 96,
    }
    # the spreader's and the cutter's start and end of every lay reached the lay they name
    assert figures["lay_events_linked"] == result.machine_events == 4 * figures["lays"]
    # each of the 4 operators did one operation of the 4 on every garment, and is paid for it
    assert figures["recorded_by_worker"] == {worker.pk: 96 for worker in world.workers}
    assert figures["paid_by_worker"] == figures["recorded_by_worker"]
    # the factory's one screen counts the same garments as finished today
    assert dashboard["output"] == 96
    assert dashboard["operators_today"] == 4
    # the work-order page: every operation completed 48 times, 48 finished per work order
    for wo, html in zip(result.work_orders, pages, strict=True):
        operations, cells = tables_of(html)[:2]
        assert [row[3] for row in operations[1:]] == ["48", "48", "48", "48"]
        assert sum(int(row[5]) for row in cells[1:]) == sum(tickets_by_cell(wo).values()) == 48
    # the merchant's tracking: delivered, everything ordered finished, all 48 cut and shipped
    assert [
        (p["status"], p["ordered"], p["finished"], p["cut"], p["shipped"]) for p in progress
    ] == [
        ("delivered", 45, 45, 48, 48),
        ("delivered", 45, 45, 48, 48),
    ]


def test_the_merchants_receiver_gets_every_order_event_signed_with_its_secret(chain):
    # given the journey above, with the merchant's endpoint registered over its API token
    world, services, receiver, result = chain
    merchant = Api(services.base_url, key=world.keys["merchant"])

    # when the merchant reads its delivery log
    deliveries = merchant.all("/api/v1/webhook-deliveries/")

    # then each order's five status changes arrived, each signature verified, none refused
    assert receiver.refused == []
    assert result.webhooks_verified == result.webhooks_expected == len(deliveries) == 10
    assert {d["status"] for d in deliveries} == {"delivered"}
    by_order: dict[str, list[str]] = {}
    for event in receiver.verified:
        by_order.setdefault(event["order"], []).append(event["status"])
    assert {number: sorted(statuses) for number, statuses in by_order.items()} == {
        number: sorted(["placed", "accepted", "in_production", "shipped", "delivered"])
        for number in by_order
    }
    assert len(by_order) == 2
