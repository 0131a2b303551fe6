"""The demo's rollups: rebuilt from the records the other apps seeded, plus a year of history
(see simulation.synthetic_history) so the factory screen, the district report and the data profiles
are populated. Idempotent: only empty buckets are filled."""

from datetime import timedelta

from django.utils import timezone

from dashboards import services
from factories.clock import hours_back, local_date
from simulation import synthetic_history


def seed(world) -> None:
    now = timezone.now()
    for factory in world.factories:
        # Real records first (the last two days), so history never hides them.
        for hour in hours_back(factory, 48, now):
            services.output_hour_rebuild(factory_id=factory.pk, hour=hour)
            services.machine_hour_rebuild(factory_id=factory.pk, hour=hour)
        synthetic_history.fill(factory, days=370, hourly_days=2, line_days=35, now=now)
        for back in range(3):
            services.day_rebuild(
                factory_id=factory.pk,
                day=local_date(factory, now - timedelta(days=back)),
            )
