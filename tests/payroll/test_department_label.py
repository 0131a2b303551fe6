"""A worker's department is shown in the reader's language, never as the stored word "sewing"
(issue 14); a department the factory named itself is shown as typed."""

from datetime import date

import pytest
from django.test import Client
from django.utils import translation

from factories.models import department_label
from payroll import services

MONDAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("sewing", "Sewing"),
        ("Cutting", "Cutting"),
        ("Embroidery room", "Embroidery room"),
        ("", "—"),
    ],
)
def test_a_department_is_said_in_words(stored, shown):
    with translation.override("en"):
        assert department_label(stored) == shown


def test_the_period_page_names_the_department_not_the_stored_word(shop, clerk):
    # Given a worker of the default department ("sewing") paid in a calculated period
    worker = shop.worker()
    assert worker.department == "sewing"
    shop.record(worker, MONDAY, good=100)
    march = services.pay_period_open(factory=shop.factory, starts_on=date(2026, 3, 1), by=clerk)
    period = services.pay_period_calculate(period=march, by=clerk)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(clerk)

    # When the clerk opens the period
    html = client.get(f"/payroll/periods/{period.pk}/").content.decode()

    # Then the department table says "Sewing", and the raw word appears nowhere
    table = html[html.index("By department") :]
    assert "<td>Sewing</td>" in table
    assert "sewing" not in html
