import factory as fb

from devices.models import Device, DeviceKind, Protocol, RegisterMap
from tests.factories.floor import FactoryFactory

__all__ = ["DeviceFactory", "RegisterMapFactory", "SEWING_REGISTERS"]

SEWING_REGISTERS = [
    {
        "metric": "state",
        "address": 0,
        "count": 1,
        "type": "uint16",
        "scale": 1.0,
        "table": "holding",
    },
    {
        "metric": "stitches_total",
        "address": 1,
        "count": 2,
        "type": "uint32",
        "scale": 1.0,
        "table": "holding",
    },
    {
        "metric": "run_s_total",
        "address": 3,
        "count": 2,
        "type": "uint32",
        "scale": 1.0,
        "table": "holding",
    },
]


class RegisterMapFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = RegisterMap

    factory = fb.SubFactory(FactoryFactory)
    vendor = "Jack"
    model_name = fb.Sequence(lambda n: f"A{n}")
    registers = fb.LazyFunction(lambda: [dict(entry) for entry in SEWING_REGISTERS])


class DeviceFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = Device

    factory = fb.SubFactory(FactoryFactory)
    code = fb.Sequence(lambda n: f"dev-{n}")
    name = fb.Sequence(lambda n: f"Device {n}")
    kind = DeviceKind.SEWING_MACHINE
    protocol = Protocol.MQTT
