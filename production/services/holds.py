"""Quality holds on bundles and cartons: put on hold with a reason, released with a note, each
move audited through its transition table (the `hold` field, apart from the workflow status).

A held bundle cannot be recorded (records.operation_record_create) nor packed (packing.
carton_pack refuses its size × colour); a held carton cannot ship (packing.shipment_ship).
A packed bundle is held through its carton; a shipped carton can no longer be held.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError, NotAllowed
from core.realtime import notify
from core.transitions import TransitionTable, transition_apply
from production.models import Bundle, Carton, Hold

BUNDLE_HOLDS = TransitionTable(
    Bundle, {Hold.FREE: {Hold.HELD}, Hold.HELD: {Hold.FREE}}, field="hold"
)
CARTON_HOLDS = TransitionTable(
    Carton, {Hold.FREE: {Hold.HELD}, Hold.HELD: {Hold.FREE}}, field="hold"
)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        message = _("Say why it is put on hold.")
        raise DomainError(message, code="invalid_reason", errors={"reason": [message]})
    return reason[:300]


def _move(table: TransitionTable, instance, *, to: str, by, reason: str):
    name = {"object": table.model._meta.verbose_name}
    if instance.hold == to == Hold.HELD:
        raise NotAllowed(_("This %(object)s is already on hold.") % name, code="already_on_hold")
    if instance.hold == to:
        raise NotAllowed(_("This %(object)s is not on hold.") % name, code="not_on_hold")
    transition_apply(
        table=table,
        instance=instance,
        to=to,
        by=by,
        reason=reason,
        values={"hold_reason": reason if to == Hold.HELD else ""},
    )
    kind = "held" if to == Hold.HELD else "hold_released"
    notify(instance.factory_id, f"{table.model._meta.model_name}_{kind}", {"id": instance.pk})
    return instance


@transaction.atomic
def bundle_hold(*, bundle: Bundle, reason: str, by) -> Bundle:
    """Put a bundle on hold (QC): it cannot be recorded or packed until released. Refused,
    nothing written: no reason (`invalid_reason`), already held (`already_on_hold`), packed
    (`bundle_packed`: hold its carton)."""
    reason = _reason(reason)
    bundle = Bundle.objects.select_for_update(no_key=True).get(pk=bundle.pk)
    if bundle.status == Bundle.Status.PACKED:
        raise NotAllowed(
            _("This bundle is packed: put its carton on hold instead."), code="bundle_packed"
        )
    return _move(BUNDLE_HOLDS, bundle, to=Hold.HELD, by=by, reason=reason)


@transaction.atomic
def bundle_hold_release(*, bundle: Bundle, by, note: str = "") -> Bundle:
    """Release a held bundle (`not_on_hold` if it is not held); `note` goes to the audit."""
    bundle = Bundle.objects.select_for_update(no_key=True).get(pk=bundle.pk)
    return _move(BUNDLE_HOLDS, bundle, to=Hold.FREE, by=by, reason=(note or "").strip())


@transaction.atomic
def carton_hold(*, carton: Carton, reason: str, by) -> Carton:
    """Put a carton on hold (QC): it cannot ship until released. Refused, nothing written:
    no reason, already held, or shipped (`carton_shipped`)."""
    reason = _reason(reason)
    carton = Carton.objects.select_for_update(no_key=True).get(pk=carton.pk)
    if carton.shipment_id:
        raise NotAllowed(_("This carton has shipped."), code="carton_shipped")
    return _move(CARTON_HOLDS, carton, to=Hold.HELD, by=by, reason=reason)


@transaction.atomic
def carton_hold_release(*, carton: Carton, by, note: str = "") -> Carton:
    """Release a held carton (`not_on_hold` if it is not held); `note` goes to the audit."""
    carton = Carton.objects.select_for_update(no_key=True).get(pk=carton.pk)
    return _move(CARTON_HOLDS, carton, to=Hold.FREE, by=by, reason=(note or "").strip())


def held_bundles_refuse(*, work_order, cells) -> None:
    """Refuse packing (`bundle_on_hold`) while a bundle of one of these size × colour cells
    of the work order is held: which pieces the carton takes is not known by bundle, so the
    whole cell waits for QC."""
    cells = set(cells)
    held = [
        bundle
        for bundle in Bundle.objects.filter(
            factory_id=work_order.factory_id, work_order=work_order, hold=Hold.HELD
        ).order_by("number")
        if (bundle.colour, bundle.size) in cells
    ]
    if held:
        raise NotAllowed(
            _(
                "Bundles on hold: %(bundles)s. Their size and colour cannot be packed until QC "
                "releases them."
            )
            % {"bundles": ", ".join(str(bundle.number) for bundle in held)},
            code="bundle_on_hold",
            errors={"contents": [f"{b.colour}/{b.size} #{b.number}" for b in held]},
        )


def held_cartons_refuse(*, cartons) -> None:
    """Refuse shipping (`carton_on_hold`) while one of these cartons is held."""
    held = sorted(carton.number for carton in cartons if carton.hold == Hold.HELD)
    if held:
        raise NotAllowed(
            _("Cartons on hold: %(cartons)s. They cannot ship until QC releases them.")
            % {"cartons": ", ".join(map(str, held))},
            code="carton_on_hold",
            errors={"cartons": [_("Carton %(n)d is on hold.") % {"n": n} for n in held]},
        )
