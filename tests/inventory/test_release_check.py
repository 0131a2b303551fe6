"""The material check before cutting: a work order's requirements (handed in by production)
against what was issued and reserved for it and the free, cuttable stock."""

from decimal import Decimal

import pytest

from core.errors import DomainError
from inventory import services
from inventory.models import ReleaseOverride
from tests.inventory.conftest import receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def stock_60(factory, supplier, fabric, bin_a, clerk):
    return receive(
        factory=factory,
        supplier=supplier,
        material=fabric,
        bin=bin_a,
        lots=[("R1", "60", "D1")],
        by=clerk,
    )


def needs(material, quantity) -> list[tuple[str, Decimal]]:
    """A work order's requirement as production hands it in (metres to 3 places)."""
    return [(material.code, Decimal(str(quantity)).quantize(Decimal("0.001")))]


def test_release_passes_when_nothing_is_short(fabric, stock_60, work_order, manager):
    passed = services.material_release_guard(
        work_order=work_order, requirements=needs(fabric, 60), by=manager
    )

    assert passed is None
    assert ReleaseOverride.objects.count() == 0


def test_release_is_refused_while_materials_are_short(fabric, stock_60, work_order, manager):
    with pytest.raises(DomainError) as error:
        services.material_release_guard(
            work_order=work_order, requirements=needs(fabric, 61), by=manager
        )

    assert error.value.code == "materials_short"
    assert error.value.errors == {"materials": [f"{fabric.code}: 1.000"]}
    assert ReleaseOverride.objects.count() == 0


def test_uninspected_rolls_do_not_count_for_release(
    factory, supplier, fabric, bin_a, work_order, clerk
):
    receive(
        factory=factory,
        supplier=supplier,
        material=fabric,
        bin=bin_a,
        lots=[("R1", "60", "D1")],
        by=clerk,
        inspect=False,
    )

    short = services.material_release_check(work_order=work_order, requirements=needs(fabric, 10))

    assert [row["short"] for row in short] == ["10.000"]


def test_a_material_the_factory_does_not_stock_is_short_in_full(work_order):
    short = services.material_release_check(
        work_order=work_order, requirements=[("NO-SUCH", Decimal("4"))]
    )

    assert short == [{"material_code": "NO-SUCH", "required": "4", "available": "0", "short": "4"}]


def test_release_with_a_reason_is_logged(fabric, work_order, manager):
    override = services.material_release_guard(
        work_order=work_order,
        requirements=needs(fabric, 5),
        by=manager,
        override_reason="Merchant accepts a late start",
    )

    assert (override.reason, override.created_by, override.shortages[0]["material_code"]) == (
        "Merchant accepts a late start",
        manager,
        fabric.code,
    )


def test_a_blank_reason_is_no_override(fabric, work_order, manager):
    with pytest.raises(DomainError):
        services.material_release_guard(
            work_order=work_order, requirements=needs(fabric, 5), by=manager, override_reason="  "
        )

    assert ReleaseOverride.objects.count() == 0
