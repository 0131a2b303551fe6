"""Merchants' CSV imports through core.tabular: the files Excel writes on Chinese Windows."""

import datetime as dt
import io

import pytest

from orders.models import DailySale, Order, OrderLine
from tests.factories import released_version

ORDER_HEADER = "外部单号,工厂,款号,颜色,尺码,数量,交期,收货地址,单价,备注\n"


@pytest.fixture
def chinese_version(factory):
    return released_version(
        factory=factory, number="衬衫-1", sizes=("S", "M"), colours=("黑色", "藏青")
    )


def upload(text: str, encoding: str, name: str = "table.csv") -> io.BytesIO:
    file = io.BytesIO(text.encode(encoding))
    file.name = name
    return file


def written():
    return Order.objects.count(), OrderLine.objects.count()


def test_a_gbk_csv_with_chinese_headers_places_its_orders(merchant_api, chinese_version):
    day = (dt.date.today() + dt.timedelta(days=50)).isoformat()
    text = ORDER_HEADER + (
        f"淘宝-1,f1,衬衫-1,黑色,S,50,{day},杭州市余杭区仓库 3 号,45.00,加急·春季\n"
        f"淘宝-1,f1,衬衫-1,藏青,M,70,{day},杭州市余杭区仓库 3 号,45.00,加急·春季\n"
    )

    response = merchant_api.post(
        "/api/v1/orders/import/", {"file": upload(text, "gbk")}, format="multipart"
    )

    assert response.status_code == 201, response.json()
    order = Order.objects.get()
    assert (order.external_ref, order.ship_to, order.notes) == (
        "淘宝-1",
        "杭州市余杭区仓库 3 号",
        "加急·春季",
    )
    assert sorted(order.lines.values_list("colour", "size", "quantity")) == [
        ("藏青", "M", 70),
        ("黑色", "S", 50),
    ]


def test_daily_sales_from_utf8_with_bom_name_the_right_row_after_a_blank_one(
    merchant_api, chinese_version
):
    today = dt.date.today().isoformat()
    text = (
        f"款号,日期,颜色,尺码,销量,库存\n衬衫-1,{today},黑色,S,3,10\n\n衬衫-1,{today},白色,S,3,10\n"
    )

    response = merchant_api.post(
        "/api/v1/daily-sales/import/", {"file": upload(text, "utf-8-sig")}, format="multipart"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["row 4"]
    assert DailySale.objects.count() == 0


def test_daily_sales_from_utf8_with_bom_are_recorded(merchant_api, chinese_version):
    today = dt.date.today().isoformat()
    text = f"款号,日期,颜色,尺码,销量,库存\n衬衫-1,{today},藏青,M,4,12\n"

    response = merchant_api.post(
        "/api/v1/daily-sales/import/", {"file": upload(text, "utf-8-sig")}, format="multipart"
    )

    assert response.status_code == 201, response.json()
    assert list(DailySale.objects.values_list("colour", "size", "quantity_sold")) == [
        ("藏青", "M", 4)
    ]


def test_a_file_in_no_known_encoding_is_a_400_and_writes_nothing(merchant_api):
    file = io.BytesIO(ORDER_HEADER.encode("gbk") + b"\x80\xff,f1\n")
    file.name = "orders.csv"

    response = merchant_api.post("/api/v1/orders/import/", {"file": file}, format="multipart")

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_file"
    assert list(response.json()["errors"]) == ["file"]
    assert written() == (0, 0)
