"""The devices set-up lists as Excel sheets (core.sheet_lists). A register map is written one
register per row, under its vendor and model: the rows of one vendor's model make one map."""

from django.utils.translation import gettext_lazy as _

from core.sheet_lists import CellValueError, Column, SheetList, choice, integer, text
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
