"""The demo factory's connected floor: a controller and a station terminal per hanging-line
station, MQTT sewing machines, an automatic cutter and a spreader, and Modbus TCP machines
that `manage.py simulate` serves on local ports."""

from devices.models import Device, DeviceKind, Protocol, TelemetryPolicy
from devices.services import register_map_save
from factories.models import SewingLine, Station, Worker
from simulation import modbus_machines

SEWING_MACHINES_PER_LINE = 8
MODBUS_PORTS = (15020, 15021, 15022, 15023)


def seed(world) -> None:
    factory = world.factory
    TelemetryPolicy.objects.get_or_create(factory=factory)
    if Device.objects.filter(factory=factory).exists():
        return
    devices = []
    lines = list(SewingLine.objects.filter(factory=factory).order_by("code"))
    for line in lines:
        controller = Device.objects.create(
            factory=factory,
            simulated=True,
            code=f"{line.code}-ctl",
            name=f"{line.name} 控制器",
            kind=DeviceKind.HANGING_CONTROLLER,
            vendor="INA",
            model_name="H5",
            line=line,
        )
        stations = list(Station.objects.filter(factory=factory, line=line).order_by("position"))
        workers = list(Worker.objects.filter(factory=factory, line=line).order_by("employee_no"))
        for index, station in enumerate(stations):
            devices.append(
                Device(
                    factory=factory,
                    simulated=True,
                    code=f"{station.code}-t",
                    name=f"{station.code} 工位终端",
                    kind=DeviceKind.HANGING_STATION,
                    vendor="INA",
                    model_name="T3",
                    line=line,
                    station=station,
                    operator=workers[index] if index < len(workers) else None,
                    gateway=controller,
                )
            )
            if index < SEWING_MACHINES_PER_LINE:
                devices.append(
                    Device(
                        factory=factory,
                        simulated=True,
                        code=f"{station.code}-sm",
                        name=f"{station.code} 电脑平车",
                        kind=DeviceKind.SEWING_MACHINE,
                        vendor="Jack",
                        model_name="A5",
                        line=line,
                        station=station,
                        operator=workers[index] if index < len(workers) else None,
                    )
                )
    devices += [
        Device(
            factory=factory,
            simulated=True,
            code="cutter-1",
            name="自动裁床",
            kind=DeviceKind.CUTTER,
            vendor="Gerber",
            model_name="Z7",
        ),
        Device(
            factory=factory,
            simulated=True,
            code="spreader-1",
            name="自动拉布机",
            kind=DeviceKind.SPREADER,
            vendor="Gerber",
            model_name="XLs50",
        ),
    ]
    register_map = register_map_save(
        factory=factory,
        vendor=modbus_machines.VENDOR,
        model_name=modbus_machines.MODEL,
        registers=modbus_machines.REGISTER_MAP,
    )
    line = lines[-1] if lines else None
    devices += [
        Device(
            factory=factory,
            simulated=True,
            code=f"mb-{port}",
            name=f"Modbus 平车 {n + 1}",
            kind=DeviceKind.SEWING_MACHINE,
            vendor=modbus_machines.VENDOR,
            model_name=modbus_machines.MODEL,
            protocol=Protocol.MODBUS_TCP,
            line=line,
            register_map=register_map,
            modbus_host="127.0.0.1",
            modbus_port=port,
            poll_seconds=5,
        )
        for n, port in enumerate(MODBUS_PORTS)
    ]
    Device.objects.bulk_create(devices)
