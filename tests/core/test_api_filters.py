"""No existence oracle in list filters: another tenant's id answers exactly like a missing id.

One case per (list endpoint, filter that picks a row by id), discovered from the URL
configuration, so a filter added tomorrow is tried the day it is added.
"""

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from tests.api_routes import list_routes_with_filters, model_choice_filters
from tests.worlds import build_world, pks_by_model

CASES = [
    pytest.param(route, name, param, id=f"{route.replace('^', '').replace('$', '')}?{param}")
    for route, name, filterset in list_routes_with_filters()
    for param in model_choice_filters(filterset)
]
FILTERSETS = {route: filterset for route, _name, filterset in list_routes_with_filters()}


@pytest.fixture(scope="module")
def two_worlds(django_db_setup, django_db_blocker):
    """alpha and bravo, built once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        before = pks_by_model()
        alpha = build_world("alpha")
        middle = pks_by_model()
        bravo = build_world("bravo")
        after = pks_by_model()
        alpha.pks = {m: middle[m] - before[m] for m in after}
        bravo.pks = {m: after[m] - middle[m] for m in after}
        yield alpha, bravo
        transaction.set_rollback(True)


_LISTER_OF: dict = {}  # url -> index of the first principal that may list it


def alpha_clients(alpha):
    """A client for every principal of alpha: sessions of every role, then every token."""
    for user in alpha.users.values():
        client = APIClient()
        client.force_login(user)
        yield client
    for key in alpha.tokens.values():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        yield client


def alpha_client_that_lists(alpha, url):
    """A principal of alpha that may read this list. Sessions live in each test's transaction,
    so the client is made anew; only which principal it is, is remembered."""
    if url in _LISTER_OF:
        for index, client in enumerate(alpha_clients(alpha)):
            if index == _LISTER_OF[url]:
                return client
    for index, client in enumerate(alpha_clients(alpha)):
        if client.get(url).status_code == 200:
            _LISTER_OF[url] = index
            return client
    raise AssertionError(f"no principal of alpha may list {url}")


@pytest.mark.parametrize(("route", "name", "param"), CASES)
def test_another_tenants_id_answers_like_a_missing_id(two_worlds, db, route, name, param):
    from django.urls import reverse

    alpha, bravo = two_worlds
    model = FILTERSETS[route].base_filters[param].queryset.model
    url = reverse(name)
    client = alpha_client_that_lists(alpha, url)
    bravo_id = min(bravo.pks[model])
    missing_id = max(alpha.pks[model] | bravo.pks[model]) + 1_000_000

    # When alpha filters the list by bravo's id, and by an id that exists nowhere
    by_bravo = client.get(url, {param: bravo_id})
    by_missing = client.get(url, {param: missing_id})

    # Then both answers are the same refusal, word for word
    assert by_bravo.status_code == by_missing.status_code == 400
    assert by_bravo.json() == by_missing.json()
    assert by_bravo.json()["code"] == "invalid"
    assert list(by_bravo.json()["errors"]) == [param]


@pytest.mark.parametrize(("route", "name", "param"), CASES)
def test_alphas_own_id_still_filters(two_worlds, db, route, name, param):
    from django.urls import reverse

    alpha, _bravo = two_worlds
    model = FILTERSETS[route].base_filters[param].queryset.model
    url = reverse(name)
    client = alpha_client_that_lists(alpha, url)
    own_ids = sorted(alpha.pks[model])
    assert own_ids, f"alpha has no {model.__name__}"

    # When alpha filters by its own ids (of a kind the principal sees: e.g. its merchant)
    statuses = [client.get(url, {param: pk}).status_code for pk in own_ids[:10]]

    # Then the filter accepts them
    assert 200 in statuses
