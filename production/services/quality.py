"""Writes of quality: inspections (inline, end of line) with the rework loop, final audits."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, NotAllowed
from core.realtime import notify
from factories.badges import worker_by_badge
from factories.models import Factory, Station, Worker
from production import aql
from production.models import (
    Bundle,
    DefectCode,
    FinalAudit,
    Inspection,
    InspectionDefect,
    OperationRecord,
    Severity,
    WorkOrder,
    WorkOrderOperation,
)
from production.services.records import bundle_resolve, operation_resolve

STANDARD_DEFECT_CODES = [
    # code, Chinese name, English name, severity — the codes most garment QC sheets start from.
    ("D01", "跳针", "Skipped stitch", Severity.MAJOR),
    ("D02", "断线", "Broken stitch", Severity.MAJOR),
    ("D03", "线迹不匀", "Uneven stitching", Severity.MINOR),
    ("D04", "起皱", "Puckering", Severity.MAJOR),
    ("D05", "尺寸超差", "Out of tolerance", Severity.MAJOR),
    ("D06", "污渍", "Stain", Severity.MINOR),
    ("D07", "线头", "Untrimmed thread", Severity.MINOR),
    ("D08", "破洞", "Hole", Severity.CRITICAL),
    ("D09", "色差", "Shade difference", Severity.MAJOR),
    ("D10", "断针", "Broken needle fragment", Severity.CRITICAL),
]


def defect_codes_ensure(*, factory: Factory) -> list[DefectCode]:
    """Give a factory the standard defect codes it lacks (idempotent)."""
    existing = set(DefectCode.objects.filter(factory=factory).values_list("code", flat=True))
    DefectCode.objects.bulk_create(
        [
            DefectCode(factory=factory, code=code, name=name, name_en=name_en, severity=severity)
            for code, name, name_en, severity in STANDARD_DEFECT_CODES
            if code not in existing
        ]
    )
    return list(DefectCode.objects.filter(factory=factory))


def _refuse(field: str, message) -> DomainError:
    return DomainError(message, code=f"invalid_{field}", errors={field: [message]})


def _worker_in(factory: Factory, worker) -> Worker | None:
    if worker in (None, ""):
        return None
    if isinstance(worker, Worker | int) and not isinstance(worker, bool):
        return _in_factory(Worker, factory, worker, "worker", _("Unknown worker."))
    found = worker_by_badge(Worker.objects.filter(factory=factory, is_active=True), worker)
    if found is None:
        raise _refuse("worker", _("Unknown badge: no active worker of this factory has it."))
    return found


def _in_factory(model, factory, value, field, message):
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, model) else value
    found = model.objects.filter(factory=factory, pk=pk).first()
    if found is None:
        raise _refuse(field, message)
    return found


@transaction.atomic
def inspection_record(
    *,
    factory: Factory,
    kind: str,
    checked_pieces: int,
    result: str,
    work_order: WorkOrder | int | None = None,
    bundle: Bundle | int | str | None = None,
    operation: WorkOrderOperation | int | str | None = None,
    station: Station | int | None = None,
    worker: Worker | int | str | None = None,
    defects: list[dict] | None = None,
    defective_pieces: int | None = None,
    rejected_pieces: int = 0,
    notes: str = "",
    by=None,
) -> Inspection:
    """Record an inline or end-of-line inspection.

    `bundle` is a Bundle, its id, or the ticket as scanned or typed, resolved within
    `work_order` when one is given (`bundle_resolve`: a typed number that several open work
    orders have is refused as `bundle_ambiguous`); `operation` an operation of the work order's
    routing, by id or typed code; `worker` a Worker, its id, or a badge in any written form.

    `defects`: [{"code": "D01", "count": 2, "operation": op id, "rework_pieces": 1,
    "photo": file}] — defects are traced to the operation that caused them and to the operator
    recorded there for the bundle; `rework_pieces` go back to that operation and operator.
    """
    if kind not in Inspection.Kind.values:
        raise _refuse("kind", _("Unknown kind of inspection."))
    if result not in Inspection.Result.values:
        raise _refuse("result", _("Unknown inspection result."))
    if bundle not in (None, ""):
        # The ticket as scanned or typed, within the chosen work order (records.bundle_resolve).
        bundle = bundle_resolve(factory=factory, entry=bundle, work_order=work_order)
        work_order = bundle.work_order
    else:
        bundle = None
        work_order = _in_factory(
            WorkOrder, factory, work_order, "work_order", _("Unknown work order.")
        )
    if work_order is None:
        raise _refuse("work_order", _("Say which work order or bundle was inspected."))
    if operation not in (None, ""):
        operation = operation_resolve(work_order=work_order, entry=operation)
    else:
        operation = None
    station = _in_factory(Station, factory, station, "station", _("Unknown station."))
    worker = _worker_in(factory, worker)

    checked_pieces = int(checked_pieces)
    limit = bundle.quantity if bundle else work_order.cut_quantity
    if checked_pieces < 1 or checked_pieces > limit:
        raise _refuse("checked_pieces", _("Check between 1 and %(n)d pieces.") % {"n": limit})
    codes = {c.code: c for c in DefectCode.objects.filter(factory=factory, is_active=True)}
    lines = []
    for n, item in enumerate(defects or []):
        code = codes.get(str(item.get("code", "")).strip())
        count = int(item.get("count") or 1)
        rework = int(item.get("rework_pieces") or 0)
        cause = (
            _in_factory(
                WorkOrderOperation,
                factory,
                item.get("operation"),
                f"defects.{n}.operation",
                _("Unknown operation."),
            )
            or operation
        )
        if code is None:
            raise _refuse(f"defects.{n}.code", _("Unknown defect code."))
        if count < 1 or rework < 0:
            raise _refuse(f"defects.{n}.count", _("Counts must be positive."))
        if cause is not None and cause.work_order_id != work_order.pk:
            raise _refuse(f"defects.{n}.operation", _("Not an operation of this work order."))
        if rework and (bundle is None or cause is None):
            raise _refuse(
                f"defects.{n}.rework_pieces",
                _("Rework goes back to an operation of a bundle: name both."),
            )
        lines.append((code, count, cause, rework, item.get("photo")))
    total_defects = sum(count for _c, count, *_ in lines)
    if defective_pieces is None:
        defective_pieces = min(checked_pieces, total_defects)
    defective_pieces = int(defective_pieces)
    rework_total = sum(rework for *_, rework, _p in lines)
    if not 0 <= defective_pieces <= checked_pieces:
        raise _refuse("defective_pieces", _("Defective pieces cannot exceed pieces checked."))
    if rework_total + int(rejected_pieces) > defective_pieces:
        raise _refuse(
            "rejected_pieces", _("Reworked and rejected pieces cannot exceed defective pieces.")
        )
    if result == Inspection.Result.REWORK and not rework_total:
        raise _refuse("result", _("Say how many pieces go back to which operation."))
    if result == Inspection.Result.REJECT and int(rejected_pieces) < 1:
        raise _refuse("rejected_pieces", _("A rejection names the rejected pieces."))

    inspection = Inspection.objects.create(
        factory=factory,
        kind=kind,
        work_order=work_order,
        bundle=bundle,
        operation=operation,
        station=station,
        line=(station.line if station else None)
        or (worker.line if worker else None)
        or work_order.line,
        worker=worker,
        checked_pieces=checked_pieces,
        defective_pieces=defective_pieces,
        rejected_pieces=int(rejected_pieces),
        result=result,
        notes=(notes or "").strip(),
        inspector=by,
        inspected_at=timezone.now(),
    )
    for code, count, cause, rework, photo in lines:
        operator = worker if kind == Inspection.Kind.INLINE else None
        if operator is None and bundle is not None and cause is not None:
            record = (
                OperationRecord.objects.filter(
                    factory=factory,
                    bundle=bundle,
                    operation=cause,
                    is_rework=False,
                    voided_at__isnull=True,
                )
                .select_related("worker")
                .first()
            )
            operator = record.worker if record else None
        defect = InspectionDefect(
            factory=factory,
            inspection=inspection,
            defect_code=code,
            count=count,
            operation=cause,
            worker=operator,
            rework_pieces=rework,
        )
        if photo:
            defect.photo = photo
        defect.save()
        if rework:
            notify(
                factory.pk,
                "rework_requested",
                {
                    "inspection": inspection.pk,
                    "bundle": bundle.pk,
                    "operation": cause.pk,
                    "worker": getattr(operator, "pk", None),
                    "pieces": rework,
                },
            )
    notify(
        factory.pk,
        "inspection_recorded",
        {
            "inspection": inspection.pk,
            "work_order": work_order.pk,
            "kind": kind,
            "result": result,
            "checked": checked_pieces,
            "defects": total_defects,
        },
    )
    return inspection


@transaction.atomic
def final_audit_record(
    *,
    work_order: WorkOrder,
    lot_size: int,
    critical_found: int = 0,
    major_found: int = 0,
    minor_found: int = 0,
    level: str = aql.DEFAULT_LEVEL,
    aql_major: str = aql.DEFAULT_MAJOR_AQL,
    aql_minor: str = aql.DEFAULT_MINOR_AQL,
    notes: str = "",
    by=None,
) -> FinalAudit:
    """Record a final audit: the ISO 2859-1 plans for the lot and the verdict on what was found.

    Any critical defect rejects the lot; otherwise major and minor counts are held against
    their own acceptance numbers."""
    lot_size = int(lot_size)
    if lot_size < 2 or lot_size > work_order.cut_quantity:
        raise _refuse(
            "lot_size",
            _("The lot is between 2 and %(n)d pieces.") % {"n": work_order.cut_quantity},
        )
    try:
        major = aql.sampling_plan(lot_size, aql_major, level)
        minor = aql.sampling_plan(lot_size, aql_minor, level)
    except ValueError:
        raise _refuse("aql_major", _("Unknown AQL or inspection level."))
    found = [int(critical_found), int(major_found), int(minor_found)]
    if min(found) < 0:
        raise _refuse("major_found", _("Counts cannot be negative."))
    sample = max(major.sample_size, minor.sample_size)
    accepted = found[0] == 0 and major.verdict(found[1]) and minor.verdict(found[2])
    audit = FinalAudit.objects.create(
        factory_id=work_order.factory_id,
        work_order=work_order,
        lot_size=lot_size,
        level=level,
        aql_major=aql_major,
        aql_minor=aql_minor,
        code_letter=major.code_letter,
        sample_size=sample,
        major_accept=major.accept,
        major_reject=major.reject,
        minor_accept=minor.accept,
        minor_reject=minor.reject,
        critical_found=found[0],
        major_found=found[1],
        minor_found=found[2],
        result=FinalAudit.Result.ACCEPTED if accepted else FinalAudit.Result.REJECTED,
        notes=(notes or "").strip(),
        auditor=by,
        audited_at=timezone.now(),
    )
    notify(
        work_order.factory_id,
        "final_audit_recorded",
        {"work_order": work_order.pk, "result": audit.result},
    )
    return audit


def final_audit_gate(*, work_order: WorkOrder) -> None:
    """The quality gate of packing and shipping: refused (`final_audit_failed`) while the
    work order's latest final audit rejected the lot; a re-audit that passes opens it."""
    latest = (
        FinalAudit.objects.filter(factory_id=work_order.factory_id, work_order=work_order)
        .order_by("-audited_at", "-pk")
        .first()
    )
    if latest is not None and latest.result == FinalAudit.Result.REJECTED:
        raise NotAllowed(
            _(
                "The last final audit of %(wo)s rejected the lot: it cannot be packed or shipped "
                "until a re-audit passes."
            )
            % {"wo": work_order.number},
            code="final_audit_failed",
        )
