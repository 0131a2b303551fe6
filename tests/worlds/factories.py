import secrets
from datetime import timedelta

from django.utils import timezone

from factories.models import DataExport
from tests.factories import (
    CalendarDayFactory,
    LineDayPlanFactory,
    SewingLineFactory,
    ShiftFactory,
    StationFactory,
    WorkerFactory,
    WorkerSkillFactory,
)


def populate(world) -> None:
    world.shift = ShiftFactory(factory=world.factory)
    world.line = SewingLineFactory(factory=world.factory, shift=world.shift)
    world.station = StationFactory(factory=world.factory, line=world.line)
    world.worker = WorkerFactory(factory=world.factory, line=world.line)
    WorkerSkillFactory(factory=world.factory, worker=world.worker)
    CalendarDayFactory(factory=world.factory)
    LineDayPlanFactory(factory=world.factory, line=world.line)
    # A finished export of all the factory's data (its archive is not stored in the world).
    finished = timezone.now()
    DataExport.objects.create(
        factory=world.factory,
        started_by=world.owner,
        status=DataExport.Status.DONE,
        tables_done=1,
        tables_total=1,
        archive=f"exports/{world.factory.pk}/{world.tag}.zip",
        link_secret=secrets.token_urlsafe(32),
        finished_at=finished,
        expires_at=finished + timedelta(hours=24),
    )
