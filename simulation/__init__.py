"""The demo world, the simulated factory floor, device load generators, synthetic history and
benchmarks: everything that shows or measures the house without being part of it.

The top layer: it may import any app, and no domain app imports it.
"""
