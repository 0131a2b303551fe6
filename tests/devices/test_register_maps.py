"""Register maps on the web: list, add and edit (one row per register), and the Excel list
(core.sheet_lists). Page, import and API write through devices.services."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from core.models import AuditEntry
from core.roles import Role
from devices.models import RegisterMap
from tests.audit_trail import entries_of
from tests.factories import MembershipFactory, RegisterMapFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def factory(plant):
    return plant[0]


def member(factory, role, name):
    user = UserFactory(username=name)
    MembershipFactory(user=user, organization=factory.organization, role=role)
    return user


@pytest.fixture
def manager(factory):
    return member(factory, Role.FACTORY_MANAGER, "manager")


def snapshot() -> list[dict]:
    return list(RegisterMap.objects.order_by("pk").values())


def rows_post(vendor, model_name, rows, *, initial=0):
    data = {
        "vendor": vendor,
        "model_name": model_name,
        "registers-TOTAL_FORMS": str(len(rows)),
        "registers-INITIAL_FORMS": str(initial),
        "registers-MIN_NUM_FORMS": "0",
        "registers-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"registers-{index}-{key}"] = value
    return data


STATE = {"metric": "state", "address": "0", "type": "uint16", "scale": "1", "table": "holding"}
STITCHES = {
    "metric": "stitches_total",
    "address": "1",
    "type": "uint32",
    "scale": "1",
    "table": "input",
}
BLANK = {"metric": "", "address": "", "type": "uint16", "scale": "1", "table": "holding"}


def test_a_manager_adds_a_register_map_row_by_row(client, factory, manager):
    client.force_login(manager)
    assert client.get("/devices/register-maps/new/").status_code == 200

    response = client.post(
        "/devices/register-maps/new/", rows_post("Jack", "A4", [STATE, STITCHES, BLANK])
    )

    # then the blank row is no register and the 32-bit one takes two registers
    assert response.status_code == 302
    register_map = RegisterMap.objects.get(factory=factory, vendor="Jack", model_name="A4")
    assert register_map.registers == [
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
            "table": "input",
        },
    ]
    assert entries_of(register_map).get().action == AuditEntry.Action.CREATE
    assert "Jack A4" in client.get("/devices/register-maps/").content.decode()


def test_bad_registers_are_refused_at_their_cells_and_nothing_is_written(client, factory, manager):
    RegisterMapFactory(factory=factory, vendor="Jack", model_name="A4")
    client.force_login(manager)
    before = snapshot()

    # when the form has a bad address and the service finds a repeated metric and a taken model
    response = client.post(
        "/devices/register-maps/new/",
        rows_post(
            "Jack",
            "A4",
            [STATE, {**STITCHES, "address": "70000"}, {**STITCHES, "metric": "state"}],
        ),
    )
    assert response.status_code == 200
    assert response.context["rows"].forms[1].errors == {
        "address": ["Give a whole number from 0 to 65535."]
    }
    assert response.context["rows"].forms[2].errors["metric"] == [
        "This metric is already read by another register."
    ]
    assert response.context["form"].errors["model_name"] == [
        "This vendor's model already has a register map."
    ]
    page = response.content.decode()
    assert 'value="70000"' in page
    assert snapshot() == before


def test_a_row_the_form_refuses_keeps_its_input_and_writes_nothing(client, factory, manager):
    client.force_login(manager)

    response = client.post(
        "/devices/register-maps/new/",
        rows_post("Juki", "DDL", [STATE, {**STITCHES, "type": "int64", "address": "x"}]),
    )

    rows = response.context["rows"].forms
    assert rows[0].errors == {}
    assert rows[1].errors["address"] == ["Enter a whole number."]
    assert rows[1].errors["type"] == [
        "Select a valid choice. int64 is not one of the available choices."
    ]
    assert snapshot() == []


def test_a_map_without_registers_is_refused_above_the_form(client, factory, manager):
    client.force_login(manager)

    response = client.post("/devices/register-maps/new/", rows_post("Juki", "DDL", [BLANK]))

    assert response.context["form"].non_field_errors() == [
        "The register map is not valid.",
        "Give at least one register.",
    ]
    assert snapshot() == []


def test_editing_a_map_replaces_its_registers_and_name(client, factory, manager):
    register_map = RegisterMapFactory(factory=factory, vendor="Jack", model_name="A4")
    client.force_login(manager)
    page = client.get(f"/devices/register-maps/{register_map.pk}/")
    assert page.status_code == 200
    assert page.context["rows"].initial_form_count() == len(register_map.registers)

    response = client.post(
        f"/devices/register-maps/{register_map.pk}/",
        rows_post("Jack", "A5", [STATE, BLANK], initial=1),
    )

    assert response.status_code == 302
    register_map.refresh_from_db()
    assert register_map.model_name == "A5"
    assert [entry["metric"] for entry in register_map.registers] == ["state"]


def test_a_supervisor_sees_maps_but_may_not_change_them(client, factory):
    supervisor = member(factory, Role.SUPERVISOR, "sup")
    register_map = RegisterMapFactory(factory=factory)
    client.force_login(supervisor)
    before = snapshot()

    assert client.get("/devices/register-maps/").status_code == 200
    response = client.post(
        f"/devices/register-maps/{register_map.pk}/", rows_post("X", "Y", [STATE])
    )
    assert response.status_code == 403
    assert client.get("/devices/register-maps/import/").status_code == 403
    assert snapshot() == before


def test_the_api_updates_a_map_through_the_same_service(api, factory, manager):
    register_map = RegisterMapFactory(factory=factory, vendor="Jack", model_name="A4")
    api.force_login(manager)
    before = snapshot()

    response = api.patch(
        f"/api/v1/register-maps/{register_map.pk}/",
        {"registers": [{"metric": "state", "address": -1}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["registers.0.address"] == [
        "Give a whole number from 0 to 65535."
    ]
    assert snapshot() == before

    response = api.patch(
        f"/api/v1/register-maps/{register_map.pk}/",
        {"registers": [{"metric": "state", "address": 4}]},
        format="json",
    )
    assert response.status_code == 200
    register_map.refresh_from_db()
    assert register_map.registers == [
        {
            "metric": "state",
            "address": 4,
            "count": 1,
            "type": "uint16",
            "scale": 1.0,
            "table": "holding",
        }
    ]


# --- Excel ----------------------------------------------------------------------------------
HEADER = ["Vendor", "Model", "Metric", "Address", "Type", "Scale", "Table"]


def xlsx(rows) -> io.BytesIO:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "maps.xlsx"
    return data


def test_a_register_sheet_makes_one_map_per_model(client, factory, manager):
    RegisterMapFactory(factory=factory, vendor="Jack", model_name="A4")
    client.force_login(manager)

    response = client.post(
        "/devices/register-maps/import/",
        {
            "file": xlsx(
                [
                    HEADER,
                    ["Jack", "A4", "state", 0, "uint16", 1, "holding"],
                    ["Juki", "DDL", "run_s_total", 10, "uint32", 0.1, "input"],
                    ["Jack", "A4", "pieces_total", 2, "uint32", "", ""],
                ]
            )
        },
    )

    assert response.status_code == 302
    maps = {
        (m.vendor, m.model_name): [
            (r["metric"], r["address"], r["type"], r["scale"], r["table"]) for r in m.registers
        ]
        for m in RegisterMap.objects.filter(factory=factory)
    }
    assert maps == {
        ("Jack", "A4"): [
            ("state", 0, "uint16", 1.0, "holding"),
            ("pieces_total", 2, "uint32", 1.0, "holding"),
        ],
        ("Juki", "DDL"): [("run_s_total", 10, "uint32", 0.1, "input")],
    }


def test_a_register_sheet_with_bad_cells_names_each_and_writes_nothing(client, factory, manager):
    RegisterMapFactory(factory=factory, vendor="Jack", model_name="A4")
    client.force_login(manager)
    before = snapshot()

    response = client.post(
        "/devices/register-maps/import/",
        {
            "file": xlsx(
                [
                    HEADER,
                    ["Jack", "A4", "state", 70000, "uint16", 1, "holding"],
                    ["Jack", "A4", "state", 1, "int64", "x", "coil"],
                ]
            )
        },
    )

    assert response.status_code == 400
    assert [str(cell) for cell in response.context["cells"]] == [
        "Row 2, column 'Address': At most 65535.",
        "Row 3, column 'Type': Not one of: float32, int16, int32, uint16, uint32.",
        "Row 3, column 'Scale': Not a number.",
        "Row 3, column 'Table': Not one of: holding, input.",
    ]
    assert snapshot() == before

    # and a rule of the service (a metric read twice in one map) points at its row
    response = client.post(
        "/devices/register-maps/import/",
        {
            "file": xlsx(
                [
                    HEADER,
                    ["Juki", "DDL", "state", 0, "uint16", 1, "holding"],
                    ["Jack", "A4", "state", 0, "uint16", 1, "holding"],
                    ["Jack", "A4", "state", 1, "uint16", 1, "holding"],
                    ["Jack", "A4", "bad metric", 3, "uint16", 1, "holding"],
                ]
            )
        },
    )
    assert [str(cell) for cell in response.context["cells"]] == [
        "Row 4, column 'Metric': This metric is already read by another register.",
        "Row 5, column 'Metric': Use letters, digits and _ only (at most 60).",
    ]
    assert snapshot() == before


def test_register_maps_export_imports_back_unchanged(client, factory, manager):
    RegisterMapFactory(factory=factory, vendor="Jack", model_name="A4")
    RegisterMapFactory(
        factory=factory,
        vendor="Juki",
        model_name="DDL",
        registers=[
            {
                "metric": "temp",
                "address": 9,
                "count": 2,
                "type": "float32",
                "scale": 0.5,
                "table": "input",
            }
        ],
    )
    client.force_login(manager)
    before = snapshot()

    exported = client.get("/devices/register-maps/export.xlsx")
    rows = list(
        load_workbook(io.BytesIO(exported.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert rows[0] == tuple(HEADER)
    assert rows[-1] == ("Juki", "DDL", "temp", 9, "float32", "0.5", "input")
    upload = io.BytesIO(exported.content)
    upload.name = "maps.xlsx"
    response = client.post("/devices/register-maps/import/", {"file": upload})

    assert response.status_code == 302
    assert snapshot() == before


# --- the device registry on the same kit --------------------------------------------------------
DEVICE_HEADER = ["Code", "Name", "Kind", "Protocol", "Station code", "Modbus host"]


def test_a_device_sheet_with_bad_cells_names_each_and_registers_nothing(client, factory, manager):
    from devices.models import Device

    client.force_login(manager)
    before = list(Device.objects.order_by("pk").values())

    response = client.post(
        "/devices/import/",
        {
            "file": xlsx(
                [
                    DEVICE_HEADER,
                    ["st-9", "Nine", "Teleporter", "MQTT", "", ""],
                    ["mb-9", "", "Sewing machine", "Modbus TCP", "NOPE", ""],
                ]
            )
        },
    )

    assert response.status_code == 400
    assert [str(cell) for cell in response.context["cells"]] == [
        "Row 2, column 'Kind': Not one of: Hanging-line station, Hanging-line controller, "
        "Automatic cutter, Spreader, Sewing machine, Gateway, Other.",
    ]
    response = client.post(
        "/devices/import/",
        {"file": xlsx([DEVICE_HEADER, ["mb-9", "", "Sewing machine", "Modbus TCP", "NOPE", ""]])},
    )
    assert [str(cell) for cell in response.context["cells"]] == [
        "Row 2, column 'Station code': Unknown: NOPE",
        "Row 2, column 'Modbus host': A Modbus device needs a host.",
    ]
    assert list(Device.objects.order_by("pk").values()) == before


def test_devices_export_imports_back_unchanged_and_a_row_updates_its_device(
    client, factory, manager
):
    from devices.models import Device

    client.force_login(manager)
    before = list(Device.objects.order_by("pk").values())

    exported = client.get("/devices/export.xlsx")
    rows = list(
        load_workbook(io.BytesIO(exported.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert [(row[0], row[2], row[5]) for row in rows[1:]] == [
        ("sm-1", "Sewing machine", "MQTT"),
        ("st-1", "Hanging-line station", "MQTT"),
    ]
    upload = io.BytesIO(exported.content)
    upload.name = "devices.xlsx"
    assert client.post("/devices/import/", {"file": upload}).status_code == 302
    assert list(Device.objects.order_by("pk").values()) == before

    # and a sheet naming an existing code with a new name updates that device only
    response = client.post(
        "/devices/import/",
        {"file": xlsx([["Code", "Name", "Kind"], ["sm-1", "Jack #1", "Sewing machine"]])},
    )
    assert response.status_code == 302
    machine = Device.objects.get(factory=factory, code="sm-1")
    assert (machine.name, machine.kind) == ("Jack #1", "sewing_machine")
    assert Device.objects.filter(factory=factory).count() == 2


def test_the_api_import_reads_through_the_same_sheet(api, factory, manager):
    from devices.models import Device

    api.force_login(manager)
    before = Device.objects.count()

    refused = api.post(
        "/api/v1/devices/import/", {"csv": "code,kind\nx-1,teleporter\n"}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["errors"]["file"] == [
        "Row 2, column 'Kind': Not one of: Hanging-line station, Hanging-line controller, "
        "Automatic cutter, Spreader, Sewing machine, Gateway, Other."
    ]
    assert Device.objects.count() == before

    created = api.post("/api/v1/devices/import/", {"csv": "code,kind\nx-1,cutter\n"}, format="json")
    assert created.status_code == 201 and [d["code"] for d in created.json()] == ["x-1"]


def test_another_factorys_register_map_answers_404(client, factory, manager):
    theirs = RegisterMapFactory()
    client.force_login(manager)
    before = snapshot()

    assert client.get(f"/devices/register-maps/{theirs.pk}/").status_code == 404
    response = client.post(f"/devices/register-maps/{theirs.pk}/", rows_post("X", "Y", [STATE]))
    assert response.status_code == 404
    assert snapshot() == before
