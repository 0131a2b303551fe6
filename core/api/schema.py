"""OpenAPI description of Seamline's API: its authentication and its error responses."""

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_array_type, build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "core.api.authentication.ApiTokenAuthentication"
    name = "ApiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "sl_<prefix>_<secret>",
            "description": "An organization's API token (see docs/api.md).",
        }


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer (core/api/errors.py)."""

    code = serializers.CharField(help_text="A stable, machine-readable error code.")
    message = serializers.CharField(help_text="What went wrong, in the request's language.")
    errors = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Field name → list of messages (nested for nested fields); may be empty.",
    )


# What any operation may answer besides its own success: bad input, no or bad credentials, a
# role or tenant that may not, an id it cannot see, a method or media type it does not take, a
# state conflict, a reused idempotency key, the rate limit, and a service the platform needs
# being away (the MQTT broker when device credentials are issued).
ERROR_STATUSES = {
    "400": "The request is not valid (fields in `errors`).",
    "401": "No or invalid credentials.",
    "403": "The acting organization or role may not do this.",
    "404": "No such object for the acting organization.",
    "405": "The method is not allowed here.",
    "406": "The requested response format is not available.",
    "409": "The object's state does not allow this.",
    "415": "The request's media type is not supported.",
    "422": "The Idempotency-Key was used for a different request.",
    "429": "Too many requests for the organization.",
    "503": "A service the platform needs is unreachable; nothing was changed, retry later.",
}


TIME_OF_DAY = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


class AutoSchema(openapi.AutoSchema):
    """The project's schema class: every operation declares the common error responses, in
    the one error body shape, beside its own (which win where a view declares one)."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction=direction)
        for status_code, description in ERROR_STATUSES.items():
            if status_code not in responses:
                response = self._get_response_for_code(ErrorSerializer, status_code)
                response["description"] = description
                responses[status_code] = response
        return responses

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        # JSON Schema's "time" format demands a UTC offset; the API's times of day ("07:30:00")
        # are local to the factory and carry none.
        if isinstance(field, serializers.TimeField):
            return {"type": "string", "pattern": TIME_OF_DAY, "example": "07:30:00"}
        return super()._map_serializer_field(field, direction, bypass_extensions)


# For actions that answer a computed figure rather than a model: a free-form object or a list
# of them (a view's own `extend_schema(responses=...)` names which).
ANY_OBJECT = build_basic_type(OpenApiTypes.OBJECT)
LIST_OF_OBJECTS = build_array_type(build_basic_type(OpenApiTypes.OBJECT))
