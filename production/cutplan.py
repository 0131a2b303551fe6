"""Lay planning: markers (size ratios) and plies per colour that cover an order.

Pure functions, no database: `plan_cuts` takes the ordered pieces per (colour, size) and the
cutting room's limits and returns markers, lays and the resulting cut quantities. For each
colour it cuts exactly the target (ordered + over-cut, rounded up), so the cut never falls below
the order; every lay stays within the maximum plies and every marker within the maximum
garments. Markers with the same size ratio are shared between colours, and a re-order may offer
the first order's ratios to be used first.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

Cell = tuple[str, str]  # (colour, size)


@dataclass(frozen=True)
class CutLimits:
    over_cut_pct: Decimal
    max_plies: int
    max_garments_per_marker: int
    bundle_size: int


@dataclass(frozen=True)
class PlannedMarker:
    ratios: tuple[tuple[str, int], ...]  # (size, garments per ply), sizes with a ratio only
    reused_from: int | None = None

    @property
    def garments(self) -> int:
        return sum(count for _size, count in self.ratios)


@dataclass(frozen=True)
class PlannedLay:
    marker: int  # index into CutPlanResult.markers
    colour: str
    plies: int


@dataclass
class CutPlanResult:
    markers: list[PlannedMarker] = field(default_factory=list)
    lays: list[PlannedLay] = field(default_factory=list)
    cut: dict[Cell, int] = field(default_factory=dict)

    def bundles(self, bundle_size: int):
        """(lay index, size, pieces) for every bundle, in ticket order."""
        for lay_index, lay in enumerate(self.lays):
            for size, ratio in self.markers[lay.marker].ratios:
                pieces = ratio * lay.plies
                while pieces > 0:
                    take = min(bundle_size, pieces)
                    yield lay_index, size, take
                    pieces -= take


def cut_target(quantity: int, over_cut_pct: Decimal) -> int:
    """Pieces to cut for `quantity` ordered: never fewer, over-cut rounded up."""
    if quantity <= 0:
        return 0
    exact = Decimal(quantity) * (Decimal(100) + over_cut_pct) / Decimal(100)
    return max(quantity, int(exact.to_integral_value(rounding=ROUND_CEILING)))


def _fit_to_marker(ratios: dict[str, int], sizes: Sequence[str], max_garments: int) -> None:
    """Scale the ratios down (keeping their proportions) to at most `max_garments` garments."""
    total = sum(ratios.values())
    if total <= max_garments:
        return
    scaled = {s: ratios[s] * max_garments // total for s in sizes}
    # Hand the garments lost to rounding to the sizes with the largest remainders.
    by_remainder = sorted(
        sizes, key=lambda s: (-(ratios[s] * max_garments % total), sizes.index(s))
    )
    for size in by_remainder[: max_garments - sum(scaled.values())]:
        scaled[size] += 1
    ratios.update(scaled)


def plan_cuts(
    ordered: Mapping[Cell, int],
    sizes: Sequence[str],
    limits: CutLimits,
    reusable: Sequence[tuple[dict[str, int], int | None]] = (),
) -> CutPlanResult:
    """Markers and lays covering `ordered` (+ over-cut) per colour, within `limits`.

    `reusable` offers (size ratios, marker id) pairs from an earlier cut plan to be used first.
    """
    if limits.max_plies < 1 or limits.max_garments_per_marker < 1:
        raise ValueError("cutting limits must be at least 1")
    sizes = list(sizes)
    result = CutPlanResult()
    marker_index: dict[tuple[tuple[str, int], ...], int] = {}

    def marker_for(ratios: dict[str, int], reused_from: int | None = None) -> int:
        key = tuple((s, ratios[s]) for s in sizes if ratios.get(s, 0) > 0)
        if key not in marker_index:
            marker_index[key] = len(result.markers)
            result.markers.append(PlannedMarker(key, reused_from))
        return marker_index[key]

    colours = list(dict.fromkeys(colour for colour, _size in ordered))
    for colour in colours:
        remaining = {s: cut_target(ordered.get((colour, s), 0), limits.over_cut_pct) for s in sizes}
        for colour_, size in ordered:
            if colour_ == colour:
                result.cut[(colour, size)] = 0
        for ratios, marker_id in reusable:
            if (
                not ratios
                or any(s not in remaining for s in ratios)
                or sum(ratios.values()) > limits.max_garments_per_marker
            ):
                continue
            plies = min(
                [limits.max_plies] + [remaining[s] // n for s, n in ratios.items() if n > 0]
            )
            if plies >= 1:
                _lay(result, marker_for(ratios, marker_id), colour, plies, ratios, remaining)
        while any(remaining.values()):
            plies = min(limits.max_plies, max(remaining.values()))
            ratios = {s: remaining[s] // plies for s in sizes}
            _fit_to_marker(ratios, sizes, limits.max_garments_per_marker)
            # The marker may allow more plies than the first guess without over-cutting.
            plies = min(
                [limits.max_plies] + [remaining[s] // n for s, n in ratios.items() if n > 0]
            )
            _lay(result, marker_for(ratios), colour, plies, ratios, remaining)
    return result


def _lay(result, marker, colour, plies, ratios, remaining) -> None:
    result.lays.append(PlannedLay(marker, colour, plies))
    for size, count in ratios.items():
        if count:
            remaining[size] -= count * plies
            result.cut[(colour, size)] = result.cut.get((colour, size), 0) + count * plies


def efficiency_pct(ordered: int, cut: int) -> Decimal:
    """Ordered ÷ cut pieces, in percent with 2 places (100 when nothing is cut)."""
    if cut == 0:
        return Decimal("100.00")
    return (Decimal(100) * ordered / cut).quantize(Decimal("0.01"))


def bundle_count(pieces: int, bundle_size: int) -> int:
    return math.ceil(pieces / bundle_size)
