"""orders' own pages: a refused action or form comes back on the page and writes nothing."""

from django.test import Client

from orders.models import Order, WebhookEndpoint


def test_rejecting_without_a_reason_shows_the_error_at_the_reason(planner, place_order):
    order = place_order()
    client = Client()
    client.force_login(planner)

    response = client.post(f"/orders/{order.pk}/", {"action": "reject", "reason": "  "})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["A reason is required."]
    assert "is-invalid" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED


def test_an_unknown_action_changes_nothing(planner, place_order):
    order = place_order()
    client = Client()
    client.force_login(planner)

    response = client.post(f"/orders/{order.pk}/", {"action": "ship"})

    assert response.status_code == 200
    assert response.context["form"].errors["action"]
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED


def test_a_webhook_url_that_is_not_a_url_is_a_field_error(buyer):
    client = Client()
    client.force_login(buyer)

    response = client.post("/orders/webhooks/", {"url": "not a url"})

    assert response.status_code == 200
    assert response.context["form"].errors["url"] == ["Enter a valid URL."]
    assert 'value="not a url"' in response.content.decode()
    assert WebhookEndpoint.objects.count() == 0
