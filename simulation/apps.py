from django.apps import AppConfig


class SimulationConfig(AppConfig):
    """Installed for its management commands (seed_demo, run_demo, simulate, bench); it has no
    models, pages, API or translations."""

    name = "simulation"
