"""Small statistics the benchmarks share."""


def percentile(values: list[float], share: float) -> float | None:
    """The value below which `share` of `values` lie (None for none), to 0.1."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * share))], 1)
