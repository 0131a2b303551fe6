"""The bounds of every quantity, sum of money and measure that enters the platform.

One place for the limits, so an order grid, an API body, an import row and a form all refuse the
same numbers with the same message: a quantity of 2**31 once reached PostgreSQL and came back as
a 500. A number out of range is refused before anything is written, with the code
`out_of_range` and a message in the request's language.

- pieces (an order's cell, an order's total, a count recorded on the floor): whole numbers,
  0 … `MAX_QUANTITY`;
- money in yuan: `MONEY_MAX_DIGITS` digits with 2 places, 0 … `MAX_MONEY`;
- metres and kilograms: 3 places, 0 … `MAX_MEASURE`.

Services check with `check_quantity` / `check_money` / `check_measure` (a `DomainError`);
serializers use `QuantityField` / `MoneyField` / `MeasureField`, forms `quantity_form_field`,
`money_form_field`, `measure_form_field`.
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.errors import DomainError

MAX_QUANTITY = 1_000_000
MONEY_MAX_DIGITS = 10
MONEY_DECIMAL_PLACES = 2
MAX_MONEY = Decimal("99999999.99")
MEASURE_MAX_DIGITS = 14
MEASURE_DECIMAL_PLACES = 3
MAX_MEASURE = Decimal("10000000")

OUT_OF_RANGE = "out_of_range"


def quantity_message():
    return _("A quantity is a whole number from 0 to %(max)s.") % {"max": f"{MAX_QUANTITY:,}"}


def money_message():
    return _("An amount of money is from 0 to %(max)s yuan.") % {"max": f"{MAX_MONEY:,}"}


def measure_message():
    return _("A measure is from 0 to %(max)s.") % {"max": f"{MAX_MEASURE:,}"}


def out_of_range(field: str, message) -> DomainError:
    return DomainError(
        _("A number is out of range."), code=OUT_OF_RANGE, errors={field: [str(message)]}
    )


def _whole(value) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if str(value).strip() == str(number) or isinstance(value, int) else None


def is_quantity(value) -> bool:
    number = _whole(value)
    return number is not None and 0 <= number <= MAX_QUANTITY


def check_quantity(value, *, field: str = "quantity") -> int:
    """`value` as pieces, or a `DomainError` (`out_of_range`) naming `field`."""
    if not is_quantity(value):
        raise out_of_range(field, quantity_message())
    return int(value)


def _decimal(value, places: int, limit: Decimal) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not number.is_finite() or number < 0 or number > limit:
        return None
    # Rounded to the places kept, as the column stores it.
    return number.quantize(Decimal(1).scaleb(-places))


def check_money(value, *, field: str = "amount") -> Decimal:
    """`value` as yuan with 2 places, or a `DomainError` (`out_of_range`) naming `field`."""
    number = _decimal(value, MONEY_DECIMAL_PLACES, MAX_MONEY)
    if number is None:
        raise out_of_range(field, money_message())
    return number


def check_measure(value, *, field: str = "quantity") -> Decimal:
    """`value` as metres or kilograms with 3 places, or a `DomainError` naming `field`."""
    number = _decimal(value, MEASURE_DECIMAL_PLACES, MAX_MEASURE)
    if number is None:
        raise out_of_range(field, measure_message())
    return number


# --- API fields -------------------------------------------------------------------------------
def _refuse(message) -> None:
    raise serializers.ValidationError(str(message), code=OUT_OF_RANGE)


class QuantityField(serializers.IntegerField):
    """Pieces: `min_value` (0) … MAX_QUANTITY; out of range is the code `out_of_range`."""

    def __init__(self, *, min_value: int | None = 0, **kwargs):
        self.least = min_value
        super().__init__(**kwargs)
        self.error_messages["max_string_length"] = lazy(quantity_message, str)()

    def fail(self, key, **kwargs):
        if key == "max_string_length":
            _refuse(quantity_message())
        super().fail(key, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value > MAX_QUANTITY or (self.least is not None and value < self.least):
            _refuse(quantity_message())
        return value


class _BoundedDecimalField(serializers.DecimalField):
    places = 2
    limit = MAX_MONEY
    max_digits_of = MONEY_MAX_DIGITS
    message = staticmethod(money_message)

    def __init__(self, *, min_value=Decimal(0), **kwargs):
        self.least = min_value
        kwargs.update(max_digits=self.max_digits_of, decimal_places=self.places)
        super().__init__(**kwargs)

    def fail(self, key, **kwargs):
        if key in ("max_digits", "max_whole_digits"):
            _refuse(self.message())
        super().fail(key, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value > self.limit or (self.least is not None and value < self.least):
            _refuse(self.message())
        return value


class MoneyField(_BoundedDecimalField):
    """Yuan with 2 places: 0 … MAX_MONEY."""


class MeasureField(_BoundedDecimalField):
    """Metres or kilograms with 3 places: `min_value` (0) … MAX_MEASURE."""

    places = MEASURE_DECIMAL_PLACES
    limit = MAX_MEASURE
    max_digits_of = MEASURE_MAX_DIGITS
    message = staticmethod(measure_message)


# --- form fields ------------------------------------------------------------------------------
class BoundedFieldMixin:
    """A form field whose out-of-range message is the one of core.limits."""

    limit_message = staticmethod(quantity_message)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Lazy: form fields are made when their form class is defined, in whatever language
        # is active then; the message must be in the language of the request that fails.
        message = lazy(self.limit_message, str)()
        for key in ("max_value", "max_digits", "max_whole_digits"):
            self.error_messages[key] = message

    def run_validators(self, value):
        # Too many digits and too large are one refusal, said once.
        try:
            super().run_validators(value)
        except ValidationError as error:
            raise ValidationError(list(dict.fromkeys(error.messages))) from None


class QuantityFormField(BoundedFieldMixin, forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs["max_value"] = MAX_QUANTITY
        super().__init__(*args, **kwargs)


class MoneyFormField(BoundedFieldMixin, forms.DecimalField):
    limit_message = staticmethod(money_message)

    def __init__(self, *args, **kwargs):
        kwargs.update(
            max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, max_value=MAX_MONEY
        )
        super().__init__(*args, **kwargs)


class MeasureFormField(BoundedFieldMixin, forms.DecimalField):
    limit_message = staticmethod(measure_message)

    def __init__(self, *args, **kwargs):
        kwargs.update(
            max_digits=MEASURE_MAX_DIGITS,
            decimal_places=MEASURE_DECIMAL_PLACES,
            max_value=MAX_MEASURE,
        )
        super().__init__(*args, **kwargs)
