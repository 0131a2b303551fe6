"""Line balancing (pure function)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from production.balancing import Operation, Operator, balance, drifted_operators

MACHINES = ["lockstitch", "overlock", "coverstitch", "manual"]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(min_value=0.05, max_value=3.0), st.sampled_from(MACHINES)),
        min_size=1,
        max_size=25,
    ),
    st.lists(
        st.dictionaries(
            st.sampled_from(MACHINES), st.floats(min_value=0.4, max_value=1.3), max_size=4
        ),
        min_size=1,
        max_size=15,
    ),
)
def test_balance_never_exceeds_its_bottleneck_and_covers_every_operation(raw_ops, raw_people):
    operations = [Operation(key=n, sam=sam, machine_type=m) for n, (sam, m) in enumerate(raw_ops)]
    operators = [Operator(key=100 + n, skills=skills) for n, skills in enumerate(raw_people)]
    result = balance(operations, operators)
    assert all(load <= result.cycle_time + 1e-9 for load in result.loads.values())
    assert result.loads[result.bottleneck] == result.cycle_time
    shares = result.shares()
    assert set(shares) == {op.key for op in operations}
    assert all(abs(total - 1.0) < 1e-6 for total in shares.values())
    for a in result.assignments:
        person = next(p for p in operators if p.key == a.operator)
        op = operations[a.operation]
        assert person.efficiency_for(op) is not None or op.key in result.unskilled


def test_an_operation_longer_than_the_rest_is_split():
    operations = [Operation(key=1, sam=2.0), Operation(key=2, sam=1.0), Operation(key=3, sam=1.0)]
    operators = [Operator(key=k, skills={"": 1.0}) for k in (10, 20, 30, 40)]
    # Nobody has a named skill: everyone works at the unskilled pace (0.5).
    result = balance(operations, operators)
    assert result.cycle_time == pytest.approx(2.0, rel=1e-4)  # 8 clock minutes over 4 people
    assert result.efficiency == pytest.approx(4.0 / (4 * 2.0), rel=1e-4)
    assert len([a for a in result.assignments if a.operation == 1]) >= 2


def test_skills_decide_who_does_what():
    operations = [
        Operation(key=1, sam=1.0, machine_type="overlock"),
        Operation(key=2, sam=1.0, machine_type="lockstitch"),
    ]
    operators = [
        Operator(key=10, skills={"overlock": 1.0}),
        Operator(key=20, skills={"lockstitch": 1.0}),
    ]
    result = balance(operations, operators)
    assert {(a.operation, a.operator) for a in result.assignments} == {(1, 10), (2, 20)}
    assert result.cycle_time == pytest.approx(1.0, rel=1e-3)
    assert result.output_per_hour == pytest.approx(60.0, rel=1e-3)
    assert result.efficiency == pytest.approx(1.0, rel=1e-3)


def test_operators_off_the_plan_are_flagged_for_rebalance():
    operations = [Operation(key=1, sam=1.0, machine_type="m"), Operation(key=2, sam=1.0, code="x")]
    operators = [Operator(key=10, skills={"m": 1.0}), Operator(key=20, skills={"x": 1.0})]
    plan = balance(operations, operators)
    assert drifted_operators(plan, {10: 60.0, 20: 40.0}) == {20: pytest.approx(40 / 60)}
