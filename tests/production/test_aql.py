"""AQL lookups against ISO 2859-1 Tables 1 and 2-A (general level II, normal inspection)."""

import pytest

from production.aql import code_letter, sampling_plan


@pytest.mark.parametrize(
    ("lot", "level", "letter"),
    [
        (8, "II", "A"),
        (40, "II", "D"),
        (90, "II", "E"),
        (91, "II", "F"),
        (500, "II", "H"),
        (501, "II", "J"),
        (1200, "II", "J"),
        (3000, "II", "K"),
        (10000, "II", "L"),
        (10001, "II", "M"),
        (200000, "II", "P"),
        (3000, "I", "H"),
        (3000, "III", "L"),
    ],
)
def test_code_letter_follows_table_1(lot, level, letter):
    assert code_letter(lot, level) == letter


@pytest.mark.parametrize(
    ("lot", "aql", "sample", "accept", "reject"),
    [
        # lot 281-500 → H (50)
        (500, "2.5", 50, 3, 4),
        (500, "4.0", 50, 5, 6),
        (500, "1.5", 50, 2, 3),
        # lot 501-1200 → J (80)
        (1000, "2.5", 80, 5, 6),
        (1000, "4.0", 80, 7, 8),
        (1000, "0.65", 80, 1, 2),
        # lot 1201-3200 → K (125)
        (3000, "2.5", 125, 7, 8),
        (3000, "4.0", 125, 10, 11),
        (3000, "1.0", 125, 3, 4),
        # lot 3201-10000 → L (200)
        (8000, "2.5", 200, 10, 11),
        (8000, "4.0", 200, 14, 15),
        # lot 10001-35000 → M (315)
        (20000, "2.5", 315, 14, 15),
        (20000, "4.0", 315, 21, 22),
        # lot 35001-150000 → N (500): 4.0 points up to M's plan
        (50000, "2.5", 500, 21, 22),
        (50000, "4.0", 315, 21, 22),
        # lot 26-50 → D (8): 2.5 points up to C (5, Ac 0), 4.0 down to E (13, Ac 1)
        (40, "2.5", 5, 0, 1),
        (40, "4.0", 13, 1, 2),
        # lot 51-90 → E (13): 2.5 points down to F (20, Ac 1)
        (80, "2.5", 20, 1, 2),
        (80, "6.5", 13, 2, 3),
    ],
)
def test_sampling_plan_follows_table_2a(lot, aql, sample, accept, reject):
    plan = sampling_plan(lot, aql)
    assert (plan.sample_size, plan.accept, plan.reject) == (sample, accept, reject)


def test_a_sample_larger_than_the_lot_inspects_every_piece():
    plan = sampling_plan(10, "0.65")  # B, arrow down to F (20) > 10 pieces
    assert (plan.sample_size, plan.inspect_all, plan.accept) == (10, True, 0)


def test_verdict_accepts_up_to_ac_and_rejects_from_re():
    plan = sampling_plan(1000, "2.5")
    assert (plan.verdict(5), plan.verdict(6)) == (True, False)


def test_unknown_aql_is_refused():
    with pytest.raises(ValueError):
        sampling_plan(1000, "3.0")
