"""Set-up pages of inventory: materials, the supplier list and the suppliers' offers, each with
its Excel export and all-or-nothing import (core.sheet_lists). Pages and the API write through
the same services."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from core.models import AuditEntry
from core.roles import OrgKind, Role
from factories.models import Partnership
from inventory.models import Material, SupplierItem
from tests.audit_trail import entries_of
from tests.factories import (
    MaterialFactory,
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
    SupplierItemFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner(factory):
    user = UserFactory(username="planner")
    MembershipFactory(user=user, organization=factory.organization, role=Role.PLANNER)
    return user


@pytest.fixture
def worker_login(factory):
    user = UserFactory(username="sewer")
    MembershipFactory(user=user, organization=factory.organization, role=Role.WORKER)
    return user


def xlsx(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "list.xlsx"
    return data


def sheet_rows(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))


def snapshot(model) -> list[dict]:
    return list(model.objects.order_by("pk").values())


GOOD_MATERIAL = {
    "code": "FAB-TWILL-NVY",
    "name": "Twill navy",
    "kind": "fabric",
    "unit": "m",
    "trim_type": "",
    "colour": "Navy",
    "composition": "98% cotton",
    "width_cm": "148",
    "weight_gsm": "210",
    "shrinkage_pct": "",
    "style_code": "",
    "size": "",
    "is_active": "on",
}


# --- materials: pages -----------------------------------------------------------------------
def test_the_clerk_adds_a_material_and_the_add_is_audited(client, clerk, factory):
    # given the warehouse clerk on the add page
    client.force_login(clerk)
    assert client.get("/inventory/materials/new/").status_code == 200

    # when they send a good material
    response = client.post("/inventory/materials/new/", GOOD_MATERIAL)

    # then it is stored as typed, listed, and its creation is in the audit log by the clerk
    assert response.status_code == 302 and response["Location"] == "/inventory/materials/"
    material = Material.objects.get(factory=factory, code="FAB-TWILL-NVY")
    assert (material.kind, material.unit, material.width_cm, material.weight_gsm) == (
        "fabric",
        "m",
        Decimal("148.0"),
        210,
    )
    assert material.shrinkage_pct is None
    entry = entries_of(material).get()
    assert entry.action == AuditEntry.Action.CREATE and entry.actor == clerk
    assert "FAB-TWILL-NVY" in client.get("/inventory/materials/").content.decode()


def test_a_bad_material_keeps_the_input_shows_field_errors_and_writes_nothing(
    client, clerk, fabric
):
    # given a material FAB-POP-BLK exists
    client.force_login(clerk)
    before = snapshot(Material)

    # when the clerk sends an unknown unit and a width that is no number
    bad = {**GOOD_MATERIAL, "unit": "yards", "width_cm": "wide"}
    response = client.post("/inventory/materials/new/", bad)

    # then the page comes back with each error at its field and the input kept
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "unit": ["Select a valid choice. yards is not one of the available choices."],
        "width_cm": ["Enter a number."],
    }
    page = response.content.decode()
    assert 'value="Twill navy"' in page and 'value="wide"' in page and "is-invalid" in page
    # and nothing was written
    assert snapshot(Material) == before


def test_the_service_refuses_what_the_form_lets_through(client, clerk, fabric):
    # given a form that is valid field by field
    client.force_login(clerk)
    before = snapshot(Material)

    # when the code is taken, a fabric is given a trim type and a negative width
    response = client.post(
        "/inventory/materials/new/",
        {**GOOD_MATERIAL, "code": "FAB-POP-BLK", "trim_type": "zip", "width_cm": "-3"},
    )

    # then the service's refusal is shown at the fields, and nothing is written
    form = response.context["form"]
    assert form.errors["code"] == ["Another material has this code."]
    assert form.errors["trim_type"] == ["Only a trim has a trim type."]
    assert form.errors["width_cm"] == ["Give a number above zero, or leave it empty."]
    assert snapshot(Material) == before


def test_editing_a_material_keeps_its_code(client, clerk, fabric):
    client.force_login(clerk)

    # when the clerk edits the name and tries to change the code
    response = client.post(
        f"/inventory/materials/{fabric.pk}/edit/",
        {**GOOD_MATERIAL, "code": "OTHER", "name": "Poplin black 2"},
    )

    # then the name changed and the code (disabled on the form) did not
    assert response.status_code == 302
    fabric.refresh_from_db()
    assert (fabric.code, fabric.name) == ("FAB-POP-BLK", "Poplin black 2")


def test_a_bad_edit_writes_nothing(client, clerk, fabric):
    client.force_login(clerk)
    before = snapshot(Material)

    response = client.post(
        f"/inventory/materials/{fabric.pk}/edit/", {**GOOD_MATERIAL, "name": "", "kind": "x"}
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "kind"}
    assert snapshot(Material) == before


@pytest.mark.parametrize(
    "url",
    ["/inventory/materials/new/", "/inventory/materials/import/", "/inventory/offers/import/"],
)
def test_a_worker_may_not_set_up_materials(client, worker_login, url):
    client.force_login(worker_login)
    assert client.get(url).status_code == 403


def test_the_material_list_filters_by_kind_and_text(client, manager, factory, fabric):
    MaterialFactory(factory=factory, code="BTN-1", name="Button", kind="trim", unit="pcs")
    client.force_login(manager)

    page = client.get("/inventory/materials/?kind=trim").content.decode()
    assert "BTN-1" in page and "FAB-POP-BLK" not in page
    page = client.get("/inventory/materials/?q=pop").content.decode()
    assert "FAB-POP-BLK" in page and "BTN-1" not in page


# --- materials: the API writes through the same services ------------------------------------
def test_the_api_refuses_a_duplicate_code_with_the_services_field_error(api, clerk, fabric):
    api.force_login(clerk)
    before = snapshot(Material)

    response = api.post(
        "/api/v1/materials/",
        {"code": "FAB-POP-BLK", "name": "Again", "kind": "fabric", "unit": "m"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"]["code"] == ["Another material has this code."]
    assert snapshot(Material) == before


def test_the_api_may_not_change_a_code(api, clerk, fabric):
    api.force_login(clerk)

    response = api.patch(f"/api/v1/materials/{fabric.pk}/", {"code": "NEW"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["code"] == ["The code cannot change."]
    fabric.refresh_from_db()
    assert fabric.code == "FAB-POP-BLK"


# --- materials: Excel -----------------------------------------------------------------------
MATERIAL_HEADER = ["Code", "Name", "Kind", "Unit", "Trim type", "Colour", "Usable width (cm)"]


def test_a_material_sheet_adds_and_updates_all_rows(client, clerk, factory, fabric):
    # given a sheet updating FAB-POP-BLK and adding a trim, with Chinese kind labels
    client.force_login(clerk)
    upload = xlsx(
        [
            MATERIAL_HEADER,
            ["FAB-POP-BLK", "Poplin black", "Fabric", "m", "", "Black", 150],
            ["BTN-18L", "Button 18L", "辅料", "pcs", "Button", "White", None],
        ]
    )

    # when it is imported
    response = client.post("/inventory/materials/import/", {"file": upload})

    # then both rows are written
    assert response.status_code == 302
    fabric.refresh_from_db()
    assert (fabric.name, fabric.width_cm) == ("Poplin black", Decimal("150.0"))
    button = Material.objects.get(factory=factory, code="BTN-18L")
    assert (button.kind, button.unit, button.trim_type, button.width_cm) == (
        "trim",
        "pcs",
        "button",
        None,
    )
    # and columns the sheet left out keep their values
    assert fabric.composition == "100% cotton"


def test_a_material_sheet_with_bad_cells_names_each_and_writes_nothing(
    client, clerk, factory, fabric
):
    # given a sheet with a bad kind, a duplicate code, a taken-by-nobody but invalid width,
    # and a fabric given a trim type (a rule only the service knows)
    client.force_login(clerk)
    before = snapshot(Material)
    upload = xlsx(
        [
            MATERIAL_HEADER,
            ["NEW-1", "New", "Leather", "m", "", "", ""],
            ["NEW-2", "New 2", "Fabric", "m", "", "", "wide"],
            ["NEW-2", "New 2 again", "Fabric", "m", "", "", ""],
            ["NEW-3", "New 3", "Fabric", "m", "Zip", "", "0"],
        ]
    )

    # when it is imported
    response = client.post("/inventory/materials/import/", {"file": upload})

    # then every bad cell is listed by row and column, and nothing was written
    assert response.status_code == 400
    cells = [str(cell) for cell in response.context["cells"]]
    assert cells == [
        "Row 2, column 'Kind': Not one of: Fabric, Trim or accessory, Packaging, Finished goods.",
        "Row 3, column 'Usable width (cm)': Not a number.",
        "Row 4, column 'Code': The same value is in row 3.",
    ]
    assert snapshot(Material) == before


def test_the_services_refusals_come_back_at_their_cells(client, clerk, factory):
    client.force_login(clerk)
    upload = xlsx(
        [
            MATERIAL_HEADER,
            ["OK-1", "Fine", "Fabric", "m", "", "", "140"],
            ["NEW-3", "New 3", "Fabric", "m", "Zip", "", "0"],
        ]
    )

    response = client.post("/inventory/materials/import/", {"file": upload})

    assert response.status_code == 400
    assert [str(cell) for cell in response.context["cells"]] == [
        "Row 3, column 'Usable width (cm)': Give a number above zero, or leave it empty.",
        "Row 3, column 'Trim type': Only a trim has a trim type.",
    ]
    assert Material.objects.filter(factory=factory).count() == 0


def test_materials_export_imports_back_unchanged(client, clerk, factory, fabric):
    # given a fabric and a trim
    MaterialFactory(
        factory=factory,
        code="BTN-9",
        name="Button",
        kind="trim",
        trim_type="button",
        unit="pcs",
        width_cm=None,
        weight_gsm=None,
        is_active=False,
    )
    client.force_login(clerk)
    before = snapshot(Material)

    # when the list is exported and the file imported as it is
    exported = client.get("/inventory/materials/export.xlsx")
    rows = sheet_rows(exported.content)
    assert rows[0][:4] == ("Code", "Name", "Kind", "Unit")
    assert [row[:4] for row in rows[1:]] == [
        ("FAB-POP-BLK", fabric.name, "Fabric", "metres"),
        ("BTN-9", "Button", "Trim or accessory", "pieces"),
    ]
    upload = io.BytesIO(exported.content)
    upload.name = "materials.xlsx"
    response = client.post("/inventory/materials/import/", {"file": upload})

    # then every material is as it was
    assert response.status_code == 302
    assert snapshot(Material) == before


def test_the_template_is_the_header_only(client, clerk):
    client.force_login(clerk)
    rows = sheet_rows(client.get("/inventory/materials/template.xlsx").content)
    assert len(rows) == 1 and rows[0][0] == "Code"


# --- suppliers ------------------------------------------------------------------------------
def test_the_supplier_list_shows_contact_offers_and_lead_times(
    client, manager, factory, supplier, offer
):
    supplier.contact_phone = "0731-1234567"
    supplier.save()
    client.force_login(manager)

    page = client.get("/inventory/suppliers/").content.decode()

    assert "Cloth Co" in page and "0731-1234567" in page
    assert "1 offer" in page and "lead time 10 days" in page


def test_a_manager_adds_a_supplier_by_its_code(client, manager, factory):
    # given a supplier on the platform that the factory does not work with yet
    OrganizationFactory(kind=OrgKind.SUPPLIER, code="s-zips", name="Zip World")
    client.force_login(manager)

    # when the manager adds it by its code
    response = client.post("/inventory/suppliers/add/", {"code": "s-zips"})

    # then it is invited
    assert response.status_code == 302
    partnership = Partnership.objects.get(factory=factory, partner__code="s-zips")
    assert partnership.status == Partnership.Status.INVITED
    assert partnership.invited_by == manager


def test_an_unknown_or_merchant_code_is_refused_at_the_field(client, manager, factory):
    OrganizationFactory(kind=OrgKind.MERCHANT, code="m-shop")
    client.force_login(manager)
    before = snapshot(Partnership)

    for code in ("nobody", "m-shop"):
        response = client.post("/inventory/suppliers/add/", {"code": code})
        assert response.status_code == 200
        assert response.context["add_form"].errors["code"] == ["Unknown supplier."]
        assert f'value="{code}"' in response.content.decode()
    assert snapshot(Partnership) == before


def test_a_planner_adds_an_offer_on_the_supplier_page(client, planner, factory, supplier, fabric):
    partnership = Partnership.objects.get(factory=factory, partner=supplier)
    client.force_login(planner)

    response = client.post(
        f"/inventory/suppliers/{partnership.pk}/",
        {
            "material": fabric.pk,
            "article_no": "CC-889",
            "unit_price": "21.5",
            "minimum_quantity": "200",
            "lead_time_days": "12",
            "is_preferred": "on",
        },
    )

    assert response.status_code == 302
    item = SupplierItem.objects.get(factory=factory, supplier=supplier, material=fabric)
    assert (item.supplier_code, item.unit_price, item.minimum_quantity, item.lead_time_days) == (
        "CC-889",
        Decimal("21.5000"),
        Decimal("200.000"),
        12,
    )


def test_a_bad_offer_keeps_the_input_and_writes_nothing(
    client, planner, factory, supplier, fabric, offer
):
    partnership = Partnership.objects.get(factory=factory, partner=supplier)
    client.force_login(planner)
    before = snapshot(SupplierItem)

    # when the planner offers the same material again, and a negative price
    response = client.post(
        f"/inventory/suppliers/{partnership.pk}/",
        {"material": fabric.pk, "unit_price": "-1", "lead_time_days": "400"},
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["unit_price"] == ["Ensure this value is greater than or equal to 0."]
    assert errors["lead_time_days"] == ["Ensure this value is less than or equal to 365."]
    assert snapshot(SupplierItem) == before

    # and a valid offer of a material already offered is refused at the material
    response = client.post(
        f"/inventory/suppliers/{partnership.pk}/",
        {"material": fabric.pk, "unit_price": "3", "lead_time_days": "4"},
    )
    assert response.context["form"].errors["material"] == [
        "This supplier already offers this material."
    ]
    assert snapshot(SupplierItem) == before


def test_a_planner_edits_and_removes_an_offer(client, planner, offer):
    client.force_login(planner)

    response = client.post(
        f"/inventory/offers/{offer.pk}/",
        {"action": "save", "unit_price": "19", "lead_time_days": "8", "minimum_quantity": ""},
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert (offer.unit_price, offer.lead_time_days, offer.minimum_quantity, offer.is_preferred) == (
        Decimal("19.0000"),
        8,
        Decimal("0.000"),
        False,
    )

    response = client.post(f"/inventory/offers/{offer.pk}/", {"action": "remove"})
    assert response.status_code == 302
    assert not SupplierItem.objects.filter(pk=offer.pk).exists()


def test_the_clerk_may_see_suppliers_but_not_change_offers(client, clerk, factory, offer):
    partnership = Partnership.objects.get(factory=factory, partner=offer.supplier)
    client.force_login(clerk)
    before = snapshot(SupplierItem)

    assert client.get(f"/inventory/suppliers/{partnership.pk}/").status_code == 200
    assert client.get(f"/inventory/offers/{offer.pk}/").status_code == 403
    response = client.post(
        f"/inventory/suppliers/{partnership.pk}/", {"material": offer.material.pk}
    )
    assert response.status_code == 403
    assert snapshot(SupplierItem) == before


def test_the_api_updates_an_offer_through_the_same_service(api, planner, offer):
    api.force_login(planner)

    response = api.patch(
        f"/api/v1/supplier-items/{offer.pk}/",
        {"unit_price": "-2", "article_no": "X"},
        format="json",
    )
    assert response.status_code == 400
    response = api.patch(
        f"/api/v1/supplier-items/{offer.pk}/", {"article_no": "CC-1"}, format="json"
    )

    assert response.status_code == 200 and response.json()["article_no"] == "CC-1"
    offer.refresh_from_db()
    assert (offer.supplier_code, offer.unit_price) == ("CC-1", Decimal("20.0000"))


# --- suppliers and offers: Excel -------------------------------------------------------------
def test_a_supplier_sheet_invites_the_new_codes_only(client, manager, factory, supplier):
    OrganizationFactory(kind=OrgKind.SUPPLIER, code="s-zips")
    client.force_login(manager)

    response = client.post(
        "/inventory/suppliers/import/",
        {"file": xlsx([["Supplier code", "Name"], ["s-cloth", "x"], ["s-zips", ""]])},
    )

    assert response.status_code == 302
    statuses = dict(
        Partnership.objects.filter(factory=factory).values_list("partner__code", "status")
    )
    assert statuses == {"s-cloth": "accepted", "s-zips": "invited"}


def test_a_supplier_sheet_with_an_unknown_code_writes_nothing(client, manager, factory, supplier):
    OrganizationFactory(kind=OrgKind.SUPPLIER, code="s-zips")
    OrganizationFactory(kind=OrgKind.MERCHANT, code="m-shop")
    client.force_login(manager)
    before = snapshot(Partnership)

    response = client.post(
        "/inventory/suppliers/import/",
        {"file": xlsx([["Supplier code"], ["s-zips"], ["nobody"], ["m-shop"]])},
    )

    assert response.status_code == 400
    assert [str(cell) for cell in response.context["cells"]] == [
        "Row 3, column 'Supplier code': No supplier has this code.",
        "Row 4, column 'Supplier code': No supplier has this code.",
    ]
    assert snapshot(Partnership) == before


def test_suppliers_export_imports_back_unchanged(client, manager, factory, supplier):
    ended = OrganizationFactory(kind=OrgKind.SUPPLIER, code="s-old", name="Old Co")
    PartnershipFactory(factory=factory, partner=ended, status=Partnership.Status.ENDED)
    client.force_login(manager)
    before = snapshot(Partnership)

    exported = client.get("/inventory/suppliers/export.xlsx")
    assert [row[:4] for row in sheet_rows(exported.content)[1:]] == [
        ("s-cloth", "Cloth Co", None, "Accepted"),
        ("s-old", "Old Co", None, "Ended"),
    ]
    upload = io.BytesIO(exported.content)
    upload.name = "suppliers.xlsx"
    response = client.post("/inventory/suppliers/import/", {"file": upload})

    assert response.status_code == 302
    assert snapshot(Partnership) == before


OFFER_HEADER = ["Supplier code", "Material code", "Unit price (yuan)", "Lead time (days)"]


def test_an_offer_sheet_adds_and_updates(client, planner, factory, supplier, fabric, offer):
    trim = MaterialFactory(factory=factory, code="BTN-1", kind="trim", unit="pcs")
    client.force_login(planner)

    response = client.post(
        "/inventory/offers/import/",
        {
            "file": xlsx(
                [
                    OFFER_HEADER,
                    ["s-cloth", "FAB-POP-BLK", "22.25", 9],
                    ["s-cloth", "BTN-1", 0.08, ""],
                ]
            )
        },
    )

    assert response.status_code == 302
    offer.refresh_from_db()
    assert (offer.unit_price, offer.lead_time_days, offer.minimum_quantity) == (
        Decimal("22.2500"),
        9,
        Decimal("300.000"),  # a column the sheet leaves out keeps its value
    )
    new = SupplierItem.objects.get(factory=factory, material=trim)
    assert (new.supplier, new.unit_price, new.lead_time_days) == (supplier, Decimal("0.08"), 7)


def test_an_offer_sheet_with_bad_cells_names_each_and_writes_nothing(
    client, planner, factory, supplier, fabric, offer
):
    invited = OrganizationFactory(kind=OrgKind.SUPPLIER, code="s-new")
    PartnershipFactory(factory=factory, partner=invited, status=Partnership.Status.INVITED)
    client.force_login(planner)
    before = snapshot(SupplierItem)

    response = client.post(
        "/inventory/offers/import/",
        {
            "file": xlsx(
                [
                    OFFER_HEADER,
                    ["s-cloth", "FAB-POP-BLK", "abc", 9],
                    ["s-new", "FAB-POP-BLK", "1", 9],
                    ["s-cloth", "NOPE", "1", 9],
                    ["s-cloth", "FAB-POP-BLK", "1", 9],
                    ["s-cloth", "FAB-POP-BLK", "2", 9],
                ]
            )
        },
    )

    assert response.status_code == 400
    assert [str(cell) for cell in response.context["cells"]] == [
        "Row 2, column 'Unit price (yuan)': Not a number.",
    ]
    assert snapshot(SupplierItem) == before

    # with the price fixed, the service's refusals point at their cells
    response = client.post(
        "/inventory/offers/import/",
        {
            "file": xlsx(
                [
                    OFFER_HEADER,
                    ["s-new", "FAB-POP-BLK", "1", 9],
                    ["s-cloth", "NOPE", "1", 9],
                    ["s-cloth", "FAB-POP-BLK", "1", 9],
                    ["s-cloth", "FAB-POP-BLK", "2", 9],
                ]
            )
        },
    )
    assert [str(cell) for cell in response.context["cells"]] == [
        "Row 2, column 'Supplier code': Not an accepted supplier of this factory.",
        "Row 3, column 'Material code': No material of this factory has this code.",
        "Row 5, column 'Material code': "
        "This supplier's offer of this material is already in an earlier row.",
    ]
    assert snapshot(SupplierItem) == before


def test_offers_export_imports_back_unchanged(client, planner, factory, supplier, offer):
    trim = MaterialFactory(factory=factory, code="BTN-1", kind="trim", unit="pcs")
    SupplierItemFactory(
        factory=factory,
        material=trim,
        supplier=supplier,
        supplier_code="B-77",
        unit_price=Decimal("0.0825"),
        is_preferred=False,
    )
    client.force_login(planner)
    before = snapshot(SupplierItem)

    exported = client.get("/inventory/offers/export.xlsx")
    rows = sheet_rows(exported.content)
    assert [row[:3] for row in rows[1:]] == [
        ("s-cloth", "BTN-1", "B-77"),
        ("s-cloth", "FAB-POP-BLK", None),
    ]
    upload = io.BytesIO(exported.content)
    upload.name = "offers.xlsx"
    response = client.post("/inventory/offers/import/", {"file": upload})

    assert response.status_code == 302
    assert snapshot(SupplierItem) == before


# --- tenancy --------------------------------------------------------------------------------
def test_another_factorys_objects_answer_404_and_its_material_is_no_choice(
    client, planner, factory, supplier, fabric
):
    # given another factory with a material, a supplier partnership and an offer
    other = SupplierItemFactory(material=MaterialFactory(code="THEIRS"))
    other_partnership = PartnershipFactory(factory=other.factory, partner=other.supplier)
    client.force_login(planner)
    before = (snapshot(Material), snapshot(SupplierItem))

    # then its ids answer 404 on every page that takes one, read or write
    for url in (
        f"/inventory/materials/{other.material.pk}/edit/",
        f"/inventory/suppliers/{other_partnership.pk}/",
        f"/inventory/offers/{other.pk}/",
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "remove", "unit_price": "1"}).status_code == 404
    # and its material is not a choice for an offer of ours
    partnership = Partnership.objects.get(factory=factory, partner=supplier)
    response = client.post(
        f"/inventory/suppliers/{partnership.pk}/",
        {"material": other.material.pk, "unit_price": "1", "lead_time_days": "3"},
    )
    assert response.context["form"].errors["material"] == [
        "No material of this factory is this one."
    ]
    assert (snapshot(Material), snapshot(SupplierItem)) == before
