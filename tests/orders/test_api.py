"""The orders API as an e-commerce integration uses it: token auth, Idempotency-Key, errors."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from orders.models import Order, OrderLine, StyleVersion


@pytest.fixture
def factory_api(factory, planner):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(planner)
    return client


def order_body(factory, version, **overrides):
    body = {
        "factory": factory.pk,
        "version": version.pk,
        "quantities": [
            {"colour": "Black", "size": "S", "quantity": 60},
            {"colour": "Red", "size": "M", "quantity": 40},
        ],
        "requested_date": (dt.date.today() + dt.timedelta(days=45)).isoformat(),
        "ship_to": "Hangzhou warehouse 3",
        "unit_price": "49.90",
        "external_ref": "TB-1001",
    }
    body.update(overrides)
    return body


def written():
    return Order.objects.count(), OrderLine.objects.count()


def test_a_shop_creates_an_order_and_a_retry_with_the_same_key_replays_it(
    merchant_api, factory, version
):
    body = order_body(factory, version)

    first = merchant_api.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = merchant_api.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == 201
    assert first.json()["status"] == "placed"
    assert first.json()["total_quantity"] == 100
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert written() == (1, 2)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantities": [{"colour": "Black", "size": "S", "quantity": -1}]}, "quantities[0]"),
        ({"quantities": [{"colour": "Black", "size": "S", "quantity": 0}]}, "quantities"),
        ({"quantities": [{"colour": "Black", "size": "9XL", "quantity": 80}]}, "quantities[0]"),
        ({"requested_date": "2020-01-01"}, "requested_date"),
    ],
    ids=["negative", "all-zero", "unknown-size", "past-date"],
)
def test_bad_orders_get_a_400_with_field_messages_and_write_nothing(
    merchant_api, factory, version, change, field
):
    response = merchant_api.post("/api/v1/orders/", order_body(factory, version, **change))

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert written() == (0, 0)


def test_errors_come_in_the_requests_language(merchant_api, factory, version):
    body = order_body(factory, version, requested_date="2020-01-01")

    response = merchant_api.post(
        "/api/v1/orders/", body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.json()["errors"]["requested_date"] == ["交货日期必须晚于今天。"]


def test_an_unreleased_version_is_a_400(merchant_api, factory, version):
    StyleVersion.objects.filter(pk=version.pk).update(status="draft")

    response = merchant_api.post("/api/v1/orders/", order_body(factory, version))

    assert response.status_code == 400
    assert "version" in response.json()["errors"]
    assert written() == (0, 0)


def test_a_merchant_reads_status_but_never_the_bom(merchant_api, place_order, version):
    order = place_order()

    detail = merchant_api.get(f"/api/v1/orders/{order.pk}/").json()
    tech_pack = merchant_api.get(f"/api/v1/style-versions/{version.pk}/").json()

    assert detail["status"] == "placed"
    assert [e["to"] for e in detail["events"]] == ["draft", "placed"]
    assert "bom" not in tech_pack and "operations" not in tech_pack


def test_the_merchant_cannot_accept_through_the_api(merchant_api, place_order):
    order = place_order()

    response = merchant_api.post(f"/api/v1/orders/{order.pk}/accept/")

    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == "placed"


def _csv(text: str, name="orders.csv"):
    upload = io.BytesIO(text.encode("utf-8"))
    upload.name = name
    return upload


HEADER = "external_ref,factory,style,colour,size,quantity,requested_date,ship_to,unit_price,notes\n"


def test_a_csv_import_places_one_order_per_reference(merchant_api, factory, version):
    day = (dt.date.today() + dt.timedelta(days=50)).isoformat()
    text = HEADER + "".join(
        f"{ref},f1,ST-1,{colour},{size},{qty},{day},Hangzhou,45.00,\n"
        for ref, colour, size, qty in [
            ("A-1", "Black", "S", 50),
            ("A-1", "Black", "M", 50),
            ("A-2", "Red", "L", 120),
        ]
    )

    response = merchant_api.post("/api/v1/orders/import/", {"file": _csv(text)}, format="multipart")

    assert response.status_code == 201
    assert sorted(o["external_ref"] for o in response.json()["created"]) == ["A-1", "A-2"]
    assert written() == (2, 3)


def test_a_csv_import_with_one_bad_row_reports_it_and_imports_nothing(
    merchant_api, factory, version
):
    day = (dt.date.today() + dt.timedelta(days=50)).isoformat()
    text = (
        HEADER
        + f"A-1,f1,ST-1,Black,S,100,{day},Hangzhou,45.00,\n"
        + f"A-2,f1,ST-1,Black,M,120,{day},Hangzhou,45.00,\n"
        + f"A-2,f1,ST-1,Purple,M,10,{day},Hangzhou,45.00,\n"
        + "A-3,f1,ST-1,Black,M,120,tomorrow,Hangzhou,45.00,\n"
    )

    response = merchant_api.post("/api/v1/orders/import/", {"file": _csv(text)}, format="multipart")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_import"
    assert list(response.json()["errors"]) == ["row 5"]
    assert written() == (0, 0)


def test_a_malformed_file_is_a_400_and_writes_nothing(merchant_api):
    upload = _csv("\x00\x01 not a table", name="orders.xlsx")

    response = merchant_api.post("/api/v1/orders/import/", {"file": upload}, format="multipart")

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_file"
    assert written() == (0, 0)


def test_daily_sales_with_a_bad_row_write_nothing(merchant_api, version):
    from orders.models import DailySale

    rows = [
        {
            "style": "ST-1",
            "date": dt.date.today().isoformat(),
            "colour": "Black",
            "size": "S",
            "quantity_sold": 3,
        },
        {
            "style": "ST-1",
            "date": dt.date.today().isoformat(),
            "colour": "Black",
            "size": "S",
            "quantity_sold": -3,
        },
    ]

    response = merchant_api.post("/api/v1/daily-sales/", rows, format="json")

    assert response.status_code == 400
    assert DailySale.objects.count() == 0


def test_tech_pack_workbook_round_trip_makes_a_new_draft_version(factory_api, version):
    exported = factory_api.get(f"/api/v1/style-versions/{version.pk}/workbook/")
    upload = io.BytesIO(exported.content)
    upload.name = "pack.xlsx"

    response = factory_api.post(
        "/api/v1/style-versions/import/", {"file": upload}, format="multipart"
    )

    assert response.status_code == 201
    data = response.json()
    assert (data["version"], data["status"]) == (2, "draft")
    assert data["sizes"] == version.sizes
    assert [op["sam"] for op in data["operations"]] == ["0.800", "0.800", "0.800"]
    assert {line["material_code"] for line in data["bom"]} == {
        line.material_code for line in version.bom.all()
    }


def test_a_workbook_with_bad_cells_reports_each_cell_and_writes_nothing(factory_api, version):
    book = Workbook()
    sheet = book.active
    sheet.title = "Style"
    for row in [
        ("number", "NEW-1"),
        ("name", "Coat"),
        ("category", "outerwear"),
        ("sizes", "S,M"),
        ("colours", "Grey"),
    ]:
        sheet.append(row)
    book.create_sheet("BOM").append(
        [
            "material_code",
            "description",
            "unit",
            "wastage_pct",
            "placement",
            "main_fabric",
            "S",
            "M",
        ]
    )
    book["BOM"].append(["F1", "Wool", "m", 3, "body", "Y", "1.5", "lots"])
    book.create_sheet("Routing").append(["sequence", "code", "name", "machine_type", "sam"])
    book["Routing"].append([1, "OP1", "Join", "lockstitch", -2])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "bad.xlsx"
    before = StyleVersion.objects.count()

    response = factory_api.post(
        "/api/v1/style-versions/import/", {"file": data}, format="multipart"
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"BOM!H2", "Routing!E2"}
    assert StyleVersion.objects.count() == before


def test_a_quantity_of_2_to_the_31_is_a_400_out_of_range_and_writes_nothing(
    merchant_api, factory, version
):
    # given an order body with one cell of 2**31 pieces
    body = order_body(
        factory, version, quantities=[{"colour": "Black", "size": "S", "quantity": 2**31}]
    )

    # when the shop posts it
    response = merchant_api.post("/api/v1/orders/", body, format="json")

    # then it is refused with the limit's code and message, and nothing is written
    assert response.status_code == 400
    assert response.json()["code"] == "out_of_range"
    assert response.json()["errors"]["quantities[0]"] == [
        "A quantity is a whole number from 0 to 1,000,000."
    ]
    assert written() == (0, 0)


def test_an_order_whose_cells_add_up_past_the_limit_is_refused(merchant_api, factory, version):
    cells = [{"colour": "Black", "size": s, "quantity": 600_000} for s in ("S", "M")]

    response = merchant_api.post(
        "/api/v1/orders/", order_body(factory, version, quantities=cells), format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "out_of_range"
    assert "quantities" in response.json()["errors"]
    assert written() == (0, 0)


def test_a_unit_price_over_the_money_limit_is_a_400_and_writes_nothing(
    merchant_api, factory, version
):
    body = order_body(factory, version, unit_price="100000000.00")

    response = merchant_api.post("/api/v1/orders/", body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "out_of_range"
    assert response.json()["errors"]["unit_price"] == [
        "An amount of money is from 0 to 99,999,999.99 yuan."
    ]
    assert written() == (0, 0)


def test_the_limit_message_comes_in_the_requests_language(merchant_api, factory, version):
    body = order_body(
        factory, version, quantities=[{"colour": "Black", "size": "S", "quantity": 2**31}]
    )

    response = merchant_api.post(
        "/api/v1/orders/", body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == 400
    assert response.json()["message"] == "部分数量无效。"
    assert written() == (0, 0)


def test_a_csv_import_with_a_quantity_past_the_limit_names_its_row_and_imports_nothing(
    merchant_api, factory, version
):
    day = (dt.date.today() + dt.timedelta(days=50)).isoformat()
    text = HEADER + f"A-1,f1,ST-1,Black,S,{2**31},{day},Hangzhou,45.00,\n"

    response = merchant_api.post("/api/v1/orders/import/", {"file": _csv(text)}, format="multipart")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "row 2": ["A quantity is a whole number from 0 to 1,000,000."]
    }
    assert written() == (0, 0)


def test_an_import_over_the_byte_cap_is_refused_and_imports_nothing(
    merchant_api, factory, version, settings
):
    settings.IMPORT_MAX_BYTES = 200
    day = (dt.date.today() + dt.timedelta(days=50)).isoformat()
    text = HEADER + f"A-1,f1,ST-1,Black,S,50,{day},Hangzhou,45.00,\n" * 5

    response = merchant_api.post("/api/v1/orders/import/", {"file": _csv(text)}, format="multipart")

    assert response.status_code == 400
    assert response.json()["code"] == "file_too_large"
    assert written() == (0, 0)
