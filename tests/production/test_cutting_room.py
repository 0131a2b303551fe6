"""The cutting room: spreading a lay roll by roll (fabric issued through the ledger), confirming
the cut per size (bundles follow), re-cuts, and fabric consumption against the markers.

The world (tests/production/cutting_world.py): one lay L1 of 31 plies under marker M1
(S:1 M:1, 2.45 m), bundles 1 S×20, 2 S×11, 3 M×20, 4 M×11; rolls R1 and R2 of 100 m each."""

from decimal import Decimal

import pytest

from core.errors import DomainError, NotAllowed
from inventory.models import StockMove
from production.models import Bundle, Lay, Recut, SpreadRoll
from production.selectors import fabric_consumption, lay_cut_position
from production.services import lay_cut_confirm, lay_spread, recut_record
from tests.audit_trail import entries_of, moves_of
from tests.production.cutting_world import build_cutting_world, lot_on_hand, roll

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_cutting_world()


def one_roll(lot="c-R1", plies=31, length="76.00", end_bits="0.50", shade="A"):
    return {
        "lot": lot,
        "plies": plies,
        "length_m": length,
        "end_bits_m": end_bits,
        "shade_group": shade,
    }


def bundles_of(lay):
    return list(
        Bundle.objects.filter(lay=lay).order_by("number").values_list("number", "size", "quantity")
    )


def nothing_written(world, lay):
    lay.refresh_from_db()
    return (
        lay.status,
        SpreadRoll.objects.count(),
        StockMove.objects.filter(kind="issue").count(),
        lot_on_hand(world.rolls[0]),
    ) == ("planned", 0, 0, Decimal("100"))


# --- spreading -------------------------------------------------------------------------------
def test_spreading_records_the_roll_issues_its_fabric_and_marks_the_lay_spread(world):
    lay = world.lays[0]

    lay_spread(lay=lay, rolls=[one_roll()], by=world.supervisor)

    lay.refresh_from_db()
    spread = SpreadRoll.objects.get()
    move = StockMove.objects.get(kind="issue")
    assert (lay.status, spread.lot.code, spread.lot.dye_lot, spread.plies) == (
        "spread",
        "c-R1",
        "D1",
        31,
    )
    assert (spread.length_m, spread.end_bits_m, spread.shade_group) == (
        Decimal("76.00"),
        Decimal("0.50"),
        "A",
    )
    assert (move.quantity, move.work_order_id, spread.stock_move_id) == (
        Decimal("76.500"),
        world.work_order.pk,
        move.pk,
    )
    assert lot_on_hand(world.rolls[0]) == Decimal("23.500")


def test_the_spread_is_audited_as_a_lay_transition(world):
    lay = world.lays[0]

    lay_spread(lay=lay, rolls=[one_roll(plies=30, length="73.50")], by=world.supervisor)

    entry = entries_of(lay).last()
    assert (moves_of(lay), entry.additional_data) == (
        [("planned", "spread")],
        {"note": "Short spread: 30 of 31 plies."},
    )


def test_a_lay_is_spread_from_two_rolls_by_label_scan_and_id(world):
    lay = world.lays[0]
    rolls = [
        one_roll(lot="LOT:c-R1", plies=20, length="49.00"),
        one_roll(lot=str(world.rolls[1].pk), plies=11, length="27.00", shade="B"),
    ]

    lay_spread(lay=lay, rolls=rolls, by=world.supervisor)

    assert list(
        SpreadRoll.objects.order_by("sequence").values_list("sequence", "lot__code", "shade_group")
    ) == [(1, "c-R1", "A"), (2, "c-R2", "B")]
    assert (lot_on_hand(world.rolls[0]), lot_on_hand(world.rolls[1])) == (
        Decimal("50.500"),
        Decimal("72.500"),
    )


def test_a_lay_of_a_work_order_not_released_is_not_spread():
    world = build_cutting_world("u", release=False)
    lay = world.lays[0]

    with pytest.raises(NotAllowed) as error:
        lay_spread(lay=lay, rolls=[one_roll(lot="u-R1")], by=world.supervisor)

    lay.refresh_from_db()
    assert (error.value.code, lay.status, SpreadRoll.objects.count()) == (
        "work_order_not_released",
        "planned",
        0,
    )


def test_a_roll_of_another_material_is_refused_and_nothing_is_written(world):
    roll(material=world.other, bin=world.bin, code="c-X1", metres="100", by=world.planner)

    with pytest.raises(DomainError) as error:
        lay_spread(lay=world.lays[0], rolls=[one_roll(lot="c-X1")], by=world.supervisor)

    assert (error.value.code, list(error.value.errors)) == ("wrong_material", ["rolls[0].lot"])
    assert nothing_written(world, world.lays[0])


def test_a_roll_of_another_colour_is_refused(world):
    roll(material=world.fabric, bin=world.bin, code="c-RED", metres="100", by=world.planner,
         colour="Red")  # fmt: skip

    with pytest.raises(DomainError) as error:
        lay_spread(lay=world.lays[0], rolls=[one_roll(lot="c-RED")], by=world.supervisor)

    assert error.value.code == "wrong_colour"
    assert nothing_written(world, world.lays[0])


def test_a_failed_roll_is_refused_by_the_ledger(world):
    roll(material=world.fabric, bin=world.bin, code="c-BAD", metres="100", by=world.planner,
         inspection="failed")  # fmt: skip

    with pytest.raises(DomainError) as error:
        lay_spread(lay=world.lays[0], rolls=[one_roll(lot="c-BAD")], by=world.supervisor)

    assert (error.value.code, list(error.value.errors)) == ("lot_not_released", ["rolls[0].lot"])
    assert nothing_written(world, world.lays[0])


def test_more_plies_than_planned_are_refused(world):
    with pytest.raises(DomainError) as error:
        lay_spread(lay=world.lays[0], rolls=[one_roll(plies=32)], by=world.supervisor)

    assert error.value.code == "too_many_plies"
    assert nothing_written(world, world.lays[0])


def test_a_second_roll_short_of_stock_undoes_the_first_roll(world):
    rolls = [one_roll(plies=20, length="49.00"), one_roll(lot="c-R2", plies=11, length="120")]

    with pytest.raises(DomainError) as error:
        lay_spread(lay=world.lays[0], rolls=rolls, by=world.supervisor)

    assert (error.value.code, list(error.value.errors)) == ("insufficient_stock", ["rolls[1].lot"])
    assert nothing_written(world, world.lays[0])


def test_an_unknown_lot_is_refused(world):
    with pytest.raises(DomainError) as error:
        lay_spread(lay=world.lays[0], rolls=[one_roll(lot="NOPE")], by=world.supervisor)

    assert (error.value.code, list(error.value.errors)) == ("unknown_lot", ["rolls[0].lot"])
    assert nothing_written(world, world.lays[0])


def test_a_spread_lay_is_not_spread_again(world):
    lay_spread(lay=world.lays[0], rolls=[one_roll()], by=world.supervisor)

    with pytest.raises(NotAllowed) as error:
        lay_spread(lay=world.lays[0], rolls=[one_roll(lot="c-R2")], by=world.supervisor)

    assert (error.value.code, SpreadRoll.objects.count()) == ("invalid_transition", 1)


# --- cutting ---------------------------------------------------------------------------------
def test_an_under_and_over_cut_adjust_the_last_bundles(world):
    lay = world.lays[0]
    lay_spread(lay=lay, rolls=[one_roll()], by=world.supervisor)

    lay_cut_confirm(lay=lay, cut={"S": 33, "M": 29}, by=world.supervisor)

    lay.refresh_from_db()
    assert (lay.status, lay.cut_sizes) == ("cut", {"S": 33, "M": 29})
    assert bundles_of(lay) == [(1, "S", 20), (2, "S", 13), (3, "M", 20), (4, "M", 9)]


def test_an_over_cut_beyond_the_bundle_size_adds_a_bundle_numbered_last(world):
    lay = world.lays[0]
    lay_spread(lay=lay, rolls=[one_roll()], by=world.supervisor)

    lay_cut_confirm(lay=lay, cut={"S": 45, "M": 31}, by=world.supervisor)

    assert bundles_of(lay) == [(1, "S", 20), (2, "S", 20), (3, "M", 20), (4, "M", 11), (5, "S", 5)]


def test_an_under_cut_removes_an_emptied_bundle(world):
    lay = world.lays[0]
    lay_spread(lay=lay, rolls=[one_roll()], by=world.supervisor)

    lay_cut_confirm(lay=lay, cut={"S": 15, "M": 31}, by=world.supervisor)

    assert bundles_of(lay) == [(1, "S", 15), (3, "M", 20), (4, "M", 11)]


def test_the_cut_position_shows_planned_actual_and_variance(world):
    lay = world.lays[0]
    lay_spread(lay=lay, rolls=[one_roll()], by=world.supervisor)
    lay_cut_confirm(lay=lay, cut={"S": 33, "M": 29}, by=world.supervisor)

    assert lay_cut_position(world.work_order) == [
        {"colour": "Black", "size": "M", "planned": 31, "actual": 29, "variance": -2},
        {"colour": "Black", "size": "S", "planned": 31, "actual": 33, "variance": 2},
    ]


def test_a_lay_not_spread_is_not_cut(world):
    lay = world.lays[0]

    with pytest.raises(NotAllowed) as error:
        lay_cut_confirm(lay=lay, cut={"S": 31, "M": 31}, by=world.supervisor)

    lay.refresh_from_db()
    assert (error.value.code, lay.status, len(bundles_of(lay))) == (
        "invalid_transition",
        "planned",
        4,
    )


def test_a_cut_missing_a_size_or_naming_another_is_refused(world):
    lay = world.lays[0]
    lay_spread(lay=lay, rolls=[one_roll()], by=world.supervisor)

    with pytest.raises(DomainError) as error:
        lay_cut_confirm(lay=lay, cut={"S": 31, "XL": 3}, by=world.supervisor)

    lay.refresh_from_db()
    assert (error.value.code, sorted(error.value.errors)) == ("invalid_cut", ["cut.M", "cut.XL"])
    assert (lay.status, bundles_of(lay)[1]) == ("spread", (2, "S", 11))


# --- re-cuts and consumption -----------------------------------------------------------------
def test_a_recut_with_a_lot_issues_its_fabric(world):
    bundle = Bundle.objects.get(lay=world.lays[0], number=1)

    recut = recut_record(
        bundle=bundle, pieces=2, reason="Hole in front panel", lot="c-R2", length_m="1.2",
        by=world.supervisor,
    )  # fmt: skip

    assert (recut.lay_id, recut.pieces, recut.stock_move.quantity) == (
        world.lays[0].pk,
        2,
        Decimal("1.200"),
    )
    assert lot_on_hand(world.rolls[1]) == Decimal("98.800")


def test_a_recut_without_a_reason_is_refused(world):
    bundle = Bundle.objects.get(lay=world.lays[0], number=1)

    with pytest.raises(DomainError) as error:
        recut_record(bundle=bundle, pieces=2, reason=" ", by=world.supervisor)

    assert (error.value.code, Recut.objects.count()) == ("reason_required", 0)


def test_fabric_consumption_compares_the_marker_with_what_was_issued(world):
    lay = world.lays[0]
    lay_spread(lay=lay, rolls=[one_roll(length="77.00", end_bits="1.00")], by=world.supervisor)

    figures = fabric_consumption(world.work_order)

    row = figures["lays"][0]
    assert (row["planned_m"], row["used_m"], row["variance_pct"]) == (
        Decimal("75.95"),
        Decimal("78.00"),
        Decimal("2.7"),
    )
    assert (figures["issued_m"], figures["end_bits_m"], figures["variance_pct"]) == (
        Decimal("78.000"),
        Decimal("1.00"),
        Decimal("2.7"),
    )


def test_a_lay_that_was_spread_is_reported_as_cutting_started(world):
    lay_spread(lay=world.lays[0], rolls=[one_roll()], by=world.supervisor)

    assert Lay.objects.get(pk=world.lays[0].pk).status == "spread"


# --- API -------------------------------------------------------------------------------------
@pytest.fixture
def supervisor_api(world):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(world.supervisor)
    return client


def test_the_api_spreads_and_cuts_a_lay_with_the_journey_shapes(world, supervisor_api):
    lay = world.lays[0]

    spread = supervisor_api.post(
        f"/api/v1/lays/{lay.pk}/spread/",
        {"rolls": [{"lot": "c-R1", "plies": 31, "length_m": "76.0", "end_bits_m": "0.4",
                    "shade_group": "A"}]},
        format="json",
    )  # fmt: skip
    cut = supervisor_api.post(
        f"/api/v1/lays/{lay.pk}/cut/", {"cut": {"S": 31, "M": 30}}, format="json"
    )

    assert (spread.status_code, spread.json()["status"], spread.json()["rolls"][0]["lot_code"]) == (
        200,
        "spread",
        "c-R1",
    )
    assert (cut.status_code, cut.json()["status"], cut.json()["sizes"]) == (
        200,
        "cut",
        [
            {"size": "S", "planned": 31, "actual": 31, "variance": 0},
            {"size": "M", "planned": 31, "actual": 30, "variance": -1},
        ],
    )
    assert cut.json()["qr"] == f"SLL:{lay.pk}"


def test_an_api_refusal_is_a_coded_error_in_the_request_language(world, supervisor_api):
    lay = world.lays[0]

    response = supervisor_api.post(
        f"/api/v1/lays/{lay.pk}/cut/",
        {"cut": {"S": 31, "M": 31}},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    lay.refresh_from_db()
    body = response.json()
    assert (response.status_code, body["code"], lay.status) == (
        409,
        "invalid_transition",
        "planned",
    )
    assert body["message"] != "This lay is Planned; it cannot become Cut."


def test_a_worker_cannot_spread_through_the_api(world):
    from rest_framework.test import APIClient

    from core.roles import Role
    from tests.production.cutting_world import user_with

    client = APIClient()
    client.force_login(user_with(world.factory, Role.WORKER, "c-worker"))

    response = client.post(
        f"/api/v1/lays/{world.lays[0].pk}/spread/", {"rolls": [one_roll()]}, format="json"
    )

    assert (response.status_code, SpreadRoll.objects.count()) == (403, 0)


def test_the_api_records_a_recut(world, supervisor_api):
    bundle = Bundle.objects.get(lay=world.lays[0], number=3)

    response = supervisor_api.post(
        "/api/v1/recuts/",
        {"bundle": bundle.pk, "pieces": 1, "reason": "Shaded sleeve", "lot": "c-R1",
         "length_m": "0.80"},
        format="json",
    )  # fmt: skip

    assert (response.status_code, response.json()["lot_code"], response.json()["lay"]) == (
        201,
        "c-R1",
        world.lays[0].pk,
    )


# --- pages -----------------------------------------------------------------------------------
@pytest.fixture
def supervisor_page(world):
    from django.test import Client

    client = Client()
    client.force_login(world.supervisor)
    return client


def test_the_cutting_room_lists_the_lays_of_released_work_orders(world, supervisor_page):
    page = supervisor_page.get("/production/cutting/")

    assert page.status_code == 200
    assert f'href="/production/lays/{world.lays[0].pk}/"' in page.content.decode()


def test_the_lay_page_spreads_and_cuts_through_its_forms(world, supervisor_page):
    lay = world.lays[0]
    url = f"/production/lays/{lay.pk}/"

    spread = supervisor_page.post(
        url,
        {"step": "spread", "lot_0": "LOT:c-R1", "plies_0": "31", "length_0": "76",
         "end_bits_0": "0.5", "shade_0": "A"},
    )  # fmt: skip
    cut = supervisor_page.post(url, {"step": "cut", "cut_S": "31", "cut_M": "30"})
    page = supervisor_page.get(url)

    lay.refresh_from_db()
    assert (spread.status_code, cut.status_code, lay.status, lay.cut_sizes) == (
        302,
        302,
        "cut",
        {"S": 31, "M": 30},
    )
    assert f"SLL:{lay.pk}" in page.content.decode()


def test_a_refused_spread_on_the_page_keeps_the_input_and_writes_nothing(world, supervisor_page):
    lay = world.lays[0]

    page = supervisor_page.post(
        f"/production/lays/{lay.pk}/",
        {"step": "spread", "lot_0": "c-R1", "plies_0": "40", "length_0": "76"},
    )

    assert (page.status_code, 'value="40"' in page.content.decode()) == (200, True)
    assert nothing_written(world, lay)


def test_a_worker_cannot_open_the_cutting_room(world):
    from rest_framework.test import APIClient

    from core.roles import Role
    from tests.production.cutting_world import user_with

    client = APIClient()
    client.force_login(user_with(world.factory, Role.WORKER, "c-worker2"))

    assert client.get("/production/cutting/").status_code == 403


def test_the_work_order_page_shows_planned_against_cut_and_fabric(world, supervisor_page):
    lay = world.lays[0]
    lay_spread(lay=lay, rolls=[one_roll()], by=world.supervisor)

    page = supervisor_page.get(f"/production/work-orders/{world.work_order.pk}/")

    text = page.content.decode()
    assert (page.status_code, "75.95" in text, "76.50" in text) == (200, True, True)


def test_the_cut_ticket_is_a_pdf(world, supervisor_page):
    response = supervisor_page.get(f"/production/lays/{world.lays[0].pk}/ticket.pdf")

    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")


def test_the_lay_page_records_a_recut(world, supervisor_page):
    lay = world.lays[0]
    bundle = Bundle.objects.get(lay=lay, number=2)

    response = supervisor_page.post(
        f"/production/lays/{lay.pk}/",
        {"step": "recut", "bundle": bundle.pk, "pieces": "2", "reason": "Skipped stitch on panel",
         "lot": "c-R2", "length_m": "1.50"},
    )  # fmt: skip

    recut = Recut.objects.get()
    assert (response.status_code, recut.bundle_id, recut.pieces, recut.length_m) == (
        302,
        bundle.pk,
        2,
        Decimal("1.50"),
    )


def test_a_refused_cut_on_the_page_shows_the_error_and_keeps_the_lay(world, supervisor_page):
    lay = world.lays[0]

    page = supervisor_page.post(
        f"/production/lays/{lay.pk}/", {"step": "cut", "cut_S": "31", "cut_M": "31"}
    )

    lay.refresh_from_db()
    assert (page.status_code, lay.status) == (200, "planned")
    assert "alert-danger" in page.content.decode()
