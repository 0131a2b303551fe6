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
