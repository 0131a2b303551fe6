"""The bundle's states and the one function that moves bundles.

cut → in sewing (first record) → sewn (every scanned operation done) → finished (received as
finished goods) → packed. A bundle whose only scanned operation is recorded at once goes from
cut to sewn; voiding a record can send a sewn bundle back to in sewing.
"""

from collections.abc import Sequence

from core.transitions import TransitionTable, transitions_apply
from production.models import Bundle

S = Bundle.Status
BUNDLE_TRANSITIONS = TransitionTable(
    Bundle,
    {
        S.CUT: {S.IN_SEWING, S.SEWN},
        S.IN_SEWING: {S.SEWN, S.FINISHED},
        S.SEWN: {S.IN_SEWING, S.FINISHED},
        S.FINISHED: {S.PACKED},
        S.PACKED: set(),
    },
)


def bundles_transition(*, bundles: Sequence[Bundle], to: str, by, reason: str = "") -> int:
    """Move locked bundles to `to`, all or none (NotAllowed if one may not move): one UPDATE
    and one insert of audit entries, however many bundles. Returns how many moved."""
    return transitions_apply(
        table=BUNDLE_TRANSITIONS, instances=bundles, to=to, by=by, reason=reason
    )
