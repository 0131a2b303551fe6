"""The demo world, seeded by `manage.py seed_demo` one step after another.

Each step is an idempotent `seed(world)` (get-or-create by natural keys) that reads what the
steps before it made: the organizations, people and floors first, then tech packs and orders,
the shop floor's calendar, the stores, the connected devices, the work orders in production
released and scanned, the whole chain of two orders (simulation.demo.journey), quotations
from the pre-costs, payroll over every record, and last the dashboards' rollups over all of it.
"""

from simulation.demo import (
    costing,
    dashboards,
    devices,
    factories,
    inventory,
    journey,
    orders,
    payroll,
    production,
)

SEED_STEPS = [
    factories.seed,
    orders.seed,
    production.seed,
    inventory.seed,
    devices.seed,
    journey.seed,
    costing.seed,
    production.seed_floor,
    payroll.seed,
    dashboards.seed,
]
