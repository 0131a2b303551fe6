"""Bulk imports by merchants: orders and daily sales from CSV or Excel, all rows or none."""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.models import Organization, User
from core.tabular import read_table
from factories.models import Factory
from orders.models import Style, StyleVersion
from orders.services.lifecycle import order_create
from orders.services.sales import daily_sales_record

ORDER_COLUMNS = [
    "external_ref",
    "factory",
    "style",
    "colour",
    "size",
    "quantity",
    "requested_date",
    "ship_to",
    "unit_price",
    "notes",
]
SALES_COLUMNS = ["style", "date", "colour", "size", "quantity_sold", "stock_on_hand"]
# The headers a Chinese merchant's own spreadsheet uses, accepted beside the column names.
ORDER_HEADERS = {
    "外部单号": "external_ref",
    "工厂": "factory",
    "款号": "style",
    "颜色": "colour",
    "尺码": "size",
    "数量": "quantity",
    "交期": "requested_date",
    "收货地址": "ship_to",
    "单价": "unit_price",
    "备注": "notes",
}
SALES_HEADERS = {
    "款号": "style",
    "日期": "date",
    "颜色": "colour",
    "尺码": "size",
    "销量": "quantity_sold",
    "库存": "stock_on_hand",
}


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text.strip()[:10])


def _missing_columns(rows, required) -> list[str]:
    present = set(rows[0]) if rows else set()
    return [column for column in required if column not in present]


def _refuse(errors: dict) -> None:
    if errors:
        raise DomainError(
            _("The file has errors; nothing was imported. Fix the rows listed and upload again."),
            code="invalid_import",
            errors=errors,
        )


@transaction.atomic
def orders_import(*, merchant: Organization, upload, by: User | None) -> list:
    """Place one order per `external_ref` group of rows; any error anywhere imports nothing.

    Errors are reported per spreadsheet row (`row 2`, `row 3` …; the header is row 1).
    """
    rows = read_table(upload, aliases=ORDER_HEADERS)
    missing = _missing_columns(rows, [c for c in ORDER_COLUMNS if c != "notes"])
    if not rows or missing:
        _refuse({"file": [_("Missing columns: %(c)s") % {"c": ", ".join(missing) or "—"}]})
    errors: dict[str, list] = {}
    groups: dict[str, list[tuple[int, dict]]] = defaultdict(list)
    factories = {
        f.organization.code: f
        for f in Factory.objects.visible_to(merchant).select_related("organization")
    }
    for row in rows:
        number, problems = row.number, []
        if not row["external_ref"]:
            problems.append(_("external_ref is required."))
        if row["factory"] not in factories:
            problems.append(_("factory: not a partner factory's code."))
        try:
            _date(row["requested_date"])
        except ValueError:
            problems.append(_("requested_date: use YYYY-MM-DD."))
        if problems:
            errors[f"row {number}"] = problems
        groups[row["external_ref"]].append((number, row))
    _refuse(errors)

    created = []
    for ref, group in groups.items():
        first = group[0][1]
        factory = factories[first["factory"]]
        style = (
            Style.objects.visible_to(merchant)
            .filter(factory=factory, number=first["style"])
            .first()
        )
        version = (
            StyleVersion.objects.visible_to(merchant)
            .filter(style=style)
            .order_by("-version")
            .first()
            if style
            else None
        )
        rows_label = ", ".join(str(n) for n, _row in group)
        if version is None:
            errors[f"row {group[0][0]}"] = [_("style: no released style with this number.")]
            continue
        try:
            with transaction.atomic():
                created.append(
                    order_create(
                        merchant=merchant,
                        factory=factory,
                        version=version,
                        quantities=[
                            {"colour": r["colour"], "size": r["size"], "quantity": r["quantity"]}
                            for _n, r in group
                        ],
                        requested_date=_date(first["requested_date"]),
                        ship_to=first["ship_to"],
                        unit_price=first["unit_price"] or "0",
                        notes=first.get("notes", ""),
                        external_ref=ref,
                        by=by,
                    )
                )
        except DomainError as error:
            messages = []
            for field, field_errors in error.errors.items():
                if field.startswith("quantities[") and field.endswith("]"):
                    index = int(field[len("quantities[") : -1])
                    row_number = group[index][0]
                    errors.setdefault(f"row {row_number}", []).extend(f"{e}" for e in field_errors)
                else:
                    messages += [f"{field}: {e}" for e in field_errors]
            if messages or not error.errors:
                errors.setdefault(f"rows {rows_label}", []).extend(messages or [str(error.message)])
    _refuse(errors)
    return created


@transaction.atomic
def daily_sales_import(*, merchant: Organization, upload, by: User | None) -> int:
    rows = read_table(upload, aliases=SALES_HEADERS)
    missing = _missing_columns(rows, [c for c in SALES_COLUMNS if c != "stock_on_hand"])
    if not rows or missing:
        _refuse({"file": [_("Missing columns: %(c)s") % {"c": ", ".join(missing) or "—"}]})
    try:
        return daily_sales_record(merchant=merchant, rows=rows, by=by)
    except DomainError as error:
        _refuse({key.replace("rows[", "row ").rstrip("]"): v for key, v in error.errors.items()})
        raise
