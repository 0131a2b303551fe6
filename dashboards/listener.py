"""The `core.realtime` listener of dashboards/ (connected in DashboardsConfig.ready()): a change
a domain app announces refreshes the rollups it touches, then the factory's screens are pushed.
"""

from dashboards.live import pusher
from dashboards.services import data_changed
from dashboards.tasks import rollups_schedule


def on_notify(factory_id: int, kind: str, data: dict) -> None:
    """Refresh the rollups the change touches, then push. A rebuild queued to a worker pushes
    when it lands: pushing now as well would send figures without the change and hold the real
    push back by the push interval."""
    queued = rollups_schedule(factory_id=factory_id, kind=kind, data=data)
    data_changed(factory_id=factory_id)
    if not queued:
        pusher.request(factory_id, kind)
