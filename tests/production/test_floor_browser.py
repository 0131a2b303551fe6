"""The scan station and the QC inspection page as people see them on a phone (390 px): Chromium
(Playwright, Debian's /usr/bin/chromium) against a real daphne on the test database.

A camera that cannot open says why and hands over to typing: permission refused, no camera,
and a plain-http LAN address (not a secure context, where browsers give no camera at all).
Screenshots go to artifacts/."""

import os

import pytest
from playwright.sync_api import expect

from core.roles import Role
from production.models import Inspection, OperationRecord
from tests.browser.harness import ALL_APPS, ARTIFACTS, PASSWORD, Daphne
from tests.dashboards.test_browser import PHONE, person
from tests.production.conftest import build_floor

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, available_apps=ALL_APPS),
]

LAN_HOST = "floor.test"  # a LAN name, not localhost: plain http there is not a secure context
WAIT_MS = 15000


@pytest.fixture(autouse=True)
def _fast_password_hashing():
    """The real hasher: daphne, another process, checks the passwords set here."""


@pytest.fixture
def server(transactional_db, settings, monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", f"127.0.0.1,localhost,{LAN_HOST}")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    daphne = Daphne()
    daphne.start()
    yield daphne
    daphne.stop()


@pytest.fixture
def launch():
    """Starts Chromium with a fake camera (so that a refusal is the permission's, not a missing
    device's) or with none."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browsers = []

        def start(*, camera: bool):
            args = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]
            args.append(f"--host-resolver-rules=MAP {LAN_HOST} 127.0.0.1")
            if camera:
                args.append("--use-fake-device-for-media-stream")
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                headless=True,
                args=args,
            )
            browsers.append(browser)
            return browser

        yield start
        for browser in browsers:
            browser.close()


@pytest.fixture
def floor(transactional_db):
    floor = build_floor(tag="p")
    floor.second = build_floor(floor.factory, tag="q")  # also has a bundle 0001
    worker = person(floor.factory.organization, Role.WORKER, "operator")
    floor.workers[0].user = worker
    floor.workers[0].save(update_fields=["user"])
    person(floor.factory.organization, Role.QC_INSPECTOR, "inspector")
    return floor


def signed_in(chromium, base: str, username: str, *, permissions=()):
    args = {"viewport": {"width": PHONE[0], "height": PHONE[1]}, "locale": "en-US"}
    context = chromium.new_context(**args, permissions=list(permissions))
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    # The first request of a fresh server can be slow on a busy machine: wait for the redirect.
    page.wait_for_url(lambda url: "/login/" not in url, timeout=60000)
    page.errors = errors
    return page


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_refused_camera_says_why_and_the_typed_ticket_records(server, launch, floor):
    # Given the operator on the scan page of a phone with a camera (a secure context: the
    # browser may ask for it), the camera permission not granted
    page = signed_in(launch(camera=True), server.url, "operator")
    page.goto(f"{server.url}/production/scan/")

    # When the camera is refused (headless Chromium answers the prompt "block")
    page.click("[data-scan-into=bundle]")

    # Then the page says why, offers typing, and the ticket's field has the focus
    problem = page.locator("#camera-problem")
    expect(problem).to_be_visible(timeout=WAIT_MS)
    assert problem.get_attribute("data-reason") == (
        "The camera permission was refused for this site."
    )
    assert "Type the number printed on the ticket or badge instead." in problem.inner_text()
    assert page.evaluate("document.activeElement.id") == "bundle"
    shot(page, "floor-scan-camera-refused-390")

    # And typing the big number, then choosing which work order, records that bundle
    page.locator("#bundle").press_sequentially("0001")  # typed: the picker asks on keyup
    expect(page.locator("#bundle-candidates button")).to_have_count(2, timeout=WAIT_MS)
    shot(page, "floor-scan-which-work-order-390")
    page.click(f"[data-pick-work-order='{floor.work_order.pk}']")
    expect(page.locator("#bundle-found")).to_be_visible(timeout=WAIT_MS)
    page.fill("#badge", floor.workers[0].badge_id)
    page.select_option("#operation", str(floor.operations[0].pk))
    page.click("#record-form button[type=submit]:not([name])")
    page.wait_for_load_state("networkidle")
    record = OperationRecord.objects.get()
    assert (record.bundle_id, record.work_order_id) == (floor.bundles[0].pk, floor.work_order.pk)
    assert page.errors == []


def test_a_granted_camera_on_a_device_without_one_says_there_is_none(server, launch, floor):
    page = signed_in(launch(camera=False), server.url, "operator", permissions=["camera"])
    page.goto(f"{server.url}/production/scan/")

    page.click("[data-scan-into=badge]")

    problem = page.locator("#camera-problem")
    expect(problem).to_be_visible(timeout=WAIT_MS)
    assert problem.get_attribute("data-reason") == "This device has no camera the browser can use."
    assert page.evaluate("document.activeElement.id") == "badge"


def test_on_a_plain_http_lan_address_the_page_says_the_camera_needs_https(server, launch, floor):
    base = f"http://{LAN_HOST}:{server.port}"
    page = signed_in(launch(camera=True), base, "operator")
    page.goto(f"{base}/production/scan/")

    problem = page.locator("#camera-problem")
    expect(problem).to_be_visible(timeout=WAIT_MS)
    assert problem.get_attribute("data-reason") == (
        "The camera works only on a secure (https) address, and this page was opened over "
        "plain http."
    )
    assert page.locator("[data-scan-into=bundle]").is_disabled()
    shot(page, "floor-scan-plain-http-390")
    assert page.errors == []


def test_the_qc_inspector_inspects_through_the_page_first_time(server, launch, floor):
    page = signed_in(launch(camera=False), server.url, "inspector")
    page.goto(f"{server.url}/production/quality/inspect/")

    # The picker answers the inspector: the operations of the scanned ticket appear.
    page.fill("#bundle", f"SLB:{floor.bundles[0].pk}")
    page.locator("#bundle").dispatch_event("change")
    expect(page.locator("#bundle-found")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("#operation option")).to_have_count(4)  # "—" and the three

    # A wrong checked count is refused at its field, the defect counts kept.
    page.fill("#checked_pieces", "99")
    page.fill("#count_D01", "2")
    page.fill("#count_D06", "1")
    page.select_option("#result", "pass")
    page.click("#inspection-form button[type=submit]:not([name])")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#checked_pieces.is-invalid")).to_be_visible()
    assert page.input_value("#count_D01") == "2"
    assert page.input_value("#count_D06") == "1"
    assert Inspection.objects.count() == 0
    shot(page, "floor-inspect-refused-390")

    page.fill("#checked_pieces", "20")
    page.click("#inspection-form button[type=submit]:not([name])")
    page.wait_for_load_state("networkidle")
    assert Inspection.objects.get().defective_pieces == 3
    assert page.errors == []
