"""Quotations: built from a style's pre-cost, sent to a merchant, accepted or declined by it.

draft → sent → accepted | declined | expired. Each move goes through QUOTATION_TRANSITIONS
(audited). Margin % is on the price, as an order's margin is: price = cost ÷ (1 − margin %),
rounded to the fen; built from a target price instead, every size gets that price and the
quotation's margin % is the smallest of its sizes'. Dates are the factory's (factories.clock).
"""

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, NotAllowed
from core.limits import MAX_MONEY, OUT_OF_RANGE, money_message
from core.models import Organization, User
from core.roles import OrgKind
from core.transitions import TransitionTable, transition_apply, transitions_apply
from factories.clock import factory_today
from factories.models import Factory
from factories.services import require_partner
from orders.costing import style_pre_cost
from orders.models import Quotation, QuotationLine, StyleVersion
from orders.services.numbers import next_number
from orders.services.techpacks import merchant_version_errors
from orders.services.webhooks import webhook_events_publish

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
MAX_MARGIN_PCT = Decimal("95")

Q = Quotation.Status
QUOTATION_TRANSITIONS = TransitionTable(
    Quotation,
    {
        Q.DRAFT: {Q.SENT},
        Q.SENT: {Q.ACCEPTED, Q.DECLINED, Q.EXPIRED},
        Q.ACCEPTED: set(),
        Q.DECLINED: set(),
        Q.EXPIRED: set(),
    },
)


def _decimal(value, field: str, errors: dict) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors[field] = [_("Not a number.")]
        return None
    if not number.is_finite():
        errors[field] = [_("Not a number.")]
        return None
    return number


def _margin_pct(cost: Decimal, price: Decimal) -> Decimal:
    return ((price - cost) / price * HUNDRED).quantize(CENT, ROUND_HALF_UP)


def quotation_payload(quotation: Quotation) -> dict:
    """What the merchant is told (its webhook): prices and validity, never cost or margin."""
    return {
        "id": quotation.pk,
        "number": quotation.number,
        "factory": quotation.factory_id,
        "version": quotation.version_id,
        "style": quotation.version.style.number,
        "status": quotation.status,
        "valid_until": quotation.valid_until.isoformat(),
        "lines": [
            {"size": line.size, "unit_price": str(line.unit_price)}
            for line in quotation.lines.all()
        ],
    }


def partner_merchant_by_code(*, factory: Factory, code: str) -> Organization:
    """The factory's partner merchant with this organization code (refused otherwise)."""
    merchant = Organization.objects.filter(code=code, kind=OrgKind.MERCHANT).first()
    if merchant is None:
        raise DomainError(
            _("No merchant has this code."), errors={"merchant_code": [_("Unknown merchant.")]}
        )
    require_partner(factory_id=factory.pk, organization=merchant)
    return merchant


@transaction.atomic
def quotation_create(
    *,
    factory: Factory,
    merchant: Organization,
    version: StyleVersion,
    valid_until: dt.date,
    margin_pct=None,
    target_price=None,
    prices: Mapping[str, Decimal],
    notes: str = "",
    by: User | None,
) -> Quotation:
    """A draft quotation of `version` to `merchant`, priced per size from the pre-cost with
    `margin_pct` (on the price) or at `target_price` (exactly one of the two). `prices` are the
    materials' current prices (inventory's, passed down: see orders.costing.style_pre_cost).

    Refused, nothing written: a merchant that is not a partner, a tech pack that is not the
    factory's or not released or developed for another merchant, a date before the factory's
    today, a margin or price out of range, or a pre-cost with materials that have no price.
    """
    if merchant.kind != OrgKind.MERCHANT:
        raise DomainError(
            _("A quotation goes to a merchant."), errors={"merchant": [_("Not a merchant.")]}
        )
    errors = merchant_version_errors(
        factory=factory,
        merchant=merchant,
        version=version,
        unreleased=_("Only a released tech pack can be quoted."),
    )
    if valid_until < factory_today(factory):
        errors["valid_until"] = [_("The quotation must be valid until today or later.")]
    if (margin_pct in (None, "")) == (target_price in (None, "")):
        errors["margin_pct"] = [_("Give either a margin percentage or a target price.")]
    margin = price = None
    if margin_pct not in (None, ""):
        margin = _decimal(margin_pct, "margin_pct", errors)
        if margin is not None and not (0 <= margin <= MAX_MARGIN_PCT):
            errors["margin_pct"] = [
                _("A margin is between 0 and %(max)s%%.") % {"max": MAX_MARGIN_PCT}
            ]
    if target_price not in (None, ""):
        price = _decimal(target_price, "target_price", errors)
        if price is not None and not (0 < price <= MAX_MONEY):
            raise DomainError(
                _("A number is out of range."),
                code=OUT_OF_RANGE,
                errors={"target_price": [money_message()]},
            )
    if errors:
        raise DomainError(_("The quotation is not valid."), errors=errors)

    pre_cost = style_pre_cost(version, prices=prices)
    if not pre_cost.is_complete:
        raise DomainError(
            _("Materials without a price: %(codes)s. Add a supplier offer or receive stock first.")
            % {"codes": ", ".join(pre_cost.missing_prices)},
            code="pre_cost_incomplete",
            errors={"version": [_("The pre-cost is incomplete.")]},
        )
    if any(entry.total <= 0 for entry in pre_cost.sizes) or not pre_cost.sizes:
        raise DomainError(
            _("The pre-cost is zero; check the BOM, routing and prices."),
            code="pre_cost_incomplete",
            errors={"version": [_("The pre-cost is zero.")]},
        )
    lines = []
    for entry in pre_cost.sizes:
        if price is None:
            unit_price = (entry.total / (1 - margin / HUNDRED)).quantize(CENT, ROUND_HALF_UP)
        else:
            unit_price = price.quantize(CENT, ROUND_HALF_UP)
        lines.append((entry.size, entry.total, unit_price))
    if price is not None:
        margin = min(_margin_pct(cost, unit_price) for _size, cost, unit_price in lines)

    today = factory_today(factory)
    number = next_number(Quotation, factory=factory, prefix=f"QT{today:%y%m}-", digits=4)
    quotation = Quotation.objects.create(
        factory=factory,
        merchant=merchant,
        version=version,
        number=number,
        margin_pct=margin,
        valid_until=valid_until,
        notes=notes,
        created_by=by,
    )
    QuotationLine.objects.bulk_create(
        QuotationLine(
            factory=factory,
            quotation=quotation,
            size=size,
            unit_cost=cost,
            unit_price=unit_price,
        )
        for size, cost, unit_price in lines
    )
    return quotation


def _require_side(quotation: Quotation, acting: Organization | None, kind: str) -> None:
    """Sending is the factory's, answering the merchant's (None: the platform, e.g. a task)."""
    if acting is None:
        return
    owner_id = quotation.merchant_id if kind == OrgKind.MERCHANT else quotation.factory_id
    if acting.pk != owner_id:
        raise NotAllowed(_("Your organization cannot do this to this quotation."), code="forbidden")


def _locked(quotation: Quotation) -> Quotation:
    return (
        Quotation.objects.select_for_update(no_key=True)
        .select_related("version__style", "factory")
        .get(pk=quotation.pk)
    )


def _refuse_if_lapsed(quotation: Quotation) -> None:
    if quotation.valid_until < factory_today(quotation.factory):
        raise NotAllowed(
            _("This quotation was valid until %(day)s.") % {"day": quotation.valid_until},
            code="quotation_expired",
            errors={"valid_until": [_("Expired.")]},
        )


@transaction.atomic
def quotation_send(
    *, quotation: Quotation, by: User | None, acting: Organization | None = None
) -> Quotation:
    """The factory sends its draft: the merchant sees it (and its webhook hears of it)."""
    quotation = _locked(quotation)
    _require_side(quotation, acting, OrgKind.FACTORY)
    QUOTATION_TRANSITIONS.check(quotation, Q.SENT)
    _refuse_if_lapsed(quotation)
    transition_apply(
        table=QUOTATION_TRANSITIONS,
        instance=quotation,
        to=Q.SENT,
        by=by,
        values={"sent_at": timezone.now()},
    )
    webhook_events_publish(
        events=[(quotation.merchant_id, {"quotation": quotation_payload(quotation)})],
        event_type="quotation.sent",
    )
    return quotation


def _answer(quotation: Quotation, to: str, by, acting, reason: str = "") -> Quotation:
    quotation = _locked(quotation)
    _require_side(quotation, acting, OrgKind.MERCHANT)
    QUOTATION_TRANSITIONS.check(quotation, to)
    _refuse_if_lapsed(quotation)
    return transition_apply(
        table=QUOTATION_TRANSITIONS,
        instance=quotation,
        to=to,
        by=by,
        reason=reason,
        values={"answered_at": timezone.now()},
    )


@transaction.atomic
def quotation_accept(
    *, quotation: Quotation, by: User | None, acting: Organization | None = None
) -> Quotation:
    """The merchant accepts a sent quotation still valid: its orders can take these prices."""
    return _answer(quotation, Q.ACCEPTED, by, acting)


@transaction.atomic
def quotation_decline(
    *, quotation: Quotation, reason: str = "", by: User | None, acting: Organization | None = None
) -> Quotation:
    """The merchant declines a sent quotation."""
    return _answer(quotation, Q.DECLINED, by, acting, reason)


@transaction.atomic
def quotations_expire(*, factory: Factory) -> int:
    """Sent quotations whose last valid day is before the factory's today become expired."""
    lapsed = list(
        Quotation.objects.select_for_update(no_key=True).filter(
            factory=factory, status=Q.SENT, valid_until__lt=factory_today(factory)
        )
    )
    return transitions_apply(table=QUOTATION_TRANSITIONS, instances=lapsed, to=Q.EXPIRED)


def quotation_unit_price(*, quotation: Quotation, grid: dict[tuple[str, str], int]) -> Decimal:
    """An order's unit price from an accepted quotation: its sizes' prices weighted by the
    order's pieces per size, rounded to the fen. Refused: a size the quotation does not price."""
    prices = dict(quotation.lines.values_list("size", "unit_price"))
    missing = sorted({size for _colour, size in grid} - set(prices))
    if missing:
        raise DomainError(
            _("The quotation has no price for size %(sizes)s.") % {"sizes": ", ".join(missing)},
            errors={"quotation": [_("Sizes without a price.")]},
        )
    pieces = sum(grid.values())
    amount = sum((prices[size] * quantity for (_c, size), quantity in grid.items()), Decimal(0))
    return (amount / pieces).quantize(CENT, ROUND_HALF_UP)
