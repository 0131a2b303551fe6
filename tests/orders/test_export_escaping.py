"""The tech-pack workbook never carries a formula, and an escaped cell reads back as it was."""

import io

import pytest
from rest_framework.test import APIClient

from orders.models import RoutingOperation, StyleVersion
from tests.exports import ESCAPED, HOSTILE, assert_no_formula, text_values


@pytest.fixture
def factory_api(factory, planner):
    client = APIClient()
    client.force_login(planner)
    return client


def test_the_tech_pack_workbook_escapes_hostile_names(factory_api, version):
    version.style.name = HOSTILE
    version.style.save()
    RoutingOperation.objects.filter(version=version, sequence=1).update(name="-front seam")

    response = factory_api.get(f"/api/v1/style-versions/{version.pk}/workbook/")

    assert_no_formula(response.content)
    texts = text_values(response.content)
    assert ESCAPED in texts
    assert "'-front seam" in texts
    assert HOSTILE not in texts


def test_an_escaped_cell_imports_back_as_the_text_that_was_exported(factory_api, version):
    RoutingOperation.objects.filter(version=version, sequence=1).update(name="=SUM(1,2) seam")
    exported = factory_api.get(f"/api/v1/style-versions/{version.pk}/workbook/")
    upload = io.BytesIO(exported.content)
    upload.name = "pack.xlsx"

    response = factory_api.post(
        "/api/v1/style-versions/import/", {"file": upload}, format="multipart"
    )

    assert response.status_code == 201
    imported = StyleVersion.objects.get(pk=response.json()["id"])
    assert imported.operations.get(sequence=1).name == "=SUM(1,2) seam"
