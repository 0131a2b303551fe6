"""HTML pages: they render for the roles that use them; labels and exports are real files."""

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from inventory import services
from inventory.models import CycleCountLine, Lot
from tests.factories import BinFactory
from tests.inventory.conftest import receive
from tests.pdfs import assert_every_font_embedded, qr_payloads

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocked(factory, supplier, fabric, bin_a, clerk, offer):
    _order, (roll,) = receive(
        factory=factory,
        supplier=supplier,
        material=fabric,
        bin=bin_a,
        lots=[("R1", "40", "D1")],
        by=clerk,
    )
    return roll


@pytest.mark.parametrize(
    "url",
    [
        "/inventory/",
        "/inventory/value/",
        "/inventory/purchase-orders/",
        "/inventory/shortages/",
        "/inventory/suppliers/",
        "/inventory/counts/",
    ],
)
def test_pages_render_for_the_manager(client, manager, stocked, url):
    client.force_login(manager)
    assert client.get(url).status_code == 200


def test_the_stock_page_shows_available_stock(client, manager, stocked):
    client.force_login(manager)
    page = client.get("/inventory/").content.decode()
    assert "FAB-POP-BLK" in page and "40" in page


def test_lot_label_is_a_pdf_with_its_font_embedded_and_a_scannable_qr(
    client, clerk, stocked, tmp_path
):
    client.force_login(clerk)
    response = client.get(f"/inventory/lots/{stocked.pk}/label.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert_every_font_embedded(response.content)
    assert qr_payloads(response.content, tmp_path) == [stocked.label_payload]


def test_stock_export_is_a_workbook_of_lots(client, clerk, stocked):
    client.force_login(clerk)
    response = client.get("/inventory/export/stock.xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:7] == ("FAB-POP-BLK", stocked.material.name, "Fabric", "R1", "D1", "A-01", 40)


def test_moves_export_lists_every_move(client, clerk, stocked):
    client.force_login(clerk)
    response = client.get("/inventory/export/moves.xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [(row[1], row[3], row[6]) for row in rows[1:]] == [("Receipt", "R1", 40)]


def test_the_supplier_confirms_on_the_portal_page(
    client, supplier_user, factory, supplier, fabric, manager
):
    order = services.purchase_order_create(
        factory=factory,
        supplier=supplier,
        lines=[{"material": fabric, "quantity": "10", "need_date": dt.date.today()}],
        by=manager,
    )
    services.purchase_order_send(order=order, by=manager)
    line = order.lines.get()
    client.force_login(supplier_user)
    client.post(
        f"/inventory/purchase-orders/{order.pk}/",
        {"action": "confirm", f"quantity_{line.pk}": "9", f"ship_date_{line.pk}": "2030-03-01"},
    )
    line.refresh_from_db()
    assert (line.confirmed_quantity, line.confirmed_ship_date) == (9, dt.date(2030, 3, 1))


def test_the_supplier_sees_a_round_quantity_as_written_not_in_exponent_form(
    client, supplier_user, factory, supplier, fabric, manager
):
    order = services.purchase_order_create(
        factory=factory,
        supplier=supplier,
        lines=[{"material": fabric, "quantity": "200", "need_date": dt.date.today()}],
        by=manager,
    )
    services.purchase_order_send(order=order, by=manager)
    line = order.lines.get()
    client.force_login(supplier_user)

    response = client.get(f"/inventory/purchase-orders/{order.pk}/")

    field = response.context["confirm_form"][f"quantity_{line.pk}"]
    assert str(field.value()) == "200"
    assert 'value="2E+2"' not in response.content.decode()


def test_the_supplier_cannot_open_the_stock_pages(client, supplier_user):
    client.force_login(supplier_user)
    assert client.get("/inventory/").status_code == 403


def test_a_count_on_the_phone_scans_a_bin_and_posts(client, clerk, stocked):
    client.force_login(clerk)
    response = client.post("/inventory/counts/", {"barcode": "BIN:A-01"})
    count_url = response["Location"]
    client.post(count_url, {"action": "submit", "lot_R1": "40"})
    page = client.get(count_url).content.decode()
    assert "Posted" in page


def test_an_unknown_bin_on_the_phone_shows_the_error(client, clerk, stocked):
    client.force_login(clerk)
    page = client.post("/inventory/counts/", {"barcode": "BIN:NOPE"}, follow=True)
    assert "This barcode is not known here." in page.content.decode()


@pytest.fixture
def sent_order(factory, supplier, fabric, manager):
    order = services.purchase_order_create(
        factory=factory,
        supplier=supplier,
        lines=[{"material": fabric, "quantity": "100", "need_date": dt.date.today()}],
        by=manager,
    )
    return services.purchase_order_send(order=order, by=manager)


def test_receiving_a_roll_without_its_dye_lot_is_refused_at_the_field(
    client, clerk, sent_order, bin_a
):
    line = sent_order.lines.get()
    client.force_login(clerk)

    response = client.post(
        f"/inventory/purchase-orders/{sent_order.pk}/",
        {"action": "receive", "line": line.pk, "bin": bin_a.pk, "code": "R9", "quantity": "30"},
    )

    assert response.status_code == 200
    assert response.context["receive_form"].errors["dye_lot"] == ["Required."]
    assert 'value="R9"' in response.content.decode()
    assert Lot.objects.filter(code="R9").count() == 0


def test_another_factorys_bin_is_not_a_valid_choice(client, clerk, sent_order):
    stranger = BinFactory(code="X-01")  # a bin of another factory
    line = sent_order.lines.get()
    client.force_login(clerk)

    response = client.post(
        f"/inventory/purchase-orders/{sent_order.pk}/",
        {"action": "receive", "line": line.pk, "bin": stranger.pk, "code": "R9", "quantity": "30"},
    )

    assert list(response.context["receive_form"].errors) == ["bin"]
    assert Lot.objects.filter(code="R9").count() == 0


def test_a_confirmed_quantity_that_is_not_a_number_stays_at_its_line(
    client, supplier_user, sent_order
):
    line = sent_order.lines.get()
    client.force_login(supplier_user)

    response = client.post(
        f"/inventory/purchase-orders/{sent_order.pk}/",
        {"action": "confirm", f"quantity_{line.pk}": "nine", f"ship_date_{line.pk}": "2030-03-01"},
    )

    assert response.context["confirm_form"].errors[f"quantity_{line.pk}"] == ["Enter a number."]
    line.refresh_from_db()
    assert line.confirmed_quantity is None


def test_a_negative_count_is_refused_at_its_lot(client, clerk, stocked):
    client.force_login(clerk)
    count_url = client.post("/inventory/counts/", {"barcode": "BIN:A-01"})["Location"]

    response = client.post(count_url, {"action": "record", "lot_R1": "-3"})

    form = response.context["form"]
    assert form.errors["lot_R1"] == ["Invalid."]
    assert form.top_errors == ["A counted quantity is zero or more."]
    assert 'value="-3"' in response.content.decode()
    assert CycleCountLine.objects.get().counted_quantity is None
