"""A limit's message is in the language of the request that fails, not of the moment its form
field was made (form fields are made once, when their form class is defined)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.limits import MoneyFormField, QuantityFormField


@pytest.mark.parametrize(
    ("field_class", "value", "english"),
    [
        (QuantityFormField, str(2**31), "A quantity is a whole number from 0 to 1,000,000."),
        (MoneyFormField, "100000000.00", "An amount of money is from 0 to 99,999,999.99 yuan."),
    ],
    ids=["quantity", "money"],
)
def test_a_field_made_in_chinese_refuses_in_the_language_of_the_request(
    field_class, value, english
):
    # given a field made while Chinese was active
    with translation.override("zh-hans"):
        field = field_class()

    # when an English request submits a number over the limit
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        field.clean(value)

    # then the message is English
    assert refused.value.messages == [english]
