"""Recording shop-floor work: the one door for phone scans, supervisor entries and hanging-line
station events. Everything a caller passes is resolved inside the acting factory, so another
factory's bundle, badge or station is simply not found; bad input raises and writes nothing."""

import unicodedata
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, DomainError, NotAllowed
from core.models import Membership
from core.realtime import notify
from core.roles import FLOOR
from factories.badges import worker_by_badge
from factories.clock import local_date
from factories.models import Factory, Station, Worker
from production.models import (
    Bundle,
    Hold,
    InspectionDefect,
    OperationRecord,
    WorkOrder,
    WorkOrderOperation,
)
from production.services.bundles import bundles_transition
from production.services.work_orders import work_order_transition

BUNDLE_QR_PREFIX = "SLB:"
# A typed bundle number asks which work order among at most this many (a page of buttons).
MAX_CANDIDATES = 12
Source = OperationRecord.Source


def bundle_id_from_scan(payload: str | int) -> int | None:
    """The bundle id a ticket's QR code (or a typed number) stands for."""
    text = str(payload).strip()
    if text.upper().startswith(BUNDLE_QR_PREFIX):
        text = text[len(BUNDLE_QR_PREFIX) :]
    return int(text) if text.isdigit() else None


def first_pass_good_pieces(
    *, bundle_quantity: int, good_pieces: int | None, defective_pieces: int = 0
) -> int:
    """The good pieces a first-pass record counts: those given, or else the whole bundle less
    the defective ones. The one rule, for a phone scan, a supervisor entry and a station event
    alike (and for the devices' rollups, which count a station's pieces before or without
    the record)."""
    if good_pieces is None:
        return bundle_quantity - int(defective_pieces or 0)
    return int(good_pieces)


def station_events_good_pieces(
    *, factory_id: int, events: list[tuple[object, int | None, int]]
) -> list[int]:
    """For each (bundle ticket, good, defective) a station reported, the good pieces production
    records for it (`first_pass_good_pieces`), read in one query and without recording: the
    bundle's quantity where `good` is missing; 0 where that bundle is not the factory's or the
    figure is negative, as production refuses such a record."""
    wanted = {
        bundle_id_from_scan(bundle) for bundle, good, _defective in events if good is None
    } - {None}
    quantities = (
        dict(
            Bundle.objects.filter(factory_id=factory_id, pk__in=wanted).values_list(
                "pk", "quantity"
            )
        )
        if wanted
        else {}
    )
    pieces = []
    for bundle, good, defective in events:
        quantity = quantities.get(bundle_id_from_scan(bundle)) if good is None else 0
        if quantity is None:
            pieces.append(0)
            continue
        good = first_pass_good_pieces(
            bundle_quantity=quantity, good_pieces=good, defective_pieces=defective
        )
        pieces.append(max(good, 0))
    return pieces


def _refuse(field: str, message) -> DomainError:
    return DomainError(message, code=f"invalid_{field}", errors={field: [message]})


class BundleAmbiguous(DomainError):
    """A typed bundle number that more than one open work order has: the person is asked which
    (`candidates`, in work-order order), never answered with a guess."""

    code = "bundle_ambiguous"

    def __init__(self, message, *, candidates: list[Bundle]):
        super().__init__(message, errors={"bundle": [message]})
        self.candidates = candidates


def bundle_number_text(number: int) -> str:
    """A bundle's number as the ticket prints it, big: "0001"."""
    return f"{number:04d}"


def bundle_code(bundle: Bundle) -> str:
    """The code printed under a ticket's QR, to type when the QR is torn: "WO-SO000012-0001"
    (`bundle_resolve` reads it back)."""
    return f"{bundle.work_order.number}-{bundle_number_text(bundle.number)}"


def _work_order_in(factory: Factory, work_order) -> WorkOrder | None:
    if work_order in (None, ""):
        return None
    pk = work_order.pk if isinstance(work_order, WorkOrder) else work_order
    found = WorkOrder.objects.filter(factory=factory, pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise _refuse("work_order", _("This work order is not one of this factory's."))
    return found


def bundle_resolve(
    *,
    factory: Factory,
    entry: Bundle | int | str,
    work_order: WorkOrder | int | None = None,
    digits_are_ids: bool = False,
) -> Bundle:
    """The bundle a person (or a station) means, in `factory`.

    The identities, one rule for the scan page, the inspection page and the API:
    - the ticket's QR code `SLB:<id>` (or a Bundle, or an int id from code) is that bundle;
    - the code printed under the ticket's QR, `<work order number>-<bundle number>`
      ("WO-SO000012-0001"), is that work order's bundle;
    - a bare number ("0001", "1"), the big number printed on the ticket, is the bundle of that
      number in `work_order` when one is chosen; without one, in the factory's open work
      orders — one match is it, several raise `BundleAmbiguous` to ask which, none refuse.
    With `work_order` chosen, a QR or code of another work order's bundle is refused rather
    than recorded against the wrong order. `digits_are_ids` is for stations, whose events send
    the bundle id (docs/devices.md). Refusals name the field `bundle` (or `work_order`)."""
    chosen = _work_order_in(factory, work_order)
    bundles = Bundle.objects.filter(factory=factory).select_related("work_order")
    if isinstance(entry, Bundle) or (isinstance(entry, int) and not isinstance(entry, bool)):
        found = bundles.filter(pk=entry.pk if isinstance(entry, Bundle) else entry).first()
    else:
        text = unicodedata.normalize("NFKC", str(entry or "")).strip()
        number = text.lstrip("#")
        if text.upper().startswith(BUNDLE_QR_PREFIX) or (digits_are_ids and text.isdigit()):
            bundle_id = bundle_id_from_scan(text)
            found = bundles.filter(pk=bundle_id).first() if bundle_id else None
        elif number.isdigit():
            return _bundle_by_number(factory, bundles, int(number), chosen)
        else:
            found = _bundle_by_code(bundles, text)
    if found is None:
        raise _refuse("bundle", _("This bundle ticket is not one of this factory's bundles."))
    if chosen is not None and found.work_order_id != chosen.pk:
        raise _refuse(
            "bundle",
            _("This ticket is bundle %(number)s of %(wo)s, not of the chosen %(chosen)s.")
            % {
                "number": bundle_number_text(found.number),
                "wo": found.work_order.number,
                "chosen": chosen.number,
            },
        )
    return found


def _bundle_by_code(bundles, text: str) -> Bundle | None:
    """`<work order number>-<bundle number>` (a space also separates them)."""
    head, _sep, tail = text.replace(" ", "-").rpartition("-")
    if not head or not tail.isdigit():
        return None
    return bundles.filter(work_order__number__iexact=head.strip("-"), number=int(tail)).first()


def _bundle_by_number(factory, bundles, number: int, chosen: WorkOrder | None) -> Bundle:
    if chosen is not None:
        found = bundles.filter(work_order=chosen, number=number).first()
        if found is None:
            raise _refuse(
                "bundle",
                _("%(wo)s has no bundle %(number)s.")
                % {"wo": chosen.number, "number": bundle_number_text(number)},
            )
        return found
    candidates = list(
        bundles.filter(number=number)
        .exclude(work_order__status__in=[WorkOrder.Status.DONE, WorkOrder.Status.CANCELLED])
        .order_by("work_order__number")[:MAX_CANDIDATES]
    )
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise _refuse(
            "bundle",
            _(
                "No open work order has bundle %(number)s. Choose the work order, or scan the "
                "ticket's QR code."
            )
            % {"number": bundle_number_text(number)},
        )
    raise BundleAmbiguous(
        _("Bundle %(number)s is in %(n)d open work orders: choose which.")
        % {"number": bundle_number_text(number), "n": len(candidates)},
        candidates=candidates,
    )


def _resolve_bundle(factory: Factory, bundle, *, work_order=None, source: str = "") -> Bundle:
    found = bundle_resolve(
        factory=factory,
        entry=bundle,
        work_order=work_order,
        digits_are_ids=source == Source.DEVICE,
    )
    # Locks the bundle: concurrent records of it queue here.
    return (
        Bundle.objects.select_for_update(no_key=True).select_related("work_order").get(pk=found.pk)
    )


def operation_resolve(*, work_order: WorkOrder, entry) -> WorkOrderOperation:
    """The operation of `work_order`'s routing that `entry` names: a WorkOrderOperation, the id
    a page's list sends, or a code typed by hand ("OP3", "30"; a typed code wins over an id of
    the same digits). Refused at the field `operation`, naming the work order."""
    query = WorkOrderOperation.objects.filter(
        factory_id=work_order.factory_id, work_order_id=work_order.pk
    )
    found = None
    if isinstance(entry, WorkOrderOperation):
        found = query.filter(pk=entry.pk).first()
    elif isinstance(entry, int) and not isinstance(entry, bool):
        found = query.filter(pk=entry).first()
    else:
        text = unicodedata.normalize("NFKC", str(entry or "")).strip()
        by_code = list(query.filter(code__iexact=text)[:2]) if text else []
        if len(by_code) > 1:
            raise _refuse(
                "operation",
                _("Several operations of %(wo)s have code %(code)s: choose one from the list.")
                % {"wo": work_order.number, "code": text},
            )
        found = by_code[0] if by_code else None
        if found is None and text.isdigit():
            found = query.filter(pk=int(text)).first()
    if found is None:
        raise _refuse(
            "operation",
            _("%(wo)s has no operation %(code)s: choose one of its routing.")
            % {"wo": work_order.number, "code": getattr(entry, "code", entry)},
        )
    return found


def _resolve_operation(bundle: Bundle, operation) -> WorkOrderOperation:
    return operation_resolve(work_order=bundle.work_order, entry=operation)


def _resolve_worker(factory: Factory, worker) -> Worker:
    query = Worker.objects.filter(factory=factory, is_active=True)
    if isinstance(worker, Worker):
        found = query.filter(pk=worker.pk).first()
    else:
        found = worker_by_badge(query, worker)  # "B0041" and "B000041" are one badge
    if found is None:
        raise _refuse("worker", _("Unknown badge: no active worker of this factory has it."))
    return found


def _resolve_station(factory: Factory, station) -> Station | None:
    if station in (None, ""):
        return None
    query = Station.objects.filter(factory=factory)
    if isinstance(station, Station):
        found = query.filter(pk=station.pk).first()
    elif isinstance(station, int) or str(station).isdigit():
        found = query.filter(pk=int(station)).first()
    else:
        found = query.filter(code=str(station)).first()
    if found is None:
        raise _refuse("station", _("This station is not one of this factory's stations."))
    return found


def _refuse_unless_may_record_for(*, factory: Factory, worker: Worker, by, reason: str) -> None:
    """A person records pieces under their own badge. Recording for another worker is a
    supervisor's (or a manager's) entry, with a reason; the record keeps the reason and who
    entered it, and its creation is in the audit log. A station device (no `by`) reads the
    badge of the person at the station."""
    if by is None or worker.user_id == by.pk:
        return
    role = (
        Membership.objects.filter(user=by, organization_id=factory.pk, is_active=True)
        .values_list("role", flat=True)
        .first()
    )
    if role not in FLOOR:
        raise DomainError(
            _("You can record pieces only under your own badge."),
            code="not_own_badge",
            status_code=403,
            errors={"worker": [_("This badge is another worker's.")]},
        )
    if not reason:
        raise _refuse(
            "reason",
            _("Recording for another worker is a supervisor's entry: give a reason."),
        )


def _refuse_unless_recordable(bundle: Bundle) -> None:
    """The material gate and the holds: nothing is recorded on a cancelled work order, on one
    not yet released to cutting (its materials checked by `work_order_release`, or released
    with a reason that inventory logs as an override), or on a held bundle."""
    status = bundle.work_order.status
    if status == WorkOrder.Status.CANCELLED:
        raise NotAllowed(_("This work order is cancelled."), code="work_order_cancelled")
    if status == WorkOrder.Status.PLANNED:
        raise NotAllowed(
            _(
                "Work order %(wo)s is not released to cutting yet: nothing can be recorded "
                "before its material release. Ask a planner to release it."
            )
            % {"wo": bundle.work_order.number},
            code="not_released",
            errors={"bundle": [_("Not released to cutting.")]},
        )
    if bundle.hold == Hold.HELD:
        raise NotAllowed(
            _(
                "Bundle %(bundle)s is on hold (%(reason)s): it cannot be recorded until QC "
                "releases it."
            )
            % {"bundle": bundle, "reason": bundle.hold_reason},
            code="bundle_on_hold",
            errors={"bundle": [_("On hold.")]},
        )


def open_rework_pieces(*, bundle: Bundle, operation: WorkOrderOperation) -> int:
    """Pieces of a bundle waiting to be reworked at an operation: those recorded defective
    there plus those an inspection sent back to it, less those already reworked."""
    live = OperationRecord.objects.filter(
        factory_id=bundle.factory_id, bundle=bundle, operation=operation, voided_at__isnull=True
    )
    first_pass = live.filter(is_rework=False).aggregate(n=Sum("defective_pieces"))["n"] or 0
    reworked = live.filter(is_rework=True).aggregate(n=Sum("good_pieces"))["n"] or 0
    sent_back = (
        InspectionDefect.objects.filter(
            factory_id=bundle.factory_id,
            inspection__bundle=bundle,
            operation=operation,
            inspection__voided_at__isnull=True,
        ).aggregate(n=Sum("rework_pieces"))["n"]
        or 0
    )
    return max(0, first_pass + sent_back - reworked)


@transaction.atomic
def operation_record_create(
    *,
    factory: Factory,
    bundle: Bundle | int | str,
    operation: WorkOrderOperation | int | str,
    worker: Worker | str,
    source: str,
    station: Station | int | str | None = None,
    work_order: WorkOrder | int | None = None,
    good_pieces: int | None = None,
    defective_pieces: int = 0,
    is_rework: bool = False,
    recorded_at: datetime | None = None,
    external_event_id: str = "",
    reason: str = "",
    by=None,
) -> OperationRecord:
    """Record that `worker` did `operation` on `bundle`.

    `bundle` is a Bundle, its id, or what was scanned or typed (`bundle_resolve`: the QR text,
    the ticket's code, or its number within `work_order`; a station's event sends the id);
    `operation` a WorkOrderOperation, its id or its code; `worker` a Worker or a badge in any
    of its written forms (factories.badges); `station` a Station, id or code. Without
    `good_pieces` the whole bundle less the defective pieces is good. With `external_event_id`
    the call is idempotent: the same event returns the record it made the first time.
    Refused (nothing written): another factory's or an unknown bundle, badge or station; an
    operation outside the bundle's routing; a cancelled work order, one not yet released to
    cutting (`not_released`), a held bundle (`bundle_on_hold`); more pieces than the bundle
    holds; the same bundle and operation twice unless as rework; a supervisor entry without a
    reason; a badge that is not `by`'s own, unless `by` is a supervisor or manager who gives a
    reason.
    """
    external_event_id = (external_event_id or "").strip()
    if external_event_id:
        existing = OperationRecord.objects.filter(
            factory=factory, external_event_id=external_event_id
        ).first()
        if existing is not None:
            return existing
    if source not in Source.values:
        raise _refuse("source", _("Unknown source of the record."))
    reason = (reason or "").strip()
    if source == Source.MANUAL and not reason:
        raise _refuse("reason", _("A supervisor entry needs a reason."))

    bundle = _resolve_bundle(factory, bundle, work_order=work_order, source=source)
    if external_event_id:
        # The same event may have been recorded while this call waited for the lock.
        existing = OperationRecord.objects.filter(
            factory=factory, external_event_id=external_event_id
        ).first()
        if existing is not None:
            return existing
    operation = _resolve_operation(bundle, operation)
    worker = _resolve_worker(factory, worker)
    _refuse_unless_may_record_for(factory=factory, worker=worker, by=by, reason=reason)
    station = _resolve_station(factory, station)
    _refuse_unless_recordable(bundle)

    defective_pieces = int(defective_pieces or 0)
    if is_rework:
        limit = open_rework_pieces(bundle=bundle, operation=operation)
        good_pieces = limit if good_pieces is None else int(good_pieces)
        if defective_pieces or good_pieces < 1 or good_pieces > limit:
            raise _refuse(
                "good_pieces",
                _("Only %(n)d pieces of this bundle wait for rework at this operation.")
                % {"n": limit},
            )
    else:
        good_pieces = first_pass_good_pieces(
            bundle_quantity=bundle.quantity,
            good_pieces=good_pieces,
            defective_pieces=defective_pieces,
        )
        if good_pieces < 0 or defective_pieces < 0 or good_pieces + defective_pieces < 1:
            raise _refuse("good_pieces", _("Record at least one piece, and no negative counts."))
        if good_pieces + defective_pieces > bundle.quantity:
            raise _refuse(
                "good_pieces",
                _("The bundle holds %(n)d pieces: more cannot be completed.")
                % {"n": bundle.quantity},
            )
        done = (
            OperationRecord.objects.filter(
                factory=factory,
                bundle=bundle,
                operation=operation,
                is_rework=False,
                voided_at__isnull=True,
            )
            .select_related("worker")
            .first()
        )
        if done is not None:
            raise Conflict(
                _("%(op)s on this bundle was already recorded by %(worker)s. Record it as rework.")
                % {"op": operation.name, "worker": done.worker.name},
                code="already_recorded",
                errors={"operation": [_("Already recorded.")]},
            )

    recorded_at = recorded_at or timezone.now()
    try:
        with transaction.atomic():
            record = OperationRecord.objects.create(
                factory=factory,
                bundle=bundle,
                operation=operation,
                work_order_id=bundle.work_order_id,
                worker=worker,
                station=station,
                line_id=station.line_id if station else worker.line_id,
                recorded_at=recorded_at,
                work_date=local_date(factory, recorded_at),
                good_pieces=good_pieces,
                defective_pieces=defective_pieces,
                is_rework=is_rework,
                source=source,
                external_event_id=external_event_id,
                reason=reason,
                recorded_by=by,
            )
    except IntegrityError:
        # A concurrent call with the same event id (or the same bundle operation) won the race.
        if external_event_id:
            existing = OperationRecord.objects.filter(
                factory=factory, external_event_id=external_event_id
            ).first()
            if existing is not None:
                return existing
        raise Conflict(_("This bundle operation was just recorded."), code="already_recorded")

    _advance_bundle_and_work_order(bundle, by=by)
    notify(
        factory.pk,
        "operation_recorded",
        {
            "record": record.pk,
            "work_order": bundle.work_order_id,
            "bundle": bundle.pk,
            "operation": operation.pk,
            "worker": worker.pk,
            "line": record.line_id,
            "station": record.station_id,
            "good": good_pieces,
            "defective": defective_pieces,
            "rework": is_rework,
        },
    )
    return record


def _scanned_operations_done(bundle: Bundle) -> bool:
    wanted = set(
        WorkOrderOperation.objects.filter(
            factory_id=bundle.factory_id, work_order_id=bundle.work_order_id, is_scanned=True
        ).values_list("pk", flat=True)
    )
    done = set(
        OperationRecord.objects.filter(
            factory_id=bundle.factory_id, bundle=bundle, is_rework=False, voided_at__isnull=True
        ).values_list("operation_id", flat=True)
    )
    return bool(wanted) and wanted <= done


def _advance_bundle_and_work_order(bundle: Bundle, *, by) -> None:
    """A bundle is in sewing from its first record and sewn when every scanned operation is
    done; a work order released to cutting is sewing from its first record. Both are locked
    (`_resolve_bundle`), and a scan that changes neither writes nothing here."""
    if bundle.status in (Bundle.Status.FINISHED, Bundle.Status.PACKED):
        return
    status = Bundle.Status.SEWN if _scanned_operations_done(bundle) else Bundle.Status.IN_SEWING
    if status != bundle.status:
        bundles_transition(bundles=[bundle], to=status, by=by)
    if bundle.work_order.status == WorkOrder.Status.CUTTING:
        work_order_transition(work_order=bundle.work_order, to=WorkOrder.Status.SEWING, by=by)


@transaction.atomic
def operation_record_void(*, record: OperationRecord, reason: str, by) -> OperationRecord:
    """Void a record (it stays, marked void, with who, when and why)."""
    reason = (reason or "").strip()
    if not reason:
        raise _refuse("reason", _("Say why the record is voided."))
    record = OperationRecord.objects.select_for_update(no_key=True).get(pk=record.pk)
    if record.voided_at is not None:
        raise NotAllowed(_("This record is already void."), code="already_void")
    record.voided_at = timezone.now()
    record.voided_by = by
    record.void_reason = reason
    record.save(update_fields=["voided_at", "voided_by", "void_reason"])
    bundle = Bundle.objects.select_for_update(no_key=True).get(pk=record.bundle_id)
    if bundle.status == Bundle.Status.SEWN and not _scanned_operations_done(bundle):
        bundles_transition(bundles=[bundle], to=Bundle.Status.IN_SEWING, by=by, reason=reason)
    notify(
        record.factory_id,
        "operation_voided",
        {
            "record": record.pk,
            "work_order": record.work_order_id,
            "bundle": record.bundle_id,
            "worker": record.worker_id,
            "line": record.line_id,
        },
    )
    return record
