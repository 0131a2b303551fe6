"""The demo world, seeded by `manage.py seed_demo` one step after another.

Each step is an idempotent `seed(world)` (get-or-create by natural keys) that reads what the
steps before it made: the organizations, people and floors first, then tech packs and orders,
the shop floor's records, the stores, payroll, the connected devices, and last the dashboards'
rollups over all of it.
"""

from simulation.demo import (
    dashboards,
    devices,
    factories,
    inventory,
    orders,
    payroll,
    production,
)

SEED_STEPS = [
    factories.seed,
    orders.seed,
    production.seed,
    inventory.seed,
    payroll.seed,
    devices.seed,
    dashboards.seed,
]
