"""One short journey per role, each at 390 px and 1366 px, in a world of every tenant kind
(tests/worlds): the person signs in, goes where their home or menu takes them, does the one
thing their day is about, and the outcome is read back from the database. No page may answer
5xx; screenshots go to artifacts/journeys/<role>-<width>.png."""

import datetime as dt
from decimal import Decimal

import pytest

from core.models import Invitation
from core.roles import Role
from inventory import services as inventory_services
from inventory.models import PurchaseOrder
from payroll.models import PayPeriod, Payslip
from production.models import ConversionJob, Inspection, OperationRecord, ScheduleEntry
from tests.browser.harness import BROWSER_MARKS, Visit
from tests.browser.journey import JOURNEYS, VIEWPORTS
from tests.factories import (
    BundleFactory,
    OrderFactory,
    OrderLineFactory,
    SewingLineFactory,
    released,
)
from tests.pdfs import pdf_text
from tests.worlds import build_world

pytestmark = BROWSER_MARKS


@pytest.fixture
def world(server):
    return build_world("rj")


@pytest.fixture(params=list(VIEWPORTS))
def width(request):
    return request.param


def visit_as(browser, server, world, role, width) -> Visit:
    return Visit(browser, server, world.users[role].username, VIEWPORTS[width], locale="en-US")


def done(visit, role, width) -> None:
    """The journey's last page on file, then no server error and no script error on the way."""
    visit.page.screenshot(path=str(JOURNEYS / f"{role}-{width}.png"), full_page=True)
    visit.close()
    assert visit.server_errors == []
    assert visit.errors == []


def click_through(visit, selector: str) -> None:
    with visit.page.expect_navigation():
        visit.page.locator(selector).first.click()


def test_owner_invites_a_person_from_the_people_page(browser, server, world, width):
    visit = visit_as(browser, server, world, Role.FACTORY_OWNER, width)
    visit.go("/people/")
    visit.page.fill("[name=username]", "13700137000")
    visit.page.select_option("[name=role]", Role.SUPERVISOR)
    click_through(visit, "form:has([name=username]) [type=submit]")

    invitation = Invitation.objects.get(username="13700137000")
    assert (invitation.organization, invitation.role) == (world.factory_org, Role.SUPERVISOR)
    assert "13700137000" in visit.page.inner_text("main")
    done(visit, "factory-owner-people", width)


def test_manager_follows_the_home_card_and_converts_an_accepted_order(
    browser, server, world, width
):
    order = OrderFactory(version=world.version, merchant=world.merchant, number="RJ-SO2")
    OrderLineFactory(order=order, size="M", colour="Black", quantity=60)
    visit = visit_as(browser, server, world, Role.FACTORY_MANAGER, width)
    visit.go("/")
    card = visit.page.locator("[data-card=orders-to-convert]")
    assert card.get_attribute("data-count") == "2"  # the world's order and this one
    click_through(visit, "[data-card=orders-to-convert]")
    visit.page.check(f"input[name=orders][value='{order.pk}']")
    click_through(visit, "form:has([name=orders]) [type=submit]")

    job = ConversionJob.objects.get(order_ids=[order.pk])
    assert visit.page.url.endswith(f"/orders/jobs/{job.pk}/")
    done(visit, "factory-manager", width)


def test_planner_moves_a_work_order_to_another_line(browser, server, world, width):
    other = SewingLineFactory(factory=world.factory, code="RJ-L2", name="Line 2")
    entry = ScheduleEntry.objects.get(work_order=world.work_order)
    visit = visit_as(browser, server, world, Role.PLANNER, width)
    visit.go("/production/schedule/")
    visit.go(f"/production/schedule/{entry.pk}/move/")
    visit.page.select_option("[name=line]", str(other.pk))
    click_through(visit, "form:has([name=line]) [type=submit]:not([name])")

    entry.refresh_from_db()
    assert entry.line_id == other.pk
    assert visit.page.url.endswith("/production/schedule/")
    done(visit, "planner", width)


def test_supervisor_scans_a_bundle_by_its_typed_number(browser, server, world, width):
    operation = world.work_order.operations.order_by("sequence").first()
    bundle = BundleFactory(lay=world.lay, number=2)  # the world's bundle 1 is already sewn
    # The material gate: nothing is recorded before the release (short fabric, released anyway).
    released(world.work_order, override_reason="Cutting the first colour")
    before = OperationRecord.objects.count()
    visit = visit_as(browser, server, world, Role.SUPERVISOR, width)

    def record(reason=None):
        visit.page.select_option("#work_order", str(world.work_order.pk))
        visit.page.locator("#bundle").press_sequentially("0002")
        visit.page.wait_for_selector("#bundle-found", state="visible")
        visit.page.fill("#badge", world.worker.badge_id)
        visit.page.select_option("#operation", str(operation.pk))
        if reason:
            visit.page.fill("[name=reason]", reason)
        click_through(visit, "#record-form button[type=submit]:not([name])")

    visit.go("/production/scan/")
    record()
    # Recording for a worker is a supervisor's entry, with a reason: the page says so.
    assert "give a reason" in visit.page.inner_text("#record-form .alert-danger")
    assert OperationRecord.objects.count() == before
    click_through(visit, "a[href$='/production/records/new/']")
    record("Badge reader down")
    assert OperationRecord.objects.count() == before + 1
    record = OperationRecord.objects.order_by("-pk").first()
    assert (record.bundle_id, record.worker_id) == (bundle.pk, world.worker.pk)
    done(visit, "supervisor", width)


def test_qc_inspector_records_an_inspection(browser, server, world, width):
    before = Inspection.objects.count()
    visit = visit_as(browser, server, world, Role.QC_INSPECTOR, width)
    visit.go("/production/quality/inspect/")
    visit.page.fill("#bundle", f"SLB:{world.bundle.pk}")
    visit.page.locator("#bundle").dispatch_event("change")
    visit.page.wait_for_selector("#bundle-found", state="visible")
    visit.page.fill("#checked_pieces", str(min(world.bundle.quantity, 5)))
    visit.page.select_option("#result", "pass")
    visit.page.click("#inspection-form button[type=submit]:not([name])")
    visit.page.wait_for_load_state("networkidle")

    assert Inspection.objects.count() == before + 1
    inspection = Inspection.objects.order_by("-pk").first()
    assert (inspection.bundle_id, inspection.checked_pieces) == (
        world.bundle.pk,
        min(world.bundle.quantity, 5),
    )
    done(visit, "qc-inspector", width)


def _confirmed_order(world) -> PurchaseOrder:
    """The world's draft purchase order, sent and confirmed by the supplier (services)."""
    order = PurchaseOrder.objects.filter(factory=world.factory, status="draft").get()
    inventory_services.purchase_order_send(order=order, by=world.owner)
    line = order.lines.get()
    inventory_services.purchase_order_confirm(
        order=order,
        organization=world.supplier,
        lines=[{"line": line.pk, "quantity": "200", "ship_date": dt.date.today()}],
        by=world.users[Role.SUPPLIER_SALES],
    )
    return order


def test_warehouse_clerk_receives_a_purchase_order(browser, server, world, width):
    order = _confirmed_order(world)
    line = order.lines.get()
    visit = visit_as(browser, server, world, Role.WAREHOUSE_CLERK, width)
    visit.go("/inventory/purchase-orders/")
    click_through(visit, f"a[href$='/purchase-orders/{order.pk}/']")
    visit.page.select_option("form:has([value=receive]) [name=line]", str(line.pk))
    visit.page.fill("form:has([value=receive]) [name=code]", "RJ-R9")
    visit.page.fill("form:has([value=receive]) [name=dye_lot]", "D9")
    visit.page.fill("form:has([value=receive]) [name=quantity]", "120")
    visit.page.select_option("form:has([value=receive]) [name=bin]", str(world.bin.pk))
    click_through(visit, "form:has([value=receive]) [type=submit]")

    line.refresh_from_db()
    assert line.received_quantity == Decimal("120")
    done(visit, "warehouse-clerk", width)


def test_supplier_confirms_a_purchase_order(browser, server, world, width):
    order = PurchaseOrder.objects.filter(factory=world.factory, status="draft").get()
    inventory_services.purchase_order_send(order=order, by=world.owner)
    visit = visit_as(browser, server, world, Role.SUPPLIER_SALES, width)
    visit.go("/inventory/purchase-orders/")
    click_through(visit, f"a[href$='/purchase-orders/{order.pk}/']")
    line = order.lines.get()
    assert visit.page.input_value(f"[name=quantity_{line.pk}]") == "200"  # not "2E+2"
    click_through(visit, "form:has([value=confirm]) [type=submit]")

    order.refresh_from_db()
    assert order.status == "confirmed"
    done(visit, "supplier", width)


def test_payroll_clerk_approves_the_period_and_prints_masked_payslips(
    browser, server, world, width, tmp_path
):
    period = world.pay_period
    for slip in Payslip.objects.filter(period=period).select_related("worker"):
        slip.worker.bank_account = "6222 0202 0000 5678"
        slip.worker.save()
    visit = visit_as(browser, server, world, Role.PAYROLL_CLERK, width)
    visit.go("/payroll/")
    click_through(visit, f"a[href$='/payroll/periods/{period.pk}/']")
    visit.page.check("#confirm")
    click_through(visit, "form:has(#confirm) [type=submit]")

    period.refresh_from_db()
    assert period.status == PayPeriod.Status.APPROVED
    # The payslips (the page's own link, with its session) show the account's last four only.
    href = visit.page.get_attribute("a[href$='payslips.pdf']", "href")
    pdf = visit.page.request.get(f"{visit.server}{href}")
    assert pdf.status == 200
    text = pdf_text(pdf.body(), tmp_path)
    assert "****5678" in text
    assert "0202" not in text
    done(visit, "payroll-clerk", width)


def test_worker_sees_their_own_pay(browser, server, world, width):
    visit = visit_as(browser, server, world, Role.WORKER, width)
    visit.go("/payroll/me/")
    text = visit.page.inner_text("main")
    # Their own name and number, and the pieces the world recorded for them today.
    assert world.worker.name in text and world.worker.employee_no in text
    assert f"Pieces today\n{world.operation_record.good_pieces}" in text
    done(visit, "worker", width)


def test_merchant_tracks_the_order(browser, server, world, width):
    visit = visit_as(browser, server, world, Role.MERCHANT_BUYER, width)
    visit.go("/dashboards/tracking/")
    order = visit.page.locator(f"[data-order='{world.order.number}']")
    # The world's bundle of 20 is sewn out of the order's 120.
    assert order.locator("tbody td").inner_text().strip() == "20/120"
    done(visit, "merchant", width)


def test_district_official_reads_the_report(browser, server, world, width):
    visit = visit_as(browser, server, world, Role.DISTRICT_OFFICIAL, width)
    visit.go("/dashboards/district/")
    assert world.factory_org.name in visit.page.inner_text("#district-factories")
    done(visit, "district-official", width)
