"""AQL sampling per ISO 2859-1 (single sampling plans, normal inspection).

Table 1 gives the sample size code letter from the lot size and the inspection level; Table 2-A
gives, per code letter, the sample size and for each AQL the acceptance (Ac) and rejection (Re)
numbers — or an arrow: "v" means use the first plan below the arrow (and its larger sample
size), "^" the first plan above it. When the sample size reaches the lot size, every piece is
inspected. Garment final audits use general level II with AQL 2.5 for major and 4.0 for minor
defects by default.
"""

from dataclasses import dataclass

# Table 1 — sample size code letters: (lot size up to, {level: letter}).
CODE_LETTERS: tuple[tuple[int, dict[str, str]], ...] = (
    (8, {"I": "A", "II": "A", "III": "B"}),
    (15, {"I": "A", "II": "B", "III": "C"}),
    (25, {"I": "B", "II": "C", "III": "D"}),
    (50, {"I": "C", "II": "D", "III": "E"}),
    (90, {"I": "C", "II": "E", "III": "F"}),
    (150, {"I": "D", "II": "F", "III": "G"}),
    (280, {"I": "E", "II": "G", "III": "H"}),
    (500, {"I": "F", "II": "H", "III": "J"}),
    (1200, {"I": "G", "II": "J", "III": "K"}),
    (3200, {"I": "H", "II": "K", "III": "L"}),
    (10000, {"I": "J", "II": "L", "III": "M"}),
    (35000, {"I": "K", "II": "M", "III": "N"}),
    (150000, {"I": "L", "II": "N", "III": "P"}),
    (500000, {"I": "M", "II": "P", "III": "Q"}),
    (10**12, {"I": "N", "II": "Q", "III": "R"}),
)

SAMPLE_SIZES = {
    "A": 2, "B": 3, "C": 5, "D": 8, "E": 13, "F": 20, "G": 32, "H": 50,
    "J": 80, "K": 125, "L": 200, "M": 315, "N": 500, "P": 800, "Q": 1250, "R": 2000,
}  # fmt: skip
LETTERS = tuple(SAMPLE_SIZES)

AQLS = ("0.065", "0.10", "0.15", "0.25", "0.40", "0.65", "1.0", "1.5", "2.5", "4.0", "6.5")

# Table 2-A — single sampling plans for normal inspection, AQL 0.065 … 6.5: (Ac, Re) or arrow.
TABLE_2A = {
    "A": ("v", "v", "v", "v", "v", "v", "v", "v", "v", "v", (0, 1)),
    "B": ("v", "v", "v", "v", "v", "v", "v", "v", "v", (0, 1), "^"),
    "C": ("v", "v", "v", "v", "v", "v", "v", "v", (0, 1), "^", "v"),
    "D": ("v", "v", "v", "v", "v", "v", "v", (0, 1), "^", "v", (1, 2)),
    "E": ("v", "v", "v", "v", "v", "v", (0, 1), "^", "v", (1, 2), (2, 3)),
    "F": ("v", "v", "v", "v", "v", (0, 1), "^", "v", (1, 2), (2, 3), (3, 4)),
    "G": ("v", "v", "v", "v", (0, 1), "^", "v", (1, 2), (2, 3), (3, 4), (5, 6)),
    "H": ("v", "v", "v", (0, 1), "^", "v", (1, 2), (2, 3), (3, 4), (5, 6), (7, 8)),
    "J": ("v", "v", (0, 1), "^", "v", (1, 2), (2, 3), (3, 4), (5, 6), (7, 8), (10, 11)),
    "K": ("v", (0, 1), "^", "v", (1, 2), (2, 3), (3, 4), (5, 6), (7, 8), (10, 11), (14, 15)),
    "L": ((0, 1), "^", "v", (1, 2), (2, 3), (3, 4), (5, 6), (7, 8), (10, 11), (14, 15), (21, 22)),
    "M": ("^", "v", (1, 2), (2, 3), (3, 4), (5, 6), (7, 8), (10, 11), (14, 15), (21, 22), "^"),
    "N": ("v", (1, 2), (2, 3), (3, 4), (5, 6), (7, 8), (10, 11), (14, 15), (21, 22), "^", "^"),
    "P": ((1, 2), (2, 3), (3, 4), (5, 6), (7, 8), (10, 11), (14, 15), (21, 22), "^", "^", "^"),
    "Q": ((2, 3), (3, 4), (5, 6), (7, 8), (10, 11), (14, 15), (21, 22), "^", "^", "^", "^"),
    "R": ((3, 4), (5, 6), (7, 8), (10, 11), (14, 15), (21, 22), "^", "^", "^", "^", "^"),
}

DEFAULT_LEVEL = "II"
DEFAULT_MAJOR_AQL = "2.5"
DEFAULT_MINOR_AQL = "4.0"


@dataclass(frozen=True)
class SamplingPlan:
    lot_size: int
    level: str
    aql: str
    code_letter: str  # Table 1's letter for the lot
    plan_letter: str  # the letter whose plan applies after following the arrows
    sample_size: int  # pieces to inspect (never more than the lot)
    accept: int  # Ac: accept the lot with at most this many defectives
    reject: int  # Re: reject it with this many or more

    @property
    def inspect_all(self) -> bool:
        return self.sample_size >= self.lot_size

    def verdict(self, defects: int) -> bool:
        """True when the lot is accepted with `defects` defective pieces in the sample."""
        return defects <= self.accept


def code_letter(lot_size: int, level: str = DEFAULT_LEVEL) -> str:
    """Table 1: the sample size code letter for a lot size and general inspection level."""
    if lot_size < 2:
        raise ValueError("lot size must be at least 2")
    if level not in ("I", "II", "III"):
        raise ValueError(f"unknown inspection level {level!r}")
    for upper, letters in CODE_LETTERS:
        if lot_size <= upper:
            return letters[level]
    raise AssertionError("unreachable")  # pragma: no cover


def sampling_plan(lot_size: int, aql: str, level: str = DEFAULT_LEVEL) -> SamplingPlan:
    """The single sampling plan (normal inspection) for a lot, following Table 2-A's arrows."""
    if aql not in AQLS:
        raise ValueError(f"AQL {aql!r} is not one of {', '.join(AQLS)}")
    letter = code_letter(lot_size, level)
    column = AQLS.index(aql)
    index = LETTERS.index(letter)
    cell = TABLE_2A[letter][column]
    while isinstance(cell, str):
        index += 1 if cell == "v" else -1
        cell = TABLE_2A[LETTERS[index]][column]
    plan_letter = LETTERS[index]
    accept, reject = cell
    sample = SAMPLE_SIZES[plan_letter]
    return SamplingPlan(
        lot_size=lot_size,
        level=level,
        aql=aql,
        code_letter=letter,
        plan_letter=plan_letter,
        sample_size=min(sample, lot_size),
        accept=accept,
        reject=reject,
    )
