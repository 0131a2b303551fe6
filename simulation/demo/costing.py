"""Demo data of costing: quotations built from the tech packs' pre-costs at the stores' current
prices, one sent and accepted by the plus-size merchant, one sent and awaiting the e-commerce
merchant's answer (idempotent: one quotation per merchant and style)."""

import datetime as dt

from core.models import User
from factories.clock import factory_today
from orders.models import Quotation, Style
from orders.services import quotation_accept, quotation_create, quotation_send
from payroll.costing import version_prices

# style number, merchant code, margin % on the price, accepted by the merchant
QUOTES = [("LS-2602", "m-curve", "28", True), ("LS-2603", "m-city", "25", False)]


def seed(world) -> None:
    factory = world.factory
    planner = User.objects.get(username=f"{factory.code}-planner")
    merchants = {merchant.code: merchant for merchant in world.merchants}
    for number, merchant_code, margin, accepted in QUOTES:
        merchant = merchants[merchant_code]
        version = Style.objects.get(factory=factory, number=number).versions.latest("version")
        if Quotation.objects.filter(factory=factory, merchant=merchant, version=version).exists():
            continue
        quotation = quotation_create(
            factory=factory,
            merchant=merchant,
            version=version,
            valid_until=factory_today(factory) + dt.timedelta(days=30),
            margin_pct=margin,
            prices=version_prices(version),
            notes="2027 春夏补单报价",
            by=planner,
        )
        quotation = quotation_send(quotation=quotation, by=planner, acting=factory.organization)
        if accepted:
            buyer = User.objects.get(username=f"{merchant.code}-buyer")
            quotation_accept(quotation=quotation, by=buyer, acting=merchant)
