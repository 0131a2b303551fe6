"""Every benchmark `manage.py bench <name>` knows, by name.

A benchmark is `(add_arguments, run)`: `add_arguments(parser)` adds its options and
`run(options, stdout) -> dict` returns the figures printed as the last JSON line. Benchmarks are
not tests: nothing here asserts a time, and CI never gates on them.
"""

from simulation.bench import (
    api,
    api_inprocess,
    chain,
    dashboards,
    demo_load,
    devices,
    inventory,
    orders,
    payroll,
    production,
    tenants,
)

BENCHMARKS = {
    "api": (api.add_arguments, api.run),
    "convert": (orders.add_arguments, orders.run),
    "schedule": (production.add_schedule_arguments, production.run_schedule),
    "mrp": (inventory.add_mrp_arguments, inventory.run_mrp),
    "payroll": (payroll.add_arguments, payroll.run),
    "ingest": (devices.add_ingest_arguments, devices.run_ingest),
    "modbus": (devices.add_modbus_arguments, devices.run_modbus),
    "dashboard": (dashboards.add_arguments, dashboards.run),
    "chain": (chain.add_arguments, chain.run),
    "demo_load": (demo_load.add_arguments, demo_load.run),
    "api_inprocess": (api_inprocess.add_arguments, api_inprocess.run),
    "tenants": (tenants.add_arguments, tenants.run),
}
