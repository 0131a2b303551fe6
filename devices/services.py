"""Writes of devices/: registry, credentials, alarms, policies."""

import re
import secrets
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import DomainError, NotAllowed
from core.models import User
from core.realtime import notify
from core.transitions import TransitionTable, transitions_apply
from devices.broker import (
    BrokerError,
    broker_client_disable,
    device_credentials_push,
    mosquitto_password_hash,
)
from devices.models import Alarm, Device, DeviceKind, Protocol, RegisterMap, TelemetryPolicy
from factories.models import Factory, SewingLine, Station, Worker

REGISTER_TYPES = {"int16", "uint16", "int32", "uint32", "float32"}
REGISTER_WIDTH = {"int16": 1, "uint16": 1, "int32": 2, "uint32": 2, "float32": 2}


def _resolve(factory: Factory, model, field: str, value: str, errors: dict, key: str):
    if not value:
        return None
    found = model.objects.filter(factory=factory, **{field: value}).first()
    if found is None:
        errors.setdefault(key, []).append(_("Unknown: %(value)s") % {"value": value})
    return found


def _validated_device(factory: Factory, data: dict, errors: dict) -> Device:
    code = (data.get("code") or "").strip()
    kind = (data.get("kind") or "").strip()
    protocol = (data.get("protocol") or Protocol.MQTT).strip()
    if not code or not all(ch.isalnum() or ch in "-_" for ch in code):
        errors.setdefault("code", []).append(_("Use letters, digits, - and _ only."))
    if kind not in DeviceKind.values:
        errors.setdefault("kind", []).append(_("Unknown device kind."))
    if protocol not in Protocol.values:
        errors.setdefault("protocol", []).append(_("Unknown protocol."))
    line = data.get("line")
    station = data.get("station")
    operator = data.get("operator")
    if isinstance(line, str):
        line = _resolve(factory, SewingLine, "code", line, errors, "line")
    if isinstance(station, str):
        station = _resolve(factory, Station, "code", station, errors, "station")
    if isinstance(operator, str):
        operator = _resolve(factory, Worker, "employee_no", operator, errors, "operator")
    for obj, key in ((line, "line"), (station, "station"), (operator, "operator")):
        if obj is not None and obj.factory_id != factory.pk:
            errors.setdefault(key, []).append(_("Not of this factory."))
    gateway = data.get("gateway")
    if isinstance(gateway, str):
        gateway = _resolve(factory, Device, "code", gateway, errors, "gateway")
    register_map = data.get("register_map")
    for obj, key in ((gateway, "gateway"), (register_map, "register_map")):
        if obj is not None and obj.factory_id != factory.pk:
            errors.setdefault(key, []).append(_("Not of this factory."))
    if protocol == Protocol.MODBUS_TCP and not (data.get("modbus_host") or "").strip():
        errors.setdefault("modbus_host", []).append(_("A Modbus device needs a host."))
    if station is not None and line is None:
        line = station.line
    return Device(
        gateway=gateway,
        register_map=register_map,
        modbus_host=(data.get("modbus_host") or "").strip(),
        modbus_port=int(data.get("modbus_port") or 502),
        modbus_unit=int(data.get("modbus_unit") or 1),
        poll_seconds=int(data.get("poll_seconds") or 5),
        factory=factory,
        code=code,
        name=(data.get("name") or "").strip(),
        kind=kind,
        vendor=(data.get("vendor") or "").strip(),
        model_name=(data.get("model") or data.get("model_name") or "").strip(),
        protocol=protocol,
        line=line,
        station=station,
        operator=operator,
    )


@transaction.atomic
def device_register(*, factory: Factory, data: dict, by: User | None = None) -> Device:
    """Register one device. `data` holds codes or objects for line/station/operator."""
    errors: dict = {}
    device = _validated_device(factory, data, errors)
    if not errors and Device.objects.filter(factory=factory, code=device.code).exists():
        errors["code"] = [_("A device with this code exists.")]
    if errors:
        raise DomainError(_("The device could not be registered."), errors=errors)
    device.save()
    return device


# What an import row may change on a device that exists (its code names it).
DEVICE_IMPORT_FIELDS = (
    "name",
    "kind",
    "vendor",
    "model_name",
    "protocol",
    "line",
    "station",
    "operator",
    "gateway",
    "modbus_host",
    "modbus_port",
)


def _device_data(device: Device) -> dict:
    """A device as import data (relations by code), for a row to be laid over."""
    return {
        "code": device.code,
        "name": device.name,
        "kind": device.kind,
        "vendor": device.vendor,
        "model": device.model_name,
        "protocol": device.protocol,
        "line": device.line.code if device.line else "",
        "station": device.station.code if device.station else "",
        "operator": device.operator.employee_no if device.operator else "",
        "gateway": device.gateway.code if device.gateway else "",
        "register_map": device.register_map,
        "modbus_host": device.modbus_host,
        "modbus_port": device.modbus_port,
        "modbus_unit": device.modbus_unit,
        "poll_seconds": device.poll_seconds,
    }


@transaction.atomic
def devices_import(*, factory: Factory, rows: list[dict], by: User | None = None) -> list[Device]:
    """Devices from a sheet (devices.sheets.DEVICES, read by core.sheet_lists): a row whose code
    exists updates that device (a column the sheet leaves out keeps its value), any other row
    registers one. Line, station, operator and gateway by code. All rows or none; a fault is
    keyed `rows[i].field`, which the sheet kit points at its cell."""
    existing = {
        device.code: device
        # PostgreSQL locks no row of an outer join's nullable side: lock the devices alone.
        for device in Device.objects.select_for_update(of=("self",), no_key=True)
        .filter(factory=factory)
        .select_related("line", "station", "operator", "gateway", "register_map")
    }
    pending, errors, codes = [], {}, set()
    for index, row in enumerate(rows):
        row_errors: dict = {}
        code = (row.get("code") or "").strip()
        current = existing.get(code)
        data = {**_device_data(current), **row} if current else dict(row)
        device = _validated_device(factory, data, row_errors)
        if code in codes:
            row_errors.setdefault("code", []).append(_("Duplicate code."))
        codes.add(code)
        for field, messages in row_errors.items():
            errors[f"rows[{index}].{field}"] = messages
        if current is not None:
            for name in DEVICE_IMPORT_FIELDS:
                setattr(current, name, getattr(device, name))
            device = current
        pending.append(device)
    if not pending:
        errors["file"] = [_("The file has no rows.")]
    if errors:
        raise DomainError(_("Nothing was imported: fix these rows."), errors=errors)
    for device in pending:
        device.save()
    return pending


@transaction.atomic
def device_credentials_issue(*, device: Device, by: User | None = None) -> str:
    """Give an MQTT device a new password and return it (shown once, never stored)."""
    if device.protocol != Protocol.MQTT:
        raise NotAllowed(_("Only MQTT devices have broker credentials."))
    password = secrets.token_urlsafe(18)
    device.mqtt_username = f"{device.factory.code}.{device.code}"
    device.mqtt_password_hash = mosquitto_password_hash(password)
    device.credentials_issued_at = timezone.now()
    device.save(update_fields=["mqtt_username", "mqtt_password_hash", "credentials_issued_at"])
    # The broker learns the password now, inside the transaction: if it cannot, nothing is
    # saved and the device keeps its old password (the new one exists nowhere else).
    try:
        device_credentials_push(device, password)
    except BrokerError as error:
        raise DomainError(
            _("The broker could not be told the new credentials; nothing was changed."),
            code="broker_unavailable",
            status_code=503,
        ) from error
    return password


@transaction.atomic
def device_retire(*, device: Device, by: User | None = None) -> Device:
    """Stop accepting a device's data and revoke its broker credentials."""
    device.is_active = False
    device.mqtt_password_hash = ""
    device.save(update_fields=["is_active", "mqtt_password_hash"])
    if device.mqtt_username:
        username = device.mqtt_username
        # Retried while the broker is away; the retirement itself stands either way (and
        # `manage.py mqtt_auth` disables any retired device the broker still lets in).
        transaction.on_commit(lambda: broker_client_disable.delay(username), robust=True)
    return device


REGISTER_TABLES = ("holding", "input")
REGISTER_ERROR_KEY = re.compile(r"registers\.(\d+)\.(\w+)")
MAX_REGISTER_ADDRESS = 65535


def _register_entry(index: int, entry, errors: dict) -> dict | None:
    """One register of a map, normalised; its faults go to `errors` under
    `registers.<index>.<field>` (a page puts them next to the cell, an import on its row)."""

    def fault(field: str, message) -> None:
        errors.setdefault(f"registers.{index}.{field}", []).append(message)

    if not isinstance(entry, dict):
        fault("metric", _("Give metric, address, type and table."))
        return None
    metric = entry.get("metric")
    metric = metric.strip() if isinstance(metric, str) else metric
    if not isinstance(metric, str) or not metric:
        fault("metric", _("Name the metric."))
    elif len(metric) > 60 or not all(ch.isalnum() or ch == "_" for ch in metric):
        fault("metric", _("Use letters, digits and _ only (at most 60)."))
    address = entry.get("address")
    whole = isinstance(address, int) and not isinstance(address, bool)
    if not whole or not 0 <= address <= MAX_REGISTER_ADDRESS:
        limit = {"max": MAX_REGISTER_ADDRESS}
        fault("address", _("Give a whole number from 0 to %(max)s.") % limit)
    kind = entry.get("type") or "uint16"
    if kind not in REGISTER_TYPES:
        fault("type", _("One of: %(types)s.") % {"types": ", ".join(sorted(REGISTER_TYPES))})
    table = entry.get("table") or "holding"
    if table not in REGISTER_TABLES:
        fault("table", _("holding or input."))
    scale = entry.get("scale", 1)
    try:
        scale = float(1 if scale in (None, "") else scale)
        if scale != scale or scale in (float("inf"), float("-inf")):  # NaN or infinite
            raise ValueError
    except (TypeError, ValueError):
        fault("scale", _("Give a number."))
    if any(key.startswith(f"registers.{index}.") for key in errors):
        return None
    return {
        "metric": metric,
        "address": address,
        "count": REGISTER_WIDTH[kind],
        "type": kind,
        "scale": scale,
        "table": table,
    }


def register_map_checked(
    *,
    factory: Factory,
    vendor: str,
    model_name: str,
    registers,
    unique: bool = True,
    exclude_pk: int | None = None,
) -> tuple[str, str, list[dict]]:
    """The map's vendor, model and registers normalised, or a DomainError naming each fault:
    `vendor`, `model_name`, `registers` (one line per bad register, for the API) and
    `registers.<i>.<field>` (for a page or a sheet to point at the cell)."""
    errors: dict = {}
    vendor, model_name = (vendor or "").strip(), (model_name or "").strip()
    for key, value in (("vendor", vendor), ("model_name", model_name)):
        if not value:
            errors[key] = [_("This field is required.")]
        elif len(value) > 60:
            errors[key] = [_("At most 60 characters.")]
    if not isinstance(registers, list) or not registers:
        errors["registers"] = [_("Give at least one register.")]
        registers = []
    normalized, seen = [], set()
    for index, entry in enumerate(registers):
        register = _register_entry(index, entry, errors)
        if register is None:
            errors.setdefault("registers", []).append(
                _("Register %(n)s needs metric, address, type and table.") % {"n": index + 1}
            )
            continue
        if register["metric"] in seen:
            errors.setdefault(f"registers.{index}.metric", []).append(
                _("This metric is already read by another register.")
            )
            errors.setdefault("registers", []).append(
                _("Register %(n)s repeats a metric.") % {"n": index + 1}
            )
        seen.add(register["metric"])
        normalized.append(register)
    if unique and vendor and model_name and "vendor" not in errors:
        taken = RegisterMap.objects.filter(factory=factory, vendor=vendor, model_name=model_name)
        if taken.exclude(pk=exclude_pk).exists():
            errors["model_name"] = [_("This vendor's model already has a register map.")]
    if errors:
        raise DomainError(_("The register map is not valid."), errors=errors)
    return vendor, model_name, normalized


@transaction.atomic
def register_map_save(
    *, factory: Factory, vendor: str, model_name: str, registers: list[dict], by=None
) -> RegisterMap:
    """Create or replace the register map of a vendor's device model (the API's create)."""
    vendor, model_name, normalized = register_map_checked(
        factory=factory, vendor=vendor, model_name=model_name, registers=registers, unique=False
    )
    register_map = RegisterMap.objects.filter(
        factory=factory, vendor=vendor, model_name=model_name
    ).first()
    if register_map is None:
        return RegisterMap.objects.create(
            factory=factory, vendor=vendor, model_name=model_name, registers=normalized
        )
    register_map.registers = normalized
    register_map.save(update_fields=["registers"])
    return register_map


@transaction.atomic
def register_map_create(
    *, factory: Factory, vendor: str, model_name: str, registers: list[dict], by=None
) -> RegisterMap:
    """A new register map; a vendor's model that has one already is refused (edit that one)."""
    vendor, model_name, normalized = register_map_checked(
        factory=factory, vendor=vendor, model_name=model_name, registers=registers
    )
    return RegisterMap.objects.create(
        factory=factory, vendor=vendor, model_name=model_name, registers=normalized
    )


@transaction.atomic
def register_map_update(
    *, register_map: RegisterMap, vendor: str, model_name: str, registers: list[dict], by=None
) -> RegisterMap:
    """Change a register map; the devices that use it read the new registers at their next
    poll."""
    register_map = RegisterMap.objects.select_for_update(no_key=True).get(pk=register_map.pk)
    vendor, model_name, normalized = register_map_checked(
        factory=register_map.factory,
        vendor=vendor,
        model_name=model_name,
        registers=registers,
        exclude_pk=register_map.pk,
    )
    register_map.vendor, register_map.model_name = vendor, model_name
    register_map.registers = normalized
    register_map.save(update_fields=["vendor", "model_name", "registers"])
    return register_map


@transaction.atomic
def register_maps_import(*, factory: Factory, rows: list[dict], by=None) -> tuple[int, int]:
    """Register maps from a sheet of one register per row: the rows of one vendor's model
    (in file order) are that model's whole map, replacing the stored one or adding it. All
    maps or none; a fault is keyed `rows[i].field` at the row it comes from. Returns (added,
    updated)."""
    groups: dict[tuple[str, str], list[int]] = {}
    for index, row in enumerate(rows):
        key = ((row.get("vendor") or "").strip(), (row.get("model_name") or "").strip())
        groups.setdefault(key, []).append(index)
    existing = {
        (m.vendor, m.model_name): m
        for m in RegisterMap.objects.select_for_update(no_key=True).filter(factory=factory)
    }
    errors: dict = {}
    pending = []
    for (vendor, model_name), indexes in groups.items():
        registers = [
            {key: value for key, value in rows[i].items() if key not in ("vendor", "model_name")}
            for i in indexes
        ]
        try:
            _vendor, _model, normalized = register_map_checked(
                factory=factory,
                vendor=vendor,
                model_name=model_name,
                registers=registers,
                unique=False,
            )
        except DomainError as error:
            for key, texts in error.errors.items():
                match = REGISTER_ERROR_KEY.fullmatch(key)
                if match:
                    errors[f"rows[{indexes[int(match[1])]}].{match[2]}"] = texts
                elif key in ("vendor", "model_name"):
                    errors[f"rows[{indexes[0]}].{key}"] = texts
            continue
        pending.append((vendor, model_name, normalized))
    if errors:
        raise DomainError(_("Nothing was imported: fix these rows."), errors=errors)
    added = 0
    for vendor, model_name, normalized in pending:
        register_map = existing.get((vendor, model_name))
        if register_map is None:
            RegisterMap.objects.create(
                factory=factory, vendor=vendor, model_name=model_name, registers=normalized
            )
            added += 1
        elif register_map.registers != normalized:
            register_map.registers = normalized
            register_map.save(update_fields=["registers"])
    return added, len(pending) - added


def telemetry_policy_for(factory_id: int) -> TelemetryPolicy:
    policy = TelemetryPolicy.objects.filter(factory_id=factory_id).first()
    return policy or TelemetryPolicy(factory_id=factory_id)


# --- alarms --------------------------------------------------------------------------------

A = Alarm.State
# open → acknowledged → cleared; an open alarm may clear without being acknowledged.
ALARM_TRANSITIONS = TransitionTable(
    Alarm,
    {A.OPEN: {A.ACKNOWLEDGED, A.CLEARED}, A.ACKNOWLEDGED: {A.CLEARED}, A.CLEARED: set()},
    field="state",
)


@transaction.atomic
def alarms_transition(
    *, alarms: Sequence[Alarm], to: str, by: User | None, reason: str = "", values=None
) -> int:
    """Move locked alarms to `to` if the table allows it for each (else NotAllowed, nothing
    written); audited with `reason`, announced to live screens. Returns how many moved."""
    moved = transitions_apply(
        table=ALARM_TRANSITIONS, instances=alarms, to=to, by=by, reason=reason, values=values
    )
    for alarm in alarms:
        notify(
            alarm.factory_id,
            "alarm",
            {"id": alarm.pk, "kind": alarm.kind, "subject": alarm.subject, "state": alarm.state},
        )
    return moved


@transaction.atomic
def alarm_raise(
    *,
    factory_id: int,
    kind: str,
    subject: str,
    message: str,
    device: Device | None = None,
    station_id: int | None = None,
    value: int | None = None,
) -> Alarm | None:
    """Open an alarm unless one is already live for this subject; returns the new one."""
    live = Alarm.objects.filter(factory_id=factory_id, kind=kind, subject=subject).exclude(
        state=Alarm.State.CLEARED
    )
    if live.exists():
        live.update(value=value)
        return None
    alarm = Alarm.objects.create(
        factory_id=factory_id,
        kind=kind,
        subject=subject,
        message=message[:200],
        device=device,
        station_id=station_id,
        value=value,
        opened_at=timezone.now(),
    )
    notify(factory_id, "alarm", {"id": alarm.pk, "kind": kind, "state": alarm.state})
    return alarm


@transaction.atomic
def alarm_clear_condition(*, factory_id: int, kind: str, subject: str) -> int:
    """The condition is gone: clear the live alarm of this subject (if any)."""
    live = list(
        Alarm.objects.select_for_update(no_key=True)
        .filter(factory_id=factory_id, kind=kind, subject=subject)
        .exclude(state=A.CLEARED)
    )
    return alarms_transition(
        alarms=live,
        to=A.CLEARED,
        by=None,
        values={"cleared_at": timezone.now()},
    )


@transaction.atomic
def alarm_acknowledge(*, alarm: Alarm, by: User) -> Alarm:
    """A person has seen the alarm and is on it."""
    alarm = Alarm.objects.select_for_update(no_key=True).get(pk=alarm.pk)
    alarms_transition(
        alarms=[alarm],
        to=A.ACKNOWLEDGED,
        by=by,
        values={"acknowledged_at": timezone.now(), "acknowledged_by": by},
    )
    return alarm


@transaction.atomic
def alarm_clear(*, alarm: Alarm, by: User) -> Alarm:
    """A person closes the alarm by hand (e.g. the machine is retired)."""
    alarm = Alarm.objects.select_for_update(no_key=True).get(pk=alarm.pk)
    alarms_transition(alarms=[alarm], to=A.CLEARED, by=by, values={"cleared_at": timezone.now()})
    return alarm


@transaction.atomic
def telemetry_policy_update(*, factory: Factory, changes: dict, by: User | None = None):
    """Change the factory's retention and alarm thresholds (validated field values)."""
    allowed = {f.name for f in TelemetryPolicy._meta.concrete_fields} - {"id", "factory"}
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError(
            _("Unknown settings."), errors={name: [_("Unknown.")] for name in unknown}
        )
    if changes.get("retention_days", 1) < 1:
        raise DomainError(
            _("Keep raw telemetry for at least a day."),
            errors={"retention_days": [_("At least 1.")]},
        )
    policy, _created = TelemetryPolicy.objects.get_or_create(factory=factory)
    for name, value in changes.items():
        setattr(policy, name, value)
    policy.save()
    return policy


def publish_refusals_record(refusals: dict[tuple[str, str], int]) -> list[Alarm]:
    """Raise (or add to) a `publish_refused` alarm on each device the broker refused a publish
    from. `refusals` maps (client id, topic) to a count, as devices.broker.refused_publishes
    reads them from the broker's log; a device's client id is its username (dynamic security
    binds them), so a client id that names no device is not ours to report and is skipped.
    Returns the alarms touched."""
    per_device: dict[str, dict[str, int]] = {}
    for (client_id, topic), count in refusals.items():
        per_device.setdefault(client_id, {})
        per_device[client_id][topic] = per_device[client_id].get(topic, 0) + count
    devices = Device.objects.filter(mqtt_username__in=per_device, protocol=Protocol.MQTT)
    touched = []
    for device in devices:
        topics = per_device[device.mqtt_username]
        subject = f"device:{device.pk}:refused"
        with transaction.atomic():
            live = (
                Alarm.objects.select_for_update(no_key=True)
                .filter(factory_id=device.factory_id, kind=Alarm.Kind.PUBLISH_REFUSED)
                .filter(subject=subject)
                .exclude(state=A.CLEARED)
                .first()
            )
            total = ((live.value or 0) if live else 0) + sum(topics.values())
            last_topic = list(topics)[-1]
            message = ngettext(
                "The broker refused %(count)s publish, to %(topic)s",
                "The broker refused %(count)s publishes, the last to %(topic)s",
                total,
            ) % {
                "count": total,
                "topic": last_topic,
            }
            if live is None:
                alarm = alarm_raise(
                    factory_id=device.factory_id,
                    kind=Alarm.Kind.PUBLISH_REFUSED,
                    subject=subject,
                    message=message,
                    device=device,
                    value=total,
                )
            else:
                live.value, live.message = total, message[:200]
                live.save(update_fields=["value", "message"])
                alarm = live
        if alarm is not None:
            touched.append(alarm)
    return touched
