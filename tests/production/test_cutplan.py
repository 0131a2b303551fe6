"""Properties of lay planning: cut covers the order, limits hold, bundles add up."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from production.cutplan import CutLimits, cut_target, plan_cuts

SIZES = ["XS", "S", "M", "L", "XL", "2XL", "3XL", "4XL"]
COLOURS = ["black", "white", "navy", "red", "khaki"]

grids = st.dictionaries(
    keys=st.tuples(st.sampled_from(COLOURS), st.sampled_from(SIZES)),
    values=st.integers(min_value=1, max_value=3000),
    min_size=1,
    max_size=20,
)
limits = st.builds(
    CutLimits,
    over_cut_pct=st.decimals(min_value=0, max_value=10, places=1),
    max_plies=st.integers(min_value=5, max_value=120),
    max_garments_per_marker=st.integers(min_value=1, max_value=10),
    bundle_size=st.integers(min_value=1, max_value=50),
)


@settings(max_examples=150, deadline=None)
@given(grids, limits)
def test_cut_covers_every_cell_and_the_over_cut(ordered, cutting):
    plan = plan_cuts(ordered, SIZES, cutting)
    for cell, quantity in ordered.items():
        assert plan.cut[cell] >= quantity
        assert plan.cut[cell] == cut_target(quantity, cutting.over_cut_pct)


@settings(max_examples=150, deadline=None)
@given(grids, limits)
def test_plies_and_marker_limits_hold(ordered, cutting):
    plan = plan_cuts(ordered, SIZES, cutting)
    assert all(1 <= lay.plies <= cutting.max_plies for lay in plan.lays)
    assert all(1 <= m.garments <= cutting.max_garments_per_marker for m in plan.markers)


@settings(max_examples=150, deadline=None)
@given(grids, limits)
def test_bundle_pieces_sum_to_cut_quantities(ordered, cutting):
    plan = plan_cuts(ordered, SIZES, cutting)
    pieces: dict = {}
    for lay_index, size, quantity in plan.bundles(cutting.bundle_size):
        assert 1 <= quantity <= cutting.bundle_size
        cell = (plan.lays[lay_index].colour, size)
        pieces[cell] = pieces.get(cell, 0) + quantity
    assert pieces == {cell: cut for cell, cut in plan.cut.items() if cut}


@settings(max_examples=100, deadline=None)
@given(grids, limits)
def test_lays_cut_exactly_what_the_plan_reports(ordered, cutting):
    plan = plan_cuts(ordered, SIZES, cutting)
    from_lays: dict = {}
    for lay in plan.lays:
        for size, ratio in plan.markers[lay.marker].ratios:
            cell = (lay.colour, size)
            from_lays[cell] = from_lays.get(cell, 0) + ratio * lay.plies
    assert from_lays == plan.cut


def test_a_reorder_uses_the_first_orders_marker_first():
    cutting = CutLimits(Decimal("0"), 50, 6, 20)
    plan = plan_cuts(
        {("black", "S"): 100, ("black", "M"): 200},
        ["S", "M"],
        cutting,
        reusable=[({"S": 1, "M": 2}, 41)],
    )
    assert plan.markers[0].reused_from == 41
    assert plan.markers[0].ratios == (("S", 1), ("M", 2))
    assert [(lay.marker, lay.plies) for lay in plan.lays] == [(0, 50), (0, 50)]


def test_over_cut_rounds_up_and_never_cuts_less_than_ordered():
    assert cut_target(101, Decimal("2")) == 104
    assert cut_target(1, Decimal("0")) == 1
    assert cut_target(0, Decimal("5")) == 0


def test_limits_below_one_are_refused():
    with pytest.raises(ValueError):
        plan_cuts({("black", "S"): 1}, ["S"], CutLimits(Decimal(0), 0, 6, 20))
