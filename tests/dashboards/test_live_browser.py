"""Live you can see: the factory screen in Chromium changes its number when a scan lands, with a
count-up and a highlight, and its badge says live, reconnecting or offline.

Two wirings of the same screen: the embedded one (in-memory channel layer: the scan is recorded
through production's API in the server's own process, as the demo does) and the scaled one
(channels-redis: the scan is recorded by production's service in this process, another process
than the server's, so the push travels through Redis).
"""

import pytest

from core.roles import Role
from tests.browser.harness import ALL_APPS, WAIT_MS, Daphne, Visit
from tests.dashboards.floor import build_floor, record
from tests.dashboards.test_browser import PHONE, person
from tests.factories import FactoryFactory, SewingLineFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, available_apps=ALL_APPS),
]


@pytest.fixture
def start_server(transactional_db, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    servers = []

    def start(**env):
        daphne = Daphne(**env)
        daphne.start()
        servers.append(daphne)
        return daphne

    yield start
    for daphne in servers:
        if daphne.process.poll() is None:
            daphne.stop()


def floor_and_screen(browser, server):
    factory = FactoryFactory()
    line = SewingLineFactory(factory=factory)
    floor = build_floor(factory, line, bundles=2)
    person(factory.organization, Role.FACTORY_MANAGER, "manager")
    visit = Visit(browser, server, "manager", PHONE)
    visit.page.goto(f"{server.url}/dashboards/")
    visit.page.wait_for_selector('#live-state[data-state="live"]', timeout=WAIT_MS)
    visit.text_becomes("#kpi-output", "0")
    return floor, visit


def record_over_the_api(visit, floor, bundle) -> None:
    """A bundle operation recorded through production's API, in the server's own process."""
    page = visit.page
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"{visit.server}/api/v1/operation-records/",
        data={
            "bundle": bundle.pk,
            "operation": floor.last.code,
            "badge": floor.worker.badge_id,
            # the manager records for the operator: a supervisor's entry, with its reason
            "source": "manual",
            "reason": "ticket scanned at the office",
        },
        headers={"X-CSRFToken": token, "Referer": visit.server + "/dashboards/"},
    )
    assert response.status == 201, response.text()


def sees_the_number_change_visibly(visit, expected: str) -> None:
    visit.text_becomes("#kpi-output", expected)
    assert visit.page.get_attribute("#live-state", "data-state") == "live"
    # a push arrived, and a card lit up as its figure changed
    assert int(visit.page.get_attribute("#dashboard", "data-updates")) >= 1
    assert int(visit.page.get_attribute("#dashboard", "data-changes")) >= 1


def goes_offline_and_back(visit, server) -> None:
    # Every state the badge takes from here on (the server's stop may outlast "reconnecting").
    visit.page.evaluate(
        """() => { window.badgeStates = [];
        const badge = document.getElementById("live-state");
        new MutationObserver(() => window.badgeStates.push(badge.dataset.state))
          .observe(badge, { attributes: true, attributeFilter: ["data-state"] }); }"""
    )
    server.stop()
    visit.page.wait_for_selector('#live-state[data-state="offline"]', timeout=WAIT_MS)
    assert visit.page.evaluate("window.badgeStates")[:3] == [
        "reconnecting",
        "reconnecting",
        "offline",
    ]
    server.start()
    visit.page.wait_for_selector('#live-state[data-state="live"]', timeout=WAIT_MS * 2)


def test_a_scan_changes_the_screens_number_on_the_in_memory_channel_layer(start_server, browser):
    # given the embedded wiring: no Redis, so the layer is the server process's memory
    server = start_server(REDIS_URL=None, CELERY_TASK_ALWAYS_EAGER="1")
    floor, visit = floor_and_screen(browser, server)
    # when a bundle's last operation is scanned through the server
    record_over_the_api(visit, floor, floor.bundles[0])
    # then the output counts up to the bundle's 20 garments and the badge says live
    sees_the_number_change_visibly(visit, "20")
    # when the server goes away, the badge says reconnecting, then offline, then live again
    goes_offline_and_back(visit, server)
    record_over_the_api(visit, floor, floor.bundles[1])
    visit.text_becomes("#kpi-output", "40")
    visit.shot("factory-screen-live-in-memory")
    down = ("ERR_CONNECTION_REFUSED", "ERR_CONNECTION_RESET", "ERR_EMPTY_RESPONSE")
    assert [e for e in visit.errors if not any(reason in e for reason in down)] == []


@pytest.mark.redis
def test_a_scan_changes_the_screens_number_over_redis(start_server, browser):
    # given the scaled wiring: the scan is recorded in this process, the screen is served by
    # another, and the push travels through channels-redis
    server = start_server()
    floor, visit = floor_and_screen(browser, server)
    # when a bundle's last operation is recorded through production's service
    record(floor, floor.bundles[0], floor.last)
    # then the screen's output counts up to 20 and the badge says live
    sees_the_number_change_visibly(visit, "20")
    goes_offline_and_back(visit, server)
    record(floor, floor.bundles[1], floor.last)
    visit.text_becomes("#kpi-output", "40")
    visit.shot("factory-screen-live-redis")
    down = ("ERR_CONNECTION_REFUSED", "ERR_CONNECTION_RESET", "ERR_EMPTY_RESPONSE")
    assert [e for e in visit.errors if not any(reason in e for reason in down)] == []
