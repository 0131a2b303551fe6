"""The alarm rules, evaluated per factory by a beat task (idempotent: raising an alarm that is
already live, or clearing one that is not, changes nothing)."""

from datetime import datetime, timedelta

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from devices import services
from devices.models import Alarm, Device, DeviceKind, MinuteRollup, PollStatus
from devices.selectors import station_wip
from factories.calendar import shift_window_at
from factories.clock import local_date, local_midnight
from factories.models import Factory


def shift_now(factory: Factory, now: datetime) -> tuple[bool, datetime]:
    """Whether `now` is inside one of the factory's shifts on a working day of its calendar
    (`factories.calendar`: its shifts, its week, holidays and 调休), and where the alarms' shift
    began: the current shift's start, or outside a shift the start of the factory's day."""
    window = shift_window_at(factory, now)
    if window is not None:
        return True, window.start
    return False, local_midnight(factory, local_date(factory, now))


def devices_offline_check(*, factory_id: int, now: datetime, policy) -> None:
    cutoff = now - timedelta(minutes=policy.offline_after_minutes)
    devices = Device.objects.filter(factory_id=factory_id, is_active=True).exclude(
        last_seen_at__isnull=True
    )
    for device in devices.filter(last_seen_at__lt=cutoff):
        if device.is_online:
            Device.objects.filter(pk=device.pk).update(is_online=False)
        services.alarm_raise(
            factory_id=factory_id,
            kind=Alarm.Kind.DEVICE_OFFLINE,
            subject=f"device:{device.pk}",
            message=_("%(device)s has not reported for %(minutes)s minutes")
            % {"device": device, "minutes": policy.offline_after_minutes},
            device=device,
        )
    for device_id in devices.filter(last_seen_at__gte=cutoff).values_list("pk", flat=True):
        services.alarm_clear_condition(
            factory_id=factory_id, kind=Alarm.Kind.DEVICE_OFFLINE, subject=f"device:{device_id}"
        )


def devices_misconfigured_check(*, factory_id: int) -> None:
    """The poller raises *device misconfigured* and clears it at the next good poll; a device
    that will not be polled again (retired, or no longer Modbus) has its alarm cleared here."""
    live = Alarm.objects.filter(
        factory_id=factory_id, kind=Alarm.Kind.DEVICE_MISCONFIGURED
    ).exclude(state=Alarm.State.CLEARED)
    still = Device.objects.filter(
        factory_id=factory_id, is_active=True, poll_status=PollStatus.MISCONFIGURED
    ).values_list("pk", flat=True)
    for subject in live.exclude(device_id__in=still).values_list("subject", flat=True):
        services.alarm_clear_condition(
            factory_id=factory_id, kind=Alarm.Kind.DEVICE_MISCONFIGURED, subject=subject
        )


def machines_stopped_check(*, factory_id: int, now: datetime, policy, in_shift: bool) -> None:
    since = now - timedelta(minutes=policy.stopped_after_minutes)
    machines = Device.objects.filter(
        factory_id=factory_id, is_active=True, is_online=True, kind=DeviceKind.SEWING_MACHINE
    )
    totals = {
        row["device_id"]: row
        for row in MinuteRollup.objects.filter(
            factory_id=factory_id, device__in=machines, minute__gte=since
        )
        .values("device_id")
        .annotate(running=Sum("running_seconds"), stopped=Sum("stopped_seconds"))
    }
    for device in machines:
        row = totals.get(device.pk)
        stopped = in_shift and row is not None and row["running"] == 0 and row["stopped"] > 0
        subject = f"device:{device.pk}"
        if stopped:
            services.alarm_raise(
                factory_id=factory_id,
                kind=Alarm.Kind.MACHINE_STOPPED,
                subject=subject,
                message=_("%(device)s stopped for %(minutes)s minutes during the shift")
                % {"device": device, "minutes": policy.stopped_after_minutes},
                device=device,
                value=row["stopped"],
            )
        else:
            services.alarm_clear_condition(
                factory_id=factory_id, kind=Alarm.Kind.MACHINE_STOPPED, subject=subject
            )


def station_wip_check(*, factory_id: int, shift_start: datetime, policy) -> None:
    for row in station_wip(factory_id, shift_start)["stations"]:
        subject = f"station:{row['station_id']}"
        if row["wip"] > policy.wip_threshold:
            services.alarm_raise(
                factory_id=factory_id,
                kind=Alarm.Kind.STATION_WIP,
                subject=subject,
                message=_("%(wip)s hangers waiting (more than %(limit)s)")
                % {"wip": row["wip"], "limit": policy.wip_threshold},
                station_id=row["station_id"],
                value=row["wip"],
            )
        else:
            services.alarm_clear_condition(
                factory_id=factory_id, kind=Alarm.Kind.STATION_WIP, subject=subject
            )


def alarms_evaluate(*, factory_id: int, now: datetime | None = None) -> None:
    now = now or timezone.now()
    factory = Factory.objects.get(pk=factory_id)
    policy = services.telemetry_policy_for(factory_id)
    in_shift, shift_start = shift_now(factory, now)
    devices_offline_check(factory_id=factory_id, now=now, policy=policy)
    devices_misconfigured_check(factory_id=factory_id)
    machines_stopped_check(factory_id=factory_id, now=now, policy=policy, in_shift=in_shift)
    station_wip_check(factory_id=factory_id, shift_start=shift_start, policy=policy)
