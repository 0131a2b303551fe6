"""Registering devices (one, or many from CSV), their broker credentials, and the API."""

import io

import pytest

from core.errors import DomainError
from core.roles import Role
from core.tabular import read_csv_text
from devices.broker import mosquitto_password_check
from devices.models import Device
from devices.services import device_credentials_issue, device_register, devices_import
from tests.factories import (
    MembershipFactory,
    SewingLineFactory,
    StationFactory,
    UserFactory,
    WorkerFactory,
)

pytestmark = pytest.mark.django_db

CSV = """code,name,kind,vendor,model,protocol,line,station,operator
st-01,Station 1,hanging_station,INA,H5,mqtt,,S-1,E-1
cut-1,Cutter,cutter,Gerber,Z7,mqtt,,,
"""


@pytest.fixture
def floor(plant):
    factory = plant[0]
    line = SewingLineFactory(factory=factory, code="L1")
    station = StationFactory(factory=factory, line=line, code="S-1")
    worker = WorkerFactory(factory=factory, line=line, employee_no="E-1")
    return factory, line, station, worker


def test_a_csv_registers_every_row_with_its_station_line_and_operator(floor):
    factory, line, station, worker = floor
    devices = devices_import(factory=factory, rows=read_csv_text(CSV))
    assert [d.code for d in devices] == ["st-01", "cut-1"]
    first = Device.objects.get(factory=factory, code="st-01")
    assert (first.station, first.line, first.operator, first.kind) == (
        station,
        line,
        worker,
        "hanging_station",
    )


def test_a_csv_with_one_bad_row_registers_nothing(floor):
    factory = floor[0]
    before = Device.objects.count()
    with pytest.raises(DomainError) as refused:
        devices_import(factory=factory, rows=read_csv_text(CSV + "x-1,,teleporter,,,,,,\n"))
    assert refused.value.errors == {"rows[2].kind": ["Unknown device kind."]}
    assert Device.objects.count() == before


def test_a_station_of_another_factory_is_not_found(floor, plant):
    other_station = StationFactory(code="S-9")
    with pytest.raises(DomainError) as refused:
        device_register(
            factory=floor[0], data={"code": "x", "kind": "cutter", "station": other_station.code}
        )
    assert list(refused.value.errors) == ["station"]


def test_credentials_are_returned_once_and_only_their_hash_is_kept(plant, settings):
    settings.DEVICES = {"BROKER_ADMIN_URL": ""}  # no broker to tell (the embedded demo)
    _factory, _station, machine = plant
    password = device_credentials_issue(device=machine)
    machine.refresh_from_db()
    assert machine.mqtt_username == "plant-a.sm-1"
    assert password not in machine.mqtt_password_hash
    assert mosquitto_password_check(password, machine.mqtt_password_hash)


def test_a_manager_registers_and_gets_credentials_through_the_api(api, plant, settings):
    settings.DEVICES = {"BROKER_ADMIN_URL": ""}
    factory = plant[0]
    user = UserFactory()
    MembershipFactory(user=user, organization=factory.organization, role=Role.FACTORY_MANAGER)
    api.force_login(user)
    created = api.post("/api/v1/devices/", {"code": "sm-9", "kind": "sewing_machine"})
    assert created.status_code == 201
    issued = api.post(f"/api/v1/devices/{created.json()['id']}/credentials/")
    assert issued.status_code == 201
    assert issued.json()["username"] == "plant-a.sm-9"
    shown = api.get(f"/api/v1/devices/{created.json()['id']}/")
    assert issued.json()["password"] not in shown.content.decode()
    assert "mqtt_password_hash" not in shown.json()


def test_a_supervisor_cannot_register_devices(api, plant):
    factory = plant[0]
    user = UserFactory()
    MembershipFactory(user=user, organization=factory.organization, role=Role.SUPERVISOR)
    api.force_login(user)
    before = Device.objects.count()
    assert api.post("/api/v1/devices/", {"code": "x", "kind": "cutter"}).status_code == 403
    assert Device.objects.count() == before


def test_the_import_page_reads_a_gbk_file_from_chinese_excel(client, floor):
    factory = floor[0]
    manager = UserFactory()
    MembershipFactory(user=manager, organization=factory.organization, role=Role.FACTORY_MANAGER)
    client.force_login(manager)
    text = "code,name,kind,station\nst-02,二号工位·吊挂,hanging_station,S-1\n"
    file = io.BytesIO(text.encode("gbk"))
    file.name = "devices.csv"

    response = client.post("/devices/import/", {"file": file})

    assert response.status_code == 302
    device = Device.objects.get(factory=factory, code="st-02")
    assert (device.name, device.station.code) == ("二号工位·吊挂", "S-1")


def test_the_register_page_refuses_another_factorys_station_next_to_the_field(client, floor):
    factory = floor[0]
    StationFactory(code="S-9")  # another factory's
    manager = UserFactory()
    MembershipFactory(user=manager, organization=factory.organization, role=Role.FACTORY_MANAGER)
    client.force_login(manager)
    before = Device.objects.count()

    response = client.post(
        "/devices/register/",
        {"code": "new-1", "kind": "cutter", "protocol": "mqtt", "station": "S-9"},
    )

    assert response.status_code == 200
    assert response.context["register_form"].errors["station"] == [
        "No station of this factory has this code."
    ]
    assert 'value="new-1"' in response.content.decode()
    assert Device.objects.count() == before


def test_the_register_page_shows_a_rule_of_the_service_next_to_its_field(client, floor):
    factory = floor[0]
    manager = UserFactory()
    MembershipFactory(user=manager, organization=factory.organization, role=Role.FACTORY_MANAGER)
    client.force_login(manager)
    before = Device.objects.count()

    response = client.post(
        "/devices/register/", {"code": "m-1", "kind": "cutter", "protocol": "modbus_tcp"}
    )

    assert response.context["register_form"].errors["modbus_host"] == [
        "A Modbus device needs a host."
    ]
    assert Device.objects.count() == before


def _manager_api(api, factory):
    user = UserFactory()
    MembershipFactory(user=user, organization=factory.organization, role=Role.FACTORY_MANAGER)
    api.force_login(user)
    return api


def test_a_register_map_without_registers_is_a_400_naming_the_field(api, plant):
    from devices.models import RegisterMap

    # given a manager of the factory
    _manager_api(api, plant[0])

    # when they post a register map without `registers`
    response = api.post("/api/v1/register-maps/", {"vendor": "Juki", "model_name": "DDL"})

    # then the answer is 400 naming the field, and nothing is written
    assert response.status_code == 400
    assert "registers" in response.json()["errors"]
    assert RegisterMap.objects.count() == 0


def test_options_on_the_current_telemetry_policy_answers_without_an_error(api, plant):
    _manager_api(api, plant[0])

    response = api.options("/api/v1/telemetry-policy/current/")

    assert response.status_code == 200
    assert "PUT" in response.json()["actions"]
