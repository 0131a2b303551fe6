"""Merchants' daily sales per SKU, and the re-order that sales suggest."""

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.models import Organization, User
from core.tabular import TableRow
from factories.clock import factory_today
from orders.models import DailySale, Order, Style
from orders.selectors import sell_through
from orders.services.lifecycle import order_create


def _int(value, *, allow_blank=False):
    text = str(value).strip() if value is not None else ""
    if allow_blank and text == "":
        return None
    number = int(text)
    if number < 0:
        raise ValueError
    return number


@transaction.atomic
def daily_sales_record(
    *, merchant: Organization, rows: Iterable[Mapping], by: User | None, first_row: int = 2
) -> int:
    """Record (or correct) pieces sold per style, day, colour and size; all rows or none.

    A row's `style` is the style number (or id) of a style the merchant sees.
    """
    styles = (
        Style.objects.visible_to(merchant).select_related("factory").prefetch_related("versions")
    )
    by_number = {s.number: s for s in styles}
    by_id = {str(s.pk): s for s in by_number.values()}
    errors: dict[str, list] = {}
    clean = []
    for index, row in enumerate(rows):
        # A row read from a file knows its spreadsheet row (blank rows are left out).
        key = f"rows[{row.number if isinstance(row, TableRow) else index + first_row}]"
        style = by_number.get(str(row.get("style", ""))) or by_id.get(str(row.get("style", "")))
        problems = []
        if style is None:
            problems.append(_("style: unknown style."))
        else:
            sizes = {s for v in style.versions.all() for s in v.sizes}
            colours = {c for v in style.versions.all() for c in v.colours}
            if str(row.get("size", "")) not in sizes:
                problems.append(_("size: the style has no such size."))
            if str(row.get("colour", "")) not in colours:
                problems.append(_("colour: the style has no such colour."))
        try:
            day = dt.date.fromisoformat(str(row.get("date", ""))[:10])
            # A sale is dated on the style's factory's clock: a merchant has no clock of its own.
            if style is not None and day > factory_today(style.factory):
                problems.append(_("date: in the future."))
        except ValueError:
            problems.append(_("date: use YYYY-MM-DD."))
        try:
            sold = _int(row.get("quantity_sold"))
            stock = _int(row.get("stock_on_hand"), allow_blank=True)
        except (TypeError, ValueError):
            problems.append(_("quantity_sold and stock_on_hand are whole numbers, not negative."))
        if problems:
            errors[key] = problems
            continue
        clean.append((style, day, str(row["colour"]), str(row["size"]), sold, stock))
    if errors:
        raise DomainError(_("Some sales rows are not valid."), errors=errors)
    if not clean:
        raise DomainError(_("No sales rows."), errors={"rows": [_("Empty.")]})
    for style, day, colour, size, sold, stock in clean:
        DailySale.objects.update_or_create(
            factory_id=style.factory_id,
            merchant=merchant,
            style=style,
            date=day,
            colour=colour,
            size=size,
            defaults={"quantity_sold": sold, "stock_on_hand": stock},
        )
    return len(clean)


@transaction.atomic
def order_reorder(
    *,
    order: Order,
    by: User | None,
    acting: Organization,
    lead_days: int,
    quantities: list[Mapping] | None = None,
    requested_date: dt.date | None = None,
) -> Order:
    """Re-order the same tech-pack version; by default the sell-through suggestion per cell.

    `lead_days` is the factory's lead time for the style now (production's capable-to-promise),
    which the suggestion covers.
    """
    if acting.pk != order.merchant_id:
        raise DomainError(_("Only the order's merchant can re-order it."), status_code=403)
    if quantities is None:
        figures = sell_through(merchant=acting, style=order.version.style, lead_days=lead_days)
        quantities = [
            {"colour": row.colour, "size": row.size, "quantity": row.suggested}
            for row in figures.rows
            if row.suggested > 0
            and row.colour in order.version.colours
            and row.size in order.version.sizes
        ]
        if not quantities:
            raise DomainError(
                _("Sales do not suggest a re-order yet."),
                errors={"quantities": [_("Nothing to re-order.")]},
            )
    if requested_date is None:
        today = factory_today(order.factory)
        requested_date = max(order.promised_date or order.requested_date, today) + dt.timedelta(
            days=1
        )
        requested_date = max(requested_date, today + dt.timedelta(days=21))
    return order_create(
        merchant=acting,
        factory=order.factory,
        version=order.version,
        quantities=quantities,
        requested_date=requested_date,
        ship_to=order.ship_to,
        unit_price=order.unit_price,
        notes=_("Re-order of %(number)s") % {"number": order.number},
        reorder_of=order,
        by=by,
    )
