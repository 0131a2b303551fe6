"""The embedded default holds: five people use the demo at once while the simulator runs, on a
SQLite file behind a real ASGI server (`manage.py bench demo_load`, docs/operations.md)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

# It builds its own SQLite demo whatever the environment, so once per CI is enough.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_five_people_and_the_simulator_on_sqlite_get_no_5xx_and_no_locked_database(tmp_path):
    # given a fresh demo on a SQLite file, served by run_demo with its simulator
    out = StringIO()
    # when the manager, planner, supervisor, a merchant and a supplier click for a minute
    call_command("bench", "demo_load", "--minutes", "1", "--workdir", str(tmp_path), stdout=out)
    result = json.loads(out.getvalue().splitlines()[-1])
    # then every person was served, and nothing answered 5xx or found the database locked
    assert set(result["by_person"]) == {"manager", "planner", "supervisor", "merchant", "supplier"}
    assert all(count > 0 for count in result["by_person"].values()), result["by_person"]
    assert (result["server_errors"], result["server_error_pages"]) == (0, [])
    assert not [code for code in result["statuses"] if code.startswith("5")]
    assert result["database_locked"] == 0
    assert result["simulator_crashes"] == 0
    assert result["tracebacks"] == 0
    # and purchase orders were confirmed as their forms showed them
    assert result["confirmations"] > 0
    # and the simulator's departures were handed off to production once each (the stop may
    # cut off the last second's, at most --rate of them), none counted twice
    assert result["hand_offs_recorded"] > 0
    assert 0 <= result["station_departures"] - result["hand_offs"] <= 5
    assert result["double_counted"] == 0
    assert "failure" not in result
