"""The demo's rollups: rebuilt from the records the other apps seeded, plus a year of history
(see simulation.synthetic_history) so the factory screen, the district report and the data profiles
are populated. Idempotent: only empty buckets are filled."""

from datetime import timedelta

from django.utils import timezone

from core.models import User
from dashboards import services
from dashboards.models import ProfileLink
from factories.clock import hours_back, local_date
from simulation import synthetic_history


def seed(world) -> None:
    _profile_link(world)
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


def _profile_link(world) -> None:
    """The demo factory's data profile, shared by link with a bank's loan officer."""
    factory = world.factory
    if ProfileLink.objects.filter(factory=factory).exists():
        return
    services.profile_link_create(
        factory=factory,
        recipient="株洲农商银行 信贷部",
        days=30,
        by=User.objects.get(username=f"{factory.code}-owner"),
    )
