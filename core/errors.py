"""Domain errors raised by services. The API turns them into the one JSON error shape."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A business rule refused a request. Nothing was written."""

    status_code = 400
    code = "invalid"

    def __init__(
        self,
        message=None,
        *,
        code: str | None = None,
        errors: dict | None = None,
        status_code: int | None = None,
    ):
        self.message = message or _("The request could not be carried out.")
        if code:
            self.code = code
        if status_code:
            self.status_code = status_code
        self.errors = errors or {}
        super().__init__(str(self.message))


class NotAllowed(DomainError):
    """A state transition or action that the object's current state does not allow."""

    status_code = 409
    code = "not_allowed"


class Conflict(DomainError):
    """The request conflicts with what is already recorded (a double scan, a locked period)."""

    status_code = 409
    code = "conflict"
