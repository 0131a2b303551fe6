"""Devices of a factory floor and what they report: registry, telemetry, rollups, alarms.

Telemetry is written by the ingest (MQTT) and the Modbus poller through one path
(`devices.ingest`); on PostgreSQL `TelemetryRecord` is a time-partitioned table (see
migrations/0002 and `devices.partitions`), elsewhere a plain table.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.roles import OrgKind
from core.tenancy import TenantModel
from factories.tenancy import FactoryOwned


class DeviceKind(models.TextChoices):
    HANGING_STATION = "hanging_station", _("Hanging-line station")
    HANGING_CONTROLLER = "hanging_controller", _("Hanging-line controller")
    CUTTER = "cutter", _("Automatic cutter")
    SPREADER = "spreader", _("Spreader")
    SEWING_MACHINE = "sewing_machine", _("Sewing machine")
    GATEWAY = "gateway", _("Gateway")
    OTHER = "other", _("Other")


class Protocol(models.TextChoices):
    MQTT = "mqtt", _("MQTT")
    MODBUS_TCP = "modbus_tcp", _("Modbus TCP")


class PollStatus(models.TextChoices):
    """How the last Modbus poll of a device went: a device that does not answer is offline; one
    that answers with an exception (illegal address or function, short read) is misconfigured:
    its register map or unit id is wrong, and waiting will not fix it."""

    OK = "ok", _("Answering")
    OFFLINE = "offline", _("Not answering")
    MISCONFIGURED = "misconfigured", _("Misconfigured")


class RegisterMap(FactoryOwned):
    """How to read one vendor's device model over Modbus: a list of registers, kept as data.

    Each entry: {"metric", "address", "count", "type" (int16|uint16|int32|uint32|float32),
    "scale", "table" (holding|input)}. The poller reads them and reports {metric: value}.
    """

    vendor = models.CharField(_("vendor"), max_length=60)
    model_name = models.CharField(_("model"), max_length=60)
    registers = models.JSONField(_("registers"), default=list)

    class Meta:
        verbose_name = _("register map")
        verbose_name_plural = _("register maps")
        ordering = ["vendor", "model_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "vendor", "model_name"], name="register_map_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} {self.model_name}"


class Device(FactoryOwned):
    """A connected machine: hanging-line station or controller, cutter, sewing machine…

    MQTT devices authenticate with their own username (`<factory code>.<device code>`), as the
    client id of the same name, and a password the platform generates, hands to the broker's
    dynamic-security plugin and shows once; only its hash is kept here.
    """

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=DeviceKind.choices)
    vendor = models.CharField(_("vendor"), max_length=60, blank=True)
    model_name = models.CharField(_("model"), max_length=60, blank=True)
    protocol = models.CharField(
        _("protocol"), max_length=16, choices=Protocol.choices, default=Protocol.MQTT
    )
    line = models.ForeignKey(
        "factories.SewingLine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("line"),
    )
    station = models.ForeignKey(
        "factories.Station",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("station"),
    )
    operator = models.ForeignKey(
        "factories.Worker",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("operator"),
    )
    gateway = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("gateway"),
        help_text=_("A gateway or line controller that may report for this device."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_online = models.BooleanField(_("online"), default=False)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    # MQTT credentials
    mqtt_username = models.CharField(_("MQTT username"), max_length=90, blank=True)
    mqtt_password_hash = models.CharField(max_length=200, blank=True)
    credentials_issued_at = models.DateTimeField(_("credentials issued"), null=True, blank=True)
    # Made by `manage.py simulate` (simulation/): the simulator issues credentials only to these,
    # never to a real device of the same factory.
    simulated = models.BooleanField(
        _("simulated"),
        default=False,
        help_text=_("Made by the simulator; only the simulator may issue its credentials."),
    )
    # Modbus TCP
    register_map = models.ForeignKey(
        RegisterMap,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("register map"),
    )
    modbus_host = models.CharField(_("Modbus host"), max_length=100, blank=True)
    modbus_port = models.PositiveIntegerField(_("Modbus port"), default=502)
    modbus_unit = models.PositiveSmallIntegerField(_("Modbus unit id"), default=1)
    poll_seconds = models.PositiveIntegerField(_("poll period (s)"), default=5)
    poll_failures = models.PositiveIntegerField(default=0)
    next_poll_at = models.DateTimeField(null=True, blank=True)
    poll_status = models.CharField(
        _("poll status"), max_length=16, choices=PollStatus.choices, blank=True
    )
    poll_error = models.CharField(_("last poll error"), max_length=300, blank=True)
    # The running totals ("…_total" registers) of the last reading that counted, and when it
    # was read: kept here, not in a poller's memory, so any number of pollers share them and
    # an increase is reported once (devices.modbus computes deltas under a row lock).
    modbus_totals = models.JSONField(default=dict, blank=True)
    modbus_totals_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "code"], name="device_code_unique"),
            models.UniqueConstraint(
                fields=["mqtt_username"],
                condition=~Q(mqtt_username=""),
                name="device_mqtt_username_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.code


class TelemetryRecord(FactoryOwned):
    """One record a device reported (an event, a sample, a status), exactly once.

    (device, sequence, time) is unique, so a redelivered message never makes a second row.
    On PostgreSQL the table is partitioned by `time` (daily range partitions, BRIN on time)
    and its foreign keys are not enforced by the database: the ingest resolves the device
    itself, and per-row foreign-key triggers would halve the COPY rate.
    """

    factory = models.ForeignKey(
        "factories.Factory",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("factory"),
    )
    device = models.ForeignKey(
        Device,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="records",
        verbose_name=_("device"),
    )
    sequence = models.BigIntegerField(_("sequence"))
    time = models.DateTimeField(_("device time"))
    received_at = models.DateTimeField(_("received at"))
    kind = models.CharField(_("kind"), max_length=32)
    data = models.JSONField(_("data"), default=dict)

    class Meta:
        verbose_name = _("telemetry record")
        verbose_name_plural = _("telemetry records")
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "device", "sequence", "time"], name="telemetry_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.device_id}#{self.sequence} {self.kind}"


class DeadLetter(TenantModel):
    """A message (or one record of a batch) the ingest could not accept, with the reason.

    The factory is unknown when the topic names no known factory; such rows are visible to
    platform operators only (admin), never to a tenant.
    """

    class Reason(models.TextChoices):
        MALFORMED = "malformed", _("Malformed JSON")
        INVALID = "invalid", _("Invalid record")
        UNKNOWN_DEVICE = "unknown_device", _("Unknown device")
        WRONG_FACTORY = "wrong_factory", _("Wrong factory")
        BAD_TOPIC = "bad_topic", _("Unknown topic")
        OVERSIZE = "oversize", _("Payload too large")
        DUPLICATE = "duplicate", _("Sequence already received")
        TIME_OUT_OF_RANGE = "time_out_of_range", _("Device time out of range")
        NOT_BEHIND_GATEWAY = "not_behind_gateway", _("Device not behind this gateway")
        OUT_OF_RANGE = "out_of_range", _("Value out of range")
        UNDECODABLE = "undecodable", _("Could not be decoded")
        REFUSED = "refused", _("Refused by the database")
        FACTORY_CLOSING = "factory_closing", _("Factory closing (read-only)")

    factory = models.ForeignKey(
        "factories.Factory",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("factory"),
    )
    device = models.ForeignKey(
        Device,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dead_letters",
        verbose_name=_("device"),
    )
    topic = models.CharField(_("topic"), max_length=300)
    payload = models.BinaryField(_("payload"))
    reason = models.CharField(_("reason"), max_length=24, choices=Reason.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("received at"), db_index=True)

    class Meta:
        verbose_name = _("dead letter")
        verbose_name_plural = _("dead letters")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.topic}: {self.reason}"

    @classmethod
    def scope_for(cls, org) -> Q:
        if org.kind == OrgKind.FACTORY:
            return Q(factory_id=org.pk)
        return Q(pk__in=[])


class TelemetryPolicy(FactoryOwned):
    """A factory's telemetry settings: retention and alarm thresholds (one row per factory).
    The alarms' shift window is the factory's shifts on its working days (factories.calendar)."""

    retention_days = models.PositiveIntegerField(_("keep raw telemetry (days)"), default=90)
    offline_after_minutes = models.PositiveIntegerField(
        _("device offline after (minutes)"), default=5
    )
    stopped_after_minutes = models.PositiveIntegerField(
        _("machine stopped alarm after (minutes)"), default=10
    )
    wip_threshold = models.PositiveIntegerField(_("station WIP alarm above (hangers)"), default=12)

    class Meta:
        verbose_name = _("telemetry policy")
        verbose_name_plural = _("telemetry policies")
        constraints = [
            models.UniqueConstraint(fields=["factory"], name="telemetry_policy_unique"),
        ]

    def __str__(self) -> str:
        return str(self.factory)


class MinuteRollup(FactoryOwned):
    """Per device and minute: what dashboards draw (recomputed idempotently from raw records).

    The counts are 64-bit: a sum of counters the ingest accepts always fits (rollups clamp at
    the column's maximum rather than fail)."""

    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="rollups", verbose_name=_("device")
    )
    station = models.ForeignKey(
        "factories.Station",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("station"),
    )
    minute = models.DateTimeField(_("minute"))
    running_seconds = models.PositiveBigIntegerField(_("running (s)"), default=0)
    idle_seconds = models.PositiveBigIntegerField(_("idle (s)"), default=0)
    stopped_seconds = models.PositiveBigIntegerField(_("stopped (s)"), default=0)
    stitches = models.PositiveBigIntegerField(_("stitches"), default=0)
    trims = models.PositiveBigIntegerField(_("thread trims"), default=0)
    arrivals = models.PositiveBigIntegerField(_("hangers arrived"), default=0)
    departures = models.PositiveBigIntegerField(_("hangers left"), default=0)
    pieces = models.PositiveBigIntegerField(_("pieces"), default=0)
    events = models.PositiveBigIntegerField(_("events"), default=0)

    class Meta:
        verbose_name = _("minute rollup")
        verbose_name_plural = _("minute rollups")
        ordering = ["-minute"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "device", "minute"], name="rollup_unique"),
        ]
        indexes = [models.Index(fields=["factory", "minute"], name="rollup_factory_minute")]

    def __str__(self) -> str:
        return f"{self.device_id} {self.minute:%H:%M}"


class FailedRollupMinute(FactoryOwned):
    """A minute of a factory whose rollup failed (for one device or all): the rollup refresh
    rebuilds it again until it succeeds, then deletes this row."""

    minute = models.DateTimeField(_("minute"))
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    failed_at = models.DateTimeField(_("last failed at"))

    class Meta:
        verbose_name = _("failed rollup minute")
        verbose_name_plural = _("failed rollup minutes")
        ordering = ["minute"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "minute"], name="failed_rollup_once"),
        ]

    def __str__(self) -> str:
        return f"{self.factory_id} {self.minute:%Y-%m-%d %H:%M}"


class Alarm(FactoryOwned):
    """Something on the floor needs a person: open → acknowledged → cleared."""

    class Kind(models.TextChoices):
        DEVICE_OFFLINE = "device_offline", _("Device offline")
        MACHINE_STOPPED = "machine_stopped", _("Machine stopped during shift")
        STATION_WIP = "station_wip", _("Station WIP over threshold")
        DEVICE_MISCONFIGURED = "device_misconfigured", _("Device misconfigured")
        PUBLISH_REFUSED = "publish_refused", _("Publish refused by the broker")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        CLEARED = "cleared", _("Cleared")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    # What the alarm is about, e.g. "device:12" or "station:4": one live alarm per subject.
    subject = models.CharField(_("subject"), max_length=40)
    device = models.ForeignKey(
        Device,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alarms",
        verbose_name=_("device"),
    )
    station = models.ForeignKey(
        "factories.Station",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("station"),
    )
    message = models.CharField(_("message"), max_length=200)
    value = models.BigIntegerField(_("value"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)

    class Meta:
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "kind", "subject"],
                condition=~Q(state="cleared"),
                name="alarm_one_live_per_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject}"


class StationHandoff(FactoryOwned):
    """A hanger event handed to production: the key that makes one event one record.

    Written in the same transaction as production's operation record, so a retried task finds
    it and does nothing. An event for a work order not yet released to cutting waits (with
    that work order) and is handed off again once the work order is released
    (devices.handoff.station_handoffs_retry).
    """

    class Outcome(models.TextChoices):
        RECORDED = "recorded", _("Recorded")
        REJECTED = "rejected", _("Rejected")
        WAITING = "waiting", _("Waiting for the work order's release")

    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="handoffs", verbose_name=_("device")
    )
    sequence = models.BigIntegerField(_("sequence"))
    record_id = models.BigIntegerField(_("telemetry record"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    operation_record = models.ForeignKey(
        "production.OperationRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("operation record"),
    )
    work_order = models.ForeignKey(
        "production.WorkOrder",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("waiting for work order"),
    )
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("station hand-off")
        verbose_name_plural = _("station hand-offs")
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "device", "sequence"], name="station_handoff_once"
            ),
        ]
        indexes = [
            models.Index(
                fields=["work_order"],
                condition=Q(outcome="waiting"),
                name="station_handoff_waiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.device_id}#{self.sequence} {self.outcome}"


class IngestSession(models.Model):
    """The MQTT session of one ingest process (devices.sessions), so that a live ingest can take
    over and end the session of one that went away (kill -9, scaled down, host renamed) instead
    of leaving its share of the stream waiting on the broker. Platform-level, not a tenant's."""

    client_id = models.CharField(_("client id"), max_length=128, unique=True)
    host = models.CharField(_("host"), max_length=255, blank=True)
    pid = models.IntegerField(_("process id"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    seen_at = models.DateTimeField(_("last seen at"), auto_now=True)

    class Meta:
        verbose_name = _("ingest session")
        verbose_name_plural = _("ingest sessions")

    def __str__(self):
        return self.client_id
