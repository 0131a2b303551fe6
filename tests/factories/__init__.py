"""factory_boy factories of every app, importable as `tests.factories.X`."""

from tests.factories.core import *  # noqa: F403
from tests.factories.cutting_room import *  # noqa: F403
from tests.factories.dashboards import *  # noqa: F403
from tests.factories.devices import *  # noqa: F403
from tests.factories.floor import *  # noqa: F403
from tests.factories.inventory import *  # noqa: F403
from tests.factories.orders import *  # noqa: F403
from tests.factories.payroll import *  # noqa: F403
from tests.factories.production import *  # noqa: F403
from tests.factories.shopfloor import *  # noqa: F403
