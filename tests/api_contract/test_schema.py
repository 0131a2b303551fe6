"""The OpenAPI schema states every answer an operation gives (what schemathesis checks in CI)."""

import pytest
from django.db.models import ProtectedError
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIRequestFactory

from core.api.errors import exception_handler
from core.api.schema import ERROR_STATUSES

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield f"{method.upper()} {path}", item[method]


def test_every_operation_declares_the_common_errors_with_the_error_body(schema):
    missing = [
        f"{name}: {status}"
        for name, operation in operations(schema)
        for status in ERROR_STATUSES
        if operation["responses"]
        .get(status, {})
        .get("content", {})
        .get("application/json", {})
        .get("schema", {})
        .get("$ref")
        != "#/components/schemas/Error"
    ]
    assert missing == []


def test_the_error_body_has_code_message_and_errors(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "errors", "message"]


def test_no_time_of_day_is_declared_with_a_utc_offset_format(schema):
    shift = schema["components"]["schemas"]["Shift"]["properties"]
    assert "format" not in shift["starts_at"]
    assert "07:30:00" in [shift["starts_at"]["example"]]


@pytest.mark.parametrize(
    ("operation", "status"),
    [
        ("POST /api/v1/devices/{id}/credentials/", "201"),
        ("POST /api/v1/style-versions/{id}/revise/", "201"),
    ],
)
def test_actions_that_create_declare_201(schema, operation, status):
    responses = dict(operations(schema))[operation]["responses"]
    assert status in responses
    assert "200" not in responses


@pytest.mark.parametrize(
    ("operation", "kind"),
    [
        ("GET /api/v1/payroll/periods/{id}/figures/", "object"),
        ("POST /api/v1/schedule/replan/", "object"),
        ("GET /api/v1/schedule/weeks/", "array"),
        ("GET /api/v1/purchase-orders/supplier-performance/", "array"),
    ],
)
def test_figure_actions_declare_their_own_shape_not_the_model(schema, operation, kind):
    body = dict(operations(schema))[operation]["responses"]["200"]["content"]["application/json"]
    assert body["schema"]["type"] == kind


def test_deleting_a_row_still_in_use_is_a_409_with_the_error_body():
    request = APIRequestFactory().delete("/api/v1/bins/1/")
    response = exception_handler(ProtectedError("in use", set()), {"request": request})
    assert response.status_code == 409
    assert response.data["code"] == "in_use"
    assert set(response.data) == {"code", "message", "errors"}
