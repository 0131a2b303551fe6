"""Per-factory retention of raw telemetry.

Partitions hold every factory's rows of a day, so a partition is dropped once it is older than
the longest retention of any factory; a factory that keeps less has its rows deleted from the
partitions still kept. Rollups are kept as long as the raw data they summarize plus a year.
"""

from datetime import UTC, date, datetime, time, timedelta

from devices.models import MinuteRollup, TelemetryPolicy, TelemetryRecord
from devices.partitions import is_partitioned, partitions_drop_before

DEFAULT_RETENTION_DAYS = TelemetryPolicy._meta.get_field("retention_days").default


def telemetry_retention_apply(*, today: date) -> dict:
    policies = dict(TelemetryPolicy.objects.values_list("factory_id", "retention_days"))
    longest = max([DEFAULT_RETENTION_DAYS, *policies.values()])
    dropped = partitions_drop_before(today - timedelta(days=longest)) if is_partitioned() else []
    deleted = 0
    factory_ids = set(TelemetryRecord.objects.values_list("factory_id", flat=True).distinct())
    for factory_id in factory_ids:
        days = policies.get(factory_id, DEFAULT_RETENTION_DAYS)
        cutoff = datetime.combine(today - timedelta(days=days), time.min, tzinfo=UTC)
        count, _ = TelemetryRecord.objects.filter(factory_id=factory_id, time__lt=cutoff).delete()
        deleted += count
        MinuteRollup.objects.filter(
            factory_id=factory_id, minute__lt=cutoff - timedelta(days=365)
        ).delete()
    return {"dropped_partitions": dropped, "deleted_rows": deleted}
