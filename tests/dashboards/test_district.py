"""The district report: consenting factories by name and category, others only inside an
all-factories total that covers at least three of them; exports in Excel and PDF."""

from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.roles import OrgKind, Role
from dashboards import selectors
from tests.factories import (
    DistrictFactory,
    FactoryDayFactory,
    FactoryFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    WorkerFactory,
)
from tests.pdfs import assert_every_font_embedded, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def district():
    return DistrictFactory(organization=OrganizationFactory(kind=OrgKind.DISTRICT, name="Lusong"))


def cluster_factory(district, name, *, shares, categories=("woven",), finished=100):
    factory = FactoryFactory(
        organization__name=name,
        district=district,
        shares_with_district=shares,
        categories=list(categories),
    )
    FactoryDayFactory(factory=factory, day=timezone.localdate(), finished=finished)
    return factory


@pytest.fixture
def official_client(client, district):
    user = UserFactory()
    MembershipFactory(user=user, organization=district.organization, role=Role.DISTRICT_OFFICIAL)
    client.force_login(user)
    return client


def test_only_consenting_factories_are_named(district):
    cluster_factory(district, "Open Knit", shares=True, finished=100)
    cluster_factory(district, "Quiet Denim", shares=False, finished=7000)

    report = selectors.district_report(district)

    assert [f["name"] for f in report["factories"]] == ["Open Knit"]
    assert report["sharing_total"]["output"] == 100
    assert report["all_total"] is None
    assert report["not_sharing"] == 1


def test_non_consenting_factories_count_in_a_total_over_three_of_them(district):
    cluster_factory(district, "Open Knit", shares=True, finished=100)
    for index in range(3):
        cluster_factory(district, f"Quiet {index}", shares=False, finished=1000)

    report = selectors.district_report(district)

    assert report["all_total"]["output"] == 3100
    assert report["all_total"]["factories"] == 4
    assert report["sharing_total"]["output"] == 100


def test_categories_hold_only_consenting_factories(district):
    cluster_factory(district, "Open Knit", shares=True, categories=["knit"], finished=100)
    cluster_factory(district, "Quiet Knit", shares=False, categories=["knit"], finished=900)

    report = selectors.district_report(district)

    assert [(c["category"], c["factories"], c["output"]) for c in report["categories"]] == [
        ("Knitwear", 1, 100)
    ]


def test_the_page_never_shows_a_workers_name(district, official_client):
    factory = cluster_factory(district, "Open Knit", shares=True)
    WorkerFactory(factory=factory, name="Wang Fang")

    response = official_client.get(reverse("dashboards:district"))

    assert response.status_code == 200
    assert "Open Knit" in response.content.decode()
    assert "Wang Fang" not in response.content.decode()


def test_excel_export_lists_the_consenting_factories(district, official_client):
    cluster_factory(district, "Open Knit", shares=True)
    cluster_factory(district, "Quiet Denim", shares=False)

    response = official_client.get(reverse("dashboards:district-xlsx"))

    workbook = load_workbook(BytesIO(response.content))
    cells = {str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row}
    assert "Open Knit" in cells
    assert "Quiet Denim" not in cells


def test_pdf_export_embeds_its_chinese_font(district, official_client, tmp_path):
    cluster_factory(district, "芦淞针织", shares=True)

    response = official_client.get(reverse("dashboards:district-pdf"))

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert_every_font_embedded(response.content)
    assert "芦淞针织" in pdf_text(response.content, tmp_path)


def test_a_factory_user_cannot_open_the_district_report(client, district):
    factory = cluster_factory(district, "Open Knit", shares=True)
    user = UserFactory()
    MembershipFactory(user=user, organization=factory.organization, role=Role.FACTORY_OWNER)
    client.force_login(user)

    assert client.get(reverse("dashboards:district")).status_code == 403
