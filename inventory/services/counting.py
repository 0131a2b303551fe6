"""Cycle counting on the phone: scan a bin, count each lot, submit; the variance becomes an
adjustment, at once below the approval threshold and after a manager's approval above it."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, DomainError, NotAllowed
from core.realtime import notify
from inventory import conf
from inventory.models import Bin, CycleCount, CycleCountLine, Lot, StockBalance
from inventory.models.fields import ZERO
from inventory.models.stock import BIN_LABEL_PREFIX, LOT_LABEL_PREFIX
from inventory.services.ledger import adjustment_post, non_negative_quantity


def _unknown_barcode(field: str) -> DomainError:
    return DomainError(
        _("This barcode is not known here."),
        code="unknown_barcode",
        errors={field: [_("Unknown barcode.")]},
    )


def bin_from_barcode(*, factory, barcode: str) -> Bin:
    """The bin a scanned label (`BIN:<code>`, or the bare code typed in) names."""
    code = (barcode or "").strip()
    if code.upper().startswith(BIN_LABEL_PREFIX):
        code = code[len(BIN_LABEL_PREFIX) :]
    bin = Bin.objects.filter(factory=factory, code=code, is_active=True).first() if code else None
    if bin is None:
        raise _unknown_barcode("barcode")
    return bin


def lot_from_barcode(*, factory, barcode: str) -> Lot:
    code = (barcode or "").strip()
    if code.upper().startswith(LOT_LABEL_PREFIX):
        code = code[len(LOT_LABEL_PREFIX) :]
    lot = Lot.objects.filter(factory=factory, code=code).first() if code else None
    if lot is None:
        raise _unknown_barcode("lot")
    return lot


@transaction.atomic
def cycle_count_start(*, factory, barcode: str, by) -> CycleCount:
    """Scan a bin: lock it and note what the ledger says is in it."""
    bin = bin_from_barcode(factory=factory, barcode=barcode)
    bin = Bin.objects.select_for_update(no_key=True).get(pk=bin.pk)
    if CycleCount.objects.filter(bin=bin, status__in=CycleCount.LOCKING_STATUSES).exists():
        raise Conflict(
            _("Bin %(bin)s is already being counted.") % {"bin": bin.code},
            code="bin_locked",
            errors={"barcode": [_("Locked by another count.")]},
        )
    try:
        with transaction.atomic():
            count = CycleCount.objects.create(factory=factory, bin=bin, started_by=by)
    except IntegrityError:
        raise Conflict(
            _("Bin %(bin)s is already being counted.") % {"bin": bin.code}, code="bin_locked"
        )
    balances = StockBalance.objects.filter(bin=bin, quantity__gt=0).select_related("lot__material")
    CycleCountLine.objects.bulk_create(
        CycleCountLine(
            factory=factory,
            count=count,
            lot=balance.lot,
            expected_quantity=balance.quantity,
            unit_cost=balance.lot.material.average_cost,
        )
        for balance in balances
    )
    return count


def _open(count: CycleCount) -> CycleCount:
    count = CycleCount.objects.select_for_update(no_key=True).get(pk=count.pk)
    if count.status != CycleCount.Status.OPEN:
        raise NotAllowed(_("This count is no longer open."))
    return count


@transaction.atomic
def cycle_count_record(*, count: CycleCount, entries: list[dict], by) -> CycleCount:
    """Record counted quantities: [{"lot": barcode or code, "quantity": …}].

    A lot found in the bin that the ledger did not expect is added with an expected zero.
    """
    count = _open(count)
    if not entries:
        raise DomainError(_("Enter at least one count."), errors={"entries": [_("Required.")]})
    parsed = []
    for index, entry in enumerate(entries):
        lot = lot_from_barcode(factory=count.factory, barcode=str(entry.get("lot") or ""))
        quantity = non_negative_quantity(
            entry.get("quantity"),
            f"entries[{index}].quantity",
            _("A counted quantity is zero or more."),
        )
        parsed.append((lot, quantity))
    for lot, quantity in parsed:
        line, _created = CycleCountLine.objects.get_or_create(
            factory_id=count.factory_id,
            count=count,
            lot=lot,
            defaults={"expected_quantity": ZERO, "unit_cost": lot.material.average_cost},
        )
        line.counted_quantity = quantity
        line.save(update_fields=["counted_quantity"])
    return count


@transaction.atomic
def cycle_count_submit(*, count: CycleCount, by) -> CycleCount:
    """Finish counting. Every lot the ledger expects must be counted — a lot that is not there
    is counted as 0 on purpose, never by forgetting it."""
    count = _open(count)
    lines = list(count.lines.select_related("lot"))
    uncounted = [line.lot.code for line in lines if line.counted_quantity is None]
    if uncounted or not lines:
        raise DomainError(
            _("Count every lot of the bin (enter 0 for a lot that is not there): %(lots)s")
            % {"lots": ", ".join(uncounted) or "—"},
            code="count_incomplete",
            errors={"entries": [_("Not counted yet.")]},
        )
    value = sum((abs(line.variance) * line.unit_cost for line in lines), ZERO)
    count.variance_value = value.quantize(Decimal("0.01"), ROUND_HALF_UP)
    count.submitted_at = timezone.now()
    if count.variance_value > Decimal(conf.get("COUNT_APPROVAL_THRESHOLD_YUAN")):
        count.status = CycleCount.Status.PENDING_APPROVAL
        count.save(update_fields=["variance_value", "submitted_at", "status"])
        notify(
            count.factory_id,
            "count_needs_approval",
            {"bin": count.bin.code, "value": str(count.variance_value)},
        )
        return count
    count.save(update_fields=["variance_value", "submitted_at"])
    return _post(count, by=by)


def _post(count: CycleCount, *, by) -> CycleCount:
    for line in count.lines.select_related("lot__material"):
        if line.variance:
            adjustment_post(
                lot=line.lot, bin=count.bin, variance=line.variance, by=by, cycle_count=count
            )
    count.status = CycleCount.Status.POSTED
    count.decided_at = timezone.now()
    count.save(update_fields=["status", "decided_at"])
    notify(count.factory_id, "stock_changed", {"bin": count.bin.code, "kind": "adjustment"})
    return count


@transaction.atomic
def cycle_count_approve(*, count: CycleCount, by) -> CycleCount:
    count = CycleCount.objects.select_for_update(no_key=True).get(pk=count.pk)
    if count.status != CycleCount.Status.PENDING_APPROVAL:
        raise NotAllowed(_("Only a count awaiting approval can be approved."))
    count.decided_by = by
    count.save(update_fields=["decided_by"])
    return _post(count, by=by)


@transaction.atomic
def cycle_count_reject(*, count: CycleCount, by) -> CycleCount:
    """Reject the count (recount instead): nothing is adjusted and the bin is unlocked."""
    count = CycleCount.objects.select_for_update(no_key=True).get(pk=count.pk)
    if count.status not in CycleCount.LOCKING_STATUSES:
        raise NotAllowed(_("This count is already decided."))
    count.status = CycleCount.Status.REJECTED
    count.decided_by = by
    count.decided_at = timezone.now()
    count.save(update_fields=["status", "decided_by", "decided_at"])
    return count
