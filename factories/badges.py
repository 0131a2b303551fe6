"""Badge numbers: one format everywhere.

A badge is printed, typed, scanned from a card's QR, imported from a spreadsheet and sent by a
hanging-line station. People write the same badge several ways ("B0041", "b41", "Ｂ０００４１"
from a Chinese keyboard, "B000041" from the card), so every door goes through the one
normaliser here: `badge_normalise` gives the canonical form that is stored and printed, and
`worker_by_badge` finds a worker by any of its written forms."""

import re
import unicodedata

from django.db.models import QuerySet

# Badges are stored with their trailing number padded to this many digits ("B000041").
BADGE_DIGITS = 6
# An optional letter prefix (letters and hyphens, "B", "QC-") and a trailing number.
_NUMBERED = re.compile(r"^([A-Z][A-Z\-]*)?(\d+)$")


def _split(text: str) -> tuple[str, str] | None:
    """(prefix, number without leading zeros) of a numbered badge, else None."""
    match = _NUMBERED.match(text)
    if match is None:
        return None
    prefix, digits = match.group(1) or "", match.group(2).lstrip("0") or "0"
    return (prefix, digits) if len(digits) <= BADGE_DIGITS else None


def badge_normalise(text) -> str:
    """The canonical form of a badge as typed, scanned or imported: full-width characters made
    ASCII, spaces removed, upper case, and the trailing number of a numbered badge padded to
    six digits ("b41", "B0041", "B 000041" → "B000041"). A badge of another shape is returned
    cleaned but otherwise as given; an empty one as ""."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = "".join(text.split()).upper()
    parts = _split(text)
    if parts is None:
        return text
    prefix, digits = parts
    return prefix + digits.zfill(BADGE_DIGITS)


def badge_pattern(text) -> str | None:
    """A case-insensitive regular expression matching every written form of the badge (for
    rows stored before the canonical form was enforced); None when it is not numbered."""
    parts = _split(badge_normalise(text))
    if parts is None:
        return None
    prefix, digits = parts
    return rf"^\s*{re.escape(prefix)}0*{digits}\s*$"


def workers_with_badge(queryset: QuerySet, badge) -> QuerySet:
    """The workers of `queryset` (already scoped to one factory) whose badge is `badge` in any
    of its written forms: the canonical form first (the index), then the others."""
    key = badge_normalise(badge)
    if not key:
        return queryset.none()
    exact = queryset.filter(badge_id=key)
    if exact.exists():
        return exact
    pattern = badge_pattern(key)
    if pattern is None:
        return queryset.filter(badge_id__iexact=key)
    return queryset.filter(badge_id__iregex=pattern)


def worker_by_badge(queryset: QuerySet, badge):
    """The one worker of `queryset` with this badge, or None (none, or several rows written in
    forms that were told apart before badges had one format: never a guess)."""
    found = list(workers_with_badge(queryset, badge)[:2])
    return found[0] if len(found) == 1 else None
