"""The `core.realtime` listener of dashboards/ (connected in DashboardsConfig.ready()): the
changes a domain app announces refresh the rollups they touch, then the factory's screens are
pushed. It takes the changes of one commit at once: per factory one lookup, each touched rollup
bucket scheduled once, one cache version bump and one push request per kind.
"""

import logging
from collections import defaultdict

from dashboards.live import pusher
from dashboards.services import data_changed
from dashboards.tasks import rollups_schedule

logger = logging.getLogger(__name__)


def on_notify(notifications: list[tuple[int, str, dict]]) -> None:
    """Refresh the rollups the changes touch, then push (a failing factory spoils no other).
    A rebuild queued to a worker pushes when it lands: pushing now as well would send figures
    without the change and hold the real push back by the push interval."""
    by_factory: dict[int, list[tuple[str, dict]]] = defaultdict(list)
    for factory_id, kind, data in notifications:
        by_factory[factory_id].append((kind, data))
    for factory_id, changes in by_factory.items():
        try:
            queued = rollups_schedule(factory_id=factory_id, changes=changes)
            data_changed(factory_id=factory_id)
            if not queued:
                for kind in dict.fromkeys(kind for kind, _data in changes):
                    pusher.request(factory_id, kind)
        except Exception:  # a live screen must never break a business write
            logger.exception("dashboards listener failed for factory %s", factory_id)
