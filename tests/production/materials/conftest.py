"""Production's material planning (MRP, release to cutting) runs on inventory's stock: the
fixtures of tests/inventory/."""

from tests.inventory.conftest import (  # noqa: F401  (pytest finds fixtures by name)
    _fast_passwords,
    bin_a,
    bin_b,
    clerk,
    fabric,
    factory,
    manager,
    offer,
    other_work_order,
    supplier,
    supplier_user,
    version,
    warehouse,
    work_order,
)
