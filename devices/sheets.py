"""The devices set-up lists as Excel sheets (core.sheet_lists): the device registry, and the
register maps, written one register per row under its vendor and model (the rows of one
vendor's model make one map)."""

from django.utils.translation import gettext_lazy as _

from core.sheet_lists import (
    CellValueError,
    Column,
    SheetList,
    choice,
    choice_label,
    integer,
    text,
)
from devices.models import DeviceKind, Protocol
from devices.services import MAX_REGISTER_ADDRESS, REGISTER_TABLES, REGISTER_TYPES


def number(value: str) -> float:
    try:
        parsed = float(value.replace(",", ""))
    except ValueError:
        raise CellValueError(_("Not a number.")) from None
    if parsed != parsed or parsed in (float("inf"), float("-inf")):
        raise CellValueError(_("Not a number."))
    return parsed


REGISTER_MAPS = SheetList(
    name="register-maps",
    title=_("Register maps"),
    columns=[
        Column("vendor", _("Vendor"), required=True, parse=text(max_length=60), aliases=("厂商",)),
        Column(
            "model_name",
            _("Model"),
            required=True,
            parse=text(max_length=60),
            aliases=("model", "型号"),
            help=_("The rows of one vendor's model are its whole map: it replaces the stored one."),
        ),
        Column(
            "metric",
            _("Metric"),
            required=True,
            parse=text(max_length=60),
            aliases=("指标",),
            help=_("A name ending in _total is a running counter (its increase is reported)."),
        ),
        Column(
            "address",
            _("Address"),
            required=True,
            parse=integer(minimum=0, maximum=MAX_REGISTER_ADDRESS),
            aliases=("地址",),
        ),
        Column(
            "type",
            _("Type"),
            parse=choice([(name, name) for name in sorted(REGISTER_TYPES)]),
            default="uint16",
            aliases=("类型",),
            help=_("uint16, int16, uint32, int32 or float32."),
        ),
        Column("scale", _("Scale"), parse=number, default=1, aliases=("倍率",)),
        Column(
            "table",
            _("Table"),
            parse=choice([(name, name) for name in REGISTER_TABLES]),
            default="holding",
            aliases=("寄存器表",),
            help=_("holding or input."),
        ),
    ],
)


def register_map_records(maps) -> list[dict]:
    """Register maps as rows of REGISTER_MAPS, one per register."""
    return [
        {
            "vendor": register_map.vendor,
            "model_name": register_map.model_name,
            "metric": entry["metric"],
            "address": entry["address"],
            "type": entry["type"],
            "scale": entry.get("scale", 1),
            "table": entry.get("table", "holding"),
        }
        for register_map in maps
        for entry in register_map.registers
    ]


DEVICES = SheetList(
    name="devices",
    title=_("Devices"),
    columns=[
        Column(
            "code",
            _("Code"),
            required=True,
            unique=True,
            parse=text(max_length=40),
            aliases=("编号", "设备编号"),
            help=_("Letters, digits, - and _; an existing code updates that device."),
        ),
        Column("name", _("Name"), parse=text(max_length=100), default="", aliases=("名称",)),
        Column(
            "kind",
            _("Kind"),
            required=True,
            parse=choice(DeviceKind.choices),
            aliases=("类型",),
            help=_("Hanging-line station or controller, cutter, spreader, sewing machine…"),
        ),
        Column("vendor", _("Vendor"), parse=text(max_length=60), default="", aliases=("厂商",)),
        Column(
            "model",
            _("Model"),
            parse=text(max_length=60),
            default="",
            aliases=("型号", "model_name"),
        ),
        Column(
            "protocol",
            _("Protocol"),
            parse=choice(Protocol.choices),
            default=Protocol.MQTT,
            aliases=("协议",),
        ),
        Column("line", _("Line code"), parse=text(max_length=20), default="", aliases=("产线",)),
        Column(
            "station", _("Station code"), parse=text(max_length=20), default="", aliases=("工位",)
        ),
        Column(
            "operator",
            _("Operator employee no."),
            parse=text(max_length=40),
            default="",
            aliases=("操作工", "工号"),
        ),
        Column(
            "gateway",
            _("Gateway code"),
            parse=text(max_length=40),
            default="",
            aliases=("网关",),
            help=_("The controller that may report for this device."),
        ),
        Column(
            "modbus_host",
            _("Modbus host"),
            parse=text(max_length=100),
            default="",
            aliases=("Modbus地址",),
            help=_("Modbus devices only."),
        ),
        Column(
            "modbus_port",
            _("Modbus port"),
            parse=integer(minimum=1, maximum=65535),
            default=502,
            aliases=("Modbus端口",),
        ),
    ],
)


def device_records(devices) -> list[dict]:
    """Devices as rows of DEVICES (relations by code)."""
    return [
        {
            "code": d.code,
            "name": d.name,
            "kind": choice_label(DeviceKind.choices, d.kind),
            "vendor": d.vendor,
            "model": d.model_name,
            "protocol": choice_label(Protocol.choices, d.protocol),
            "line": d.line.code if d.line else "",
            "station": d.station.code if d.station else "",
            "operator": d.operator.employee_no if d.operator else "",
            "gateway": d.gateway.code if d.gateway else "",
            "modbus_host": d.modbus_host,
            "modbus_port": d.modbus_port,
        }
        for d in devices
    ]
