"""The restore drill (simulation.restore_drill; docs/operations.md, "Backup and recovery"): a
throwaway cluster archived by pgBackRest, destroyed and restored to a point in time."""

import pytest

from factories.models import Worker
from simulation import restore_drill
from simulation.chain import database_url

pytestmark = pytest.mark.postgres


def _numbers(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{n:05d}" for n in range(1, count + 1)]


def test_a_destroyed_cluster_restored_to_a_time_holds_every_row_before_it_and_none_after(
    django_db_setup, capsys
):
    # given a cluster with 30 workers in a full backup, 5 more in a differential, 5 written
    # after it, the target noted, and 5 more written after the target (all archived); when the
    # cluster's data folder is deleted and restored to the target
    result = restore_drill.run(source_url=database_url(), workers=30, batch=5)

    # then it holds the 40 workers written before the target and none of the 5 after
    with capsys.disabled():
        print(f"\nrestore drill: {result.summary()}")
    assert result.restored == sorted(_numbers("W", 30) + _numbers("D", 5) + _numbers("B", 5))
    assert result.unexpected == _numbers("A", 5)
    assert set(result.unexpected).isdisjoint(result.restored)
    assert result.recovery_seconds > 0
    assert result.database_bytes > 0 and result.backup_bytes > result.differential_bytes > 0


@pytest.mark.django_db
def test_the_drill_writer_refuses_a_cluster_that_is_not_the_drills():
    # given the test database on the shared server (not the drill's throwaway cluster)
    before = Worker.objects.count()

    # when the drill's writer is pointed at it, then it refuses and writes nothing
    with pytest.raises(restore_drill.DrillError, match="refusing to write drill rows"):
        restore_drill.batch_write(prefix="W", count=3)
    assert Worker.objects.count() == before


def test_a_misspelt_option_in_the_production_pgbackrest_conf_fails_the_drill(tmp_path):
    # given deploy/postgres/pgbackrest.conf with one option misspelt
    production = restore_drill.PRODUCTION_CONF.read_text()
    misspelt = tmp_path / "pgbackrest.conf"
    misspelt.write_text(production.replace("repo1-retention-full=", "repo1-retention-ful=", 1))
    cluster = restore_drill.ArchivingCluster(options_from=misspelt)
    try:
        cluster.init()
        cluster.start()

        # when the drill creates its stanza, then pgBackRest's warning fails it
        with pytest.raises(restore_drill.DrillError, match="invalid option 'repo1-retention-ful'"):
            cluster.pgbackrest("stanza-create")
    finally:
        cluster.remove()
