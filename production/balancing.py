"""Line balancing as a pure function: assign a work order's operations to a line's operators.

Each operator is one station. An operator can do an operation when they have a skill for it
(by operation code or name, else by machine type); their measured efficiency turns the
operation's SAM into their clock minutes. An operation may be split across operators (each
takes a share of the pieces). We look for the smallest cycle time C such that a greedy fill
(hardest-to-staff operations first, most efficient operator first) keeps every operator's load
≤ C, by bisection on C. The reported bottleneck is the largest load actually assigned, so no
operator ever exceeds it, and every operation's shares add up to 1.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

UNSKILLED_EFFICIENCY = 0.5  # when nobody on the line has the skill, anyone may do it this slowly
MIN_SHARE = 1e-6


@dataclass(frozen=True)
class Operation:
    key: int
    sam: float  # standard minutes per garment
    code: str = ""
    name: str = ""
    machine_type: str = ""


@dataclass(frozen=True)
class Operator:
    key: int
    skills: dict = field(default_factory=dict)  # operation code/name or machine type → efficiency

    def efficiency_for(self, operation: Operation) -> float | None:
        for name in (operation.code, operation.name, operation.machine_type):
            if name and name in self.skills:
                return float(self.skills[name])
        return None


@dataclass(frozen=True)
class Assignment:
    operation: int
    operator: int
    share: float  # fraction of the operation's pieces
    minutes: float  # operator's clock minutes per garment for this share


@dataclass
class Balance:
    assignments: list[Assignment]
    loads: dict[int, float]  # operator → clock minutes per garment
    cycle_time: float  # the bottleneck's minutes per garment
    bottleneck: int | None  # operator key
    total_sam: float
    stations: int
    unskilled: list[int]  # operations nobody had the skill for

    @property
    def efficiency(self) -> float:
        """Balance efficiency: Σ SAM ÷ (stations × bottleneck cycle time)."""
        if not self.stations or not self.cycle_time:
            return 0.0
        return self.total_sam / (self.stations * self.cycle_time)

    @property
    def output_per_hour(self) -> float:
        """Target garments per hour: one garment leaves the line every cycle."""
        return 60.0 / self.cycle_time if self.cycle_time else 0.0

    def shares(self) -> dict[int, float]:
        result: dict[int, float] = {}
        for a in self.assignments:
            result[a.operation] = result.get(a.operation, 0.0) + a.share
        return result


def _capabilities(operations, operators):
    capable, unskilled = {}, []
    for op in operations:
        options = {}
        for person in operators:
            efficiency = person.efficiency_for(op)
            if efficiency:
                options[person.key] = efficiency
        if not options:
            unskilled.append(op.key)
            options = {person.key: UNSKILLED_EFFICIENCY for person in operators}
        capable[op.key] = options
    return capable, unskilled


def _fill(operations, capable, operator_keys, cycle):
    """Greedy fill at cycle time `cycle`; None when some operation cannot be placed."""
    loads = dict.fromkeys(operator_keys, 0.0)
    assignments = []
    order = sorted(operations, key=lambda op: (len(capable[op.key]), -op.sam, op.key))
    for op in order:
        left = 1.0
        options = sorted(capable[op.key].items(), key=lambda kv: (-kv[1], loads[kv[0]], kv[0]))
        for person, efficiency in options:
            if left <= MIN_SHARE:
                break
            minutes_per_share = op.sam / efficiency
            free = cycle - loads[person]
            if free <= 1e-12:
                continue
            share = min(left, free / minutes_per_share) if minutes_per_share else left
            if share <= MIN_SHARE:
                continue
            loads[person] += share * minutes_per_share
            assignments.append(Assignment(op.key, person, share, share * minutes_per_share))
            left -= share
        if left > MIN_SHARE:
            return None
        if left > 0:  # a rounding crumb: give it to the last operator used
            last = assignments[-1]
            total = last.share + left
            loads[last.operator] += left * op.sam / capable[op.key][last.operator]
            assignments[-1] = Assignment(
                op.key, last.operator, total, total * op.sam / capable[op.key][last.operator]
            )
    return assignments, loads


def balance(operations: Sequence[Operation], operators: Sequence[Operator]) -> Balance:
    """Assign `operations` to `operators` minimizing the bottleneck's cycle time."""
    operations = [op for op in operations if op.sam > 0]
    keys = [person.key for person in operators]
    total_sam = sum(op.sam for op in operations)
    if not operations or not keys:
        return Balance([], dict.fromkeys(keys, 0.0), 0.0, None, total_sam, len(keys), [])
    capable, unskilled = _capabilities(operations, operators)
    fastest = max(max(options.values()) for options in capable.values())
    low = max(
        total_sam / (len(keys) * fastest),
        max(op.sam / sum(capable[op.key].values()) for op in operations),
    )
    high = sum(op.sam / min(capable[op.key].values()) for op in operations)
    best = _fill(operations, capable, keys, high)
    for _ in range(50):
        if high - low <= 1e-6 * high:
            break
        middle = (low + high) / 2
        attempt = _fill(operations, capable, keys, middle)
        if attempt is None:
            low = middle
        else:
            best, high = attempt, middle
    assignments, loads = best
    bottleneck = max(loads, key=lambda k: (loads[k], -k))
    stations = sum(1 for load in loads.values() if load > 0)
    order = {op.key: n for n, op in enumerate(operations)}
    assignments.sort(key=lambda a: (order[a.operation], a.operator))
    return Balance(
        assignments=assignments,
        loads=loads,
        cycle_time=loads[bottleneck],
        bottleneck=bottleneck,
        total_sam=total_sam,
        stations=stations,
        unskilled=unskilled,
    )


def drifted_operators(
    plan: Balance, actual_per_hour: dict[int, float], *, tolerance: float = 0.15
) -> dict[int, float]:
    """Operators whose actual garments-equivalent per hour is off the plan by more than
    `tolerance`, with actual ÷ planned. Planned: every loaded operator keeps pace with the
    line's target output per hour."""
    target = plan.output_per_hour
    drift = {}
    for person, load in plan.loads.items():
        if load <= 0 or not target:
            continue
        ratio = actual_per_hour.get(person, 0.0) / target
        if abs(1 - ratio) > tolerance:
            drift[person] = ratio
    return drift
