"""A bundle is what its ticket prints: the QR, the big number within its work order, the code
under the QR. Typing "0001" never picks a bundle of another work order: with two open work
orders that both have a bundle 0001 the page asks which, and a chosen work order scopes it."""

import pytest
from django.urls import reverse

from core.errors import DomainError
from core.roles import Role
from production.models import OperationRecord
from production.services import BundleAmbiguous, bundle_code, bundle_resolve
from production.tickets import bundle_tickets_pdf
from tests.factories import BundleFactory
from tests.pdfs import pdf_text, qr_payloads
from tests.production.conftest import build_floor
from tests.production.test_pages import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(db):
    """One factory, two released work orders, each with bundles 0001-0003 (the second's ids
    come after the first's, so a typed "1" is the first's id 1 at best by coincidence)."""
    first = build_floor(tag="a")
    second = build_floor(first.factory, tag="b")
    return first, second


def test_a_typed_number_in_two_open_work_orders_is_ambiguous_and_names_both(two):
    first, second = two

    with pytest.raises(BundleAmbiguous) as error:
        bundle_resolve(factory=first.factory, entry="0001")

    assert error.value.errors == {"bundle": ["Bundle 0001 is in 2 open work orders: choose which."]}
    assert error.value.candidates == sorted(
        [first.bundles[0], second.bundles[0]], key=lambda b: b.work_order.number
    )


def test_a_typed_number_resolves_within_the_chosen_work_order(two):
    first, second = two

    found = [
        bundle_resolve(factory=first.factory, entry=entry, work_order=second.work_order)
        for entry in ("0001", "1", "#0001", "０００１")
    ]

    assert found == [second.bundles[0]] * 4


def test_a_qr_of_another_work_order_is_refused_when_one_is_chosen(two):
    first, second = two

    with pytest.raises(DomainError) as error:
        bundle_resolve(
            factory=first.factory,
            entry=f"SLB:{first.bundles[0].pk}",
            work_order=second.work_order,
        )

    assert error.value.errors == {
        "bundle": [
            f"This ticket is bundle 0001 of {first.work_order.number}, not of the chosen "
            f"{second.work_order.number}."
        ]
    }


def test_the_printed_code_and_the_qr_each_name_one_bundle(two):
    first, second = two
    bundle = second.bundles[2]

    by_code = bundle_resolve(factory=first.factory, entry=bundle_code(bundle).lower())
    by_qr = bundle_resolve(factory=first.factory, entry=bundle.qr_payload)

    assert (by_code, by_qr) == (bundle, bundle)


def test_a_number_only_one_open_work_order_has_is_that_bundle(two):
    first, second = two
    BundleFactory(lay=first.bundles[0].lay, number=7)  # in the first work order only

    found = bundle_resolve(factory=first.factory, entry="0007")

    assert (found.work_order, found.number) == (first.work_order, 7)


def test_a_done_work_orders_bundle_does_not_make_a_number_ambiguous(two):
    first, second = two
    second.work_order.status = "done"
    second.work_order.save(update_fields=["status"])

    assert bundle_resolve(factory=first.factory, entry="0002") == first.bundles[1]


def test_another_factorys_bundle_number_is_not_found(two):
    first, _second = two
    stranger = build_floor(tag="x")  # another factory, with its own bundle 0001

    with pytest.raises(DomainError) as error:
        bundle_resolve(factory=first.factory, entry=bundle_code(stranger.bundles[0]))

    assert list(error.value.errors) == ["bundle"]


def test_a_station_event_still_sends_the_bundle_id(two):
    first, second = two
    bundle = second.bundles[1]

    found = bundle_resolve(factory=first.factory, entry=str(bundle.pk), digits_are_ids=True)

    assert found == bundle


def scan_post(floor, **fields):
    return {
        "bundle": "0001",
        "badge": floor.workers[0].badge_id,
        "operation": "OP1",
        "reason": "ticket torn",
        **fields,
    }


def test_the_scan_page_asks_which_work_order_for_an_ambiguous_number_and_records_nothing(
    client, two
):
    first, second = two
    login(client, first, Role.SUPERVISOR)

    response = client.post(reverse("production:record-manual"), scan_post(first))

    assert response.context["form"].errors["bundle"] == [
        "Bundle 0001 is in 2 open work orders: choose which."
    ]
    page = response.content.decode()
    for floor in (first, second):
        assert f'name="pick_work_order" value="{floor.work_order.pk}"' in page
    assert 'value="0001"' in page  # the typed number is kept
    assert OperationRecord.objects.count() == 0


def test_picking_the_work_order_records_that_work_orders_bundle(client, two):
    first, second = two
    login(client, first, Role.SUPERVISOR)

    response = client.post(
        reverse("production:record-manual"),
        scan_post(second, pick_work_order=second.work_order.pk),
    )

    record = OperationRecord.objects.get()
    assert (record.bundle, record.work_order) == (second.bundles[0], second.work_order)
    # The work order stays chosen for the next ticket.
    assert f"work_order={second.work_order.pk}" in response["Location"]


def test_the_picker_says_which_work_orders_a_typed_number_could_mean(client, two):
    first, second = two
    login(client, first, Role.WORKER)

    ambiguous = client.get(reverse("production:scan-operations"), {"bundle": "0001"})
    scoped = client.get(
        reverse("production:scan-operations"),
        {"bundle": "0001", "work_order": second.work_order.pk},
    )

    assert ambiguous.context["candidates"] == sorted(
        [first.bundles[0], second.bundles[0]], key=lambda b: b.work_order.number
    )
    assert ambiguous.context["operations"] == []
    assert scoped.context["bundle"] == second.bundles[0]
    assert [op.pk for op in scoped.context["operations"]] == [op.pk for op in second.operations]


def test_the_api_resolves_a_number_within_its_work_order_and_refuses_an_ambiguous_one(api, two):
    first, second = two
    from tests.production.test_api import client_for

    client = client_for(api, first, Role.SUPERVISOR)
    body = {"bundle": "0001", "operation": "OP1", "badge": first.workers[0].badge_id}
    body["reason"] = "for the line"

    refused = client.post("/api/v1/operation-records/", body, format="json")
    scoped = client.post(
        "/api/v1/operation-records/",
        {**body, "work_order": first.work_order.pk},
        format="json",
    )

    assert (refused.status_code, refused.json()["code"]) == (400, "bundle_ambiguous")
    assert scoped.status_code == 201
    assert OperationRecord.objects.get().bundle == first.bundles[0]


def test_the_api_still_takes_a_json_integer_as_the_bundles_id(api, two):
    first, _second = two
    from tests.production.test_api import client_for

    client = client_for(api, first, Role.SUPERVISOR)
    target = first.bundles[1]
    body = {"bundle": target.pk, "operation": "OP1", "badge": first.workers[0].badge_id}
    body["reason"] = "for the line"

    created = client.post("/api/v1/operation-records/", body, format="json")
    missing = client.post("/api/v1/operation-records/", {**body, "bundle": 10**9}, format="json")

    assert created.status_code == 201
    assert missing.status_code == 400
    assert list(OperationRecord.objects.values_list("bundle", flat=True)) == [target.pk]


def test_a_ticket_prints_what_the_scan_accepts(two, tmp_path):
    first, _second = two

    pdf = bundle_tickets_pdf(first.work_order)

    text = pdf_text(pdf, tmp_path)
    payloads = qr_payloads(pdf, tmp_path)
    for bundle in first.bundles:
        assert bundle_code(bundle) in text
        assert bundle_resolve(factory=first.factory, entry=bundle_code(bundle)) == bundle
    assert sorted(payloads) == sorted(b.qr_payload for b in first.bundles)
    assert [bundle_resolve(factory=first.factory, entry=p) for p in sorted(payloads)] == sorted(
        first.bundles, key=lambda b: b.qr_payload
    )
    # The coupons say "No. 0001", never "B0001", which reads as a badge.
    assert "No. 0001" in text and "B0001" not in text
