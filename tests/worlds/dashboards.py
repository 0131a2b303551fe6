from tests.factories.dashboards import (
    FactoryDayFactory,
    LineDayFactory,
    MachineHourFactory,
    OutputHourFactory,
    ProfileLinkFactory,
    ProfileLinkViewFactory,
    SyntheticHistoryFactory,
)


def populate(world) -> None:
    OutputHourFactory(factory=world.factory, line=world.line, worker=world.worker)
    LineDayFactory(factory=world.factory, line=world.line)
    MachineHourFactory(factory=world.factory, station=world.station)
    FactoryDayFactory(factory=world.factory)
    SyntheticHistoryFactory(factory=world.factory)
    world.profile_link = ProfileLinkFactory(
        factory=world.factory, created_by=world.owner, recipient=f"{world.tag} lender"
    )
    ProfileLinkViewFactory(link=world.profile_link, factory=world.factory)
