"""The stock and moves workbooks never carry a formula, whatever a material or a reference
says; quantities stay numbers."""

import pytest

from inventory.models import StockMove
from tests.exports import ESCAPED, HOSTILE, assert_no_formula, text_values, workbook_cells
from tests.inventory.conftest import receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocked(factory, supplier, fabric, bin_a, clerk, offer):
    _order, (roll,) = receive(
        factory=factory,
        supplier=supplier,
        material=fabric,
        bin=bin_a,
        lots=[("R1", "40", "+D1")],
        by=clerk,
    )
    return roll


def test_the_stock_workbook_escapes_a_hostile_material_name(client, clerk, stocked):
    stocked.material.name = HOSTILE
    stocked.material.save()
    client.force_login(clerk)

    response = client.get("/inventory/export/stock.xlsx")

    assert_no_formula(response.content)
    texts = text_values(response.content)
    assert ESCAPED in texts
    assert "'+D1" in texts
    assert HOSTILE not in texts
    assert 40 in [cell.value for cell in workbook_cells(response.content)]


def test_the_moves_workbook_escapes_a_hostile_reference(client, clerk, stocked):
    StockMove.objects.update(reference=HOSTILE)
    client.force_login(clerk)

    response = client.get("/inventory/export/moves.xlsx")

    assert_no_formula(response.content)
    texts = text_values(response.content)
    assert ESCAPED in texts
    assert HOSTILE not in texts
