from tests.factories import SewingLineFactory, StationFactory, WorkerFactory


def populate(world) -> None:
    world.line = SewingLineFactory(factory=world.factory)
    world.station = StationFactory(factory=world.factory, line=world.line)
    world.worker = WorkerFactory(factory=world.factory, line=world.line)
