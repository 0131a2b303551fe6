"""Shop-floor pages: plan (Gantt, weekly load), scanning and supervisor entry, records, WIP,
work-order progress and balance, quality, packing. Thin: every write is a service call."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.pdf import pdf_response
from core.roles import FACTORY_STAFF, FLOOR, PLANNING, QUALITY, WAREHOUSE, Role
from core.views import role_required
from factories.models import SewingLine, Worker
from production import aql, pdf, selectors, services
from production.models import (
    Bundle,
    Carton,
    DefectCode,
    FinalAudit,
    Inspection,
    LineBalance,
    OperationRecord,
    ScheduleEntry,
    Shipment,
    WorkOrder,
    WorkOrderOperation,
)
from production.services.packing import packing_position

SCANNERS = FLOOR | {Role.WORKER}


def _visible(model, request, pk):
    return get_object_or_404(model.objects.visible_to(request.organization), pk=pk)


def _int(value, default=0):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _error_text(error: DomainError) -> str:
    details = [f"{m}" for msgs in error.errors.values() for m in msgs]
    text = str(error.message)
    return text if not details or details == [text] else f"{text} ({'; '.join(details)})"


# --- plan ------------------------------------------------------------------------------------
@role_required(FACTORY_STAFF)
def schedule(request):
    factory = request.organization.factory
    if request.method == "POST":
        if request.role not in PLANNING:
            messages.error(request, _("Only planners re-plan."))
        else:
            plan = services.schedule_replan(factory=factory)
            messages.success(
                request,
                _("Re-planned %(n)d work orders; %(late)d late.")
                % {"n": len(plan.bookings), "late": len(plan.late)},
            )
        return redirect("production:schedule")
    wall = request.GET.get("wall") == "1"
    days = 56 if wall else _int(request.GET.get("days"), 28)
    weeks = selectors.load_by_week(factory, weeks=12)
    chart = {
        "weeks": [w["week"].strftime("%m-%d") for w in weeks],
        "capacity": [round(w["capacity"] / 60) for w in weeks],
        "booked": [round(w["booked"] / 60) for w in weeks],
        "labels": {"capacity": _("Capacity (hours)"), "booked": _("Booked (hours)")},
    }
    context = {
        "gantt": selectors.gantt(factory, days=days),
        "weeks": weeks,
        "chart": chart,
        "wall": wall,
        "can_plan": request.role in PLANNING,
        "lines": SewingLine.objects.filter(factory=factory, is_active=True),
    }
    return render(request, "production/schedule.html", context)


@role_required(PLANNING)
def schedule_move(request, pk):
    entry = _visible(ScheduleEntry, request, pk)
    if request.method == "POST":
        try:
            if request.POST.get("unpin"):
                services.schedule_unpin(entry=entry, by=request.user)
            else:
                services.schedule_move(
                    entry=entry,
                    line=_int(request.POST.get("line")),
                    start=parse_date(request.POST.get("start") or ""),
                    by=request.user,
                )
            messages.success(request, _("Moved; the plan after it was re-planned."))
            return redirect("production:schedule")
        except DomainError as error:
            messages.error(request, _error_text(error))
    lines = SewingLine.objects.filter(factory=entry.factory, is_active=True)
    return render(request, "production/schedule_move.html", {"entry": entry, "lines": lines})


schedule_move.model = ScheduleEntry


# --- recording -------------------------------------------------------------------------------
@role_required(SCANNERS)
def scan(request):
    """Phone page: scan the bundle ticket, then the badge, then choose the operation."""
    return _record_form(request, manual=False)


@role_required(FLOOR)
def record_manual(request):
    """Supervisor entry: the same record, with a reason."""
    return _record_form(request, manual=True)


def _record_form(request, *, manual: bool):
    factory = request.organization.factory
    values = request.POST if request.method == "POST" else request.GET
    if request.method == "POST":
        try:
            record = services.operation_record_create(
                factory=factory,
                bundle=values.get("bundle", ""),
                operation=values.get("operation", ""),
                worker=values.get("badge", ""),
                station=values.get("station") or None,
                good_pieces=_int(values.get("good_pieces"), None)
                if values.get("good_pieces")
                else None,
                defective_pieces=_int(values.get("defective_pieces")),
                is_rework=bool(values.get("is_rework")),
                source=OperationRecord.Source.MANUAL if manual else OperationRecord.Source.SCAN,
                reason=values.get("reason", ""),
                by=request.user,
            )
        except DomainError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("Recorded: bundle %(bundle)s, %(op)s, %(worker)s, %(n)d good pieces.")
                % {
                    "bundle": record.bundle,
                    "op": record.operation.name,
                    "worker": record.worker.name,
                    "n": record.good_pieces,
                },
            )
            target = "production:record-manual" if manual else "production:scan"
            return redirect(f"{reverse(target)}?badge={record.worker.badge_id}")
    return render(
        request,
        "production/scan.html",
        {
            "manual": manual,
            "values": values,
            "operations": _operations_for(factory, values.get("bundle", "")),
        },
    )


def _operations_for(factory, bundle_text):
    bundle_id = services.bundle_id_from_scan(bundle_text) if bundle_text else None
    bundle = Bundle.objects.filter(factory=factory, pk=bundle_id).first() if bundle_id else None
    if bundle is None:
        return []
    return list(
        WorkOrderOperation.objects.filter(factory=factory, work_order_id=bundle.work_order_id)
    )


@role_required(SCANNERS)
def scan_operations(request):
    """htmx: the operation choices of the scanned bundle (empty for another factory's)."""
    factory = request.organization.factory
    bundle_text = request.GET.get("bundle", "")
    bundle_id = services.bundle_id_from_scan(bundle_text) if bundle_text else None
    bundle = (
        Bundle.objects.filter(factory=factory, pk=bundle_id).select_related("work_order").first()
        if bundle_id
        else None
    )
    return render(
        request,
        "production/_operations.html",
        {
            "operations": _operations_for(factory, bundle_text),
            "bundle": bundle,
            "bundle_text": bundle_text,
        },
    )


@role_required(FLOOR)
def records(request):
    factory = request.organization.factory
    rows = (
        OperationRecord.objects.filter(factory=factory)
        .select_related("worker", "operation", "bundle", "station", "work_order")
        .order_by("-recorded_at", "-pk")[:100]
    )
    return render(request, "production/records.html", {"records": rows})


@role_required(FLOOR)
@require_POST
def record_void(request, pk):
    record = _visible(OperationRecord, request, pk)
    try:
        services.operation_record_void(
            record=record, reason=request.POST.get("reason", ""), by=request.user
        )
        messages.success(request, _("Record voided."))
    except DomainError as error:
        messages.error(request, _error_text(error))
    return redirect("production:records")


record_void.model = OperationRecord


# --- WIP and progress ------------------------------------------------------------------------
@role_required(FACTORY_STAFF)
def wip(request):
    factory = request.organization.factory
    context = {
        "work_orders": selectors.wip_by_operation(factory),
        "stations": selectors.wip_by_station(factory),
    }
    template = (
        "production/_wip.html" if request.headers.get("HX-Request") else "production/wip.html"
    )
    return render(request, template, context)


@role_required(FACTORY_STAFF)
def work_orders(request):
    factory = request.organization.factory
    rows = (
        WorkOrder.objects.filter(factory=factory)
        .exclude(status=WorkOrder.Status.CANCELLED)
        .select_related("line", "version__style")
        .order_by("due_date")[:200]
    )
    entries = {
        e.work_order_id: e
        for e in ScheduleEntry.objects.filter(factory=factory, work_order__in=rows)
    }
    return render(
        request,
        "production/work_orders.html",
        {"rows": [(wo, entries.get(wo.pk)) for wo in rows]},
    )


@role_required(FACTORY_STAFF)
def work_order(request, pk):
    wo = _visible(WorkOrder, request, pk)
    context = {
        "wo": wo,
        "progress": selectors.work_order_progress(wo),
        "entry": ScheduleEntry.objects.filter(factory=wo.factory, work_order=wo).first(),
    }
    return render(request, "production/work_order.html", context)


work_order.model = WorkOrder


@role_required(FLOOR)
def balance(request, pk):
    wo = _visible(WorkOrder, request, pk)
    factory = wo.factory
    lines = SewingLine.objects.filter(factory=factory, is_active=True)
    if request.method == "POST":
        line = lines.filter(pk=_int(request.POST.get("line"))).first()
        try:
            if line is None:
                raise DomainError(_("Choose a line of this factory."))
            pace = None
            if request.POST.get("rebalance"):
                pace = selectors.actual_pace(wo, hours=_int(request.POST.get("hours"), 4))
            services.line_balance_create(work_order=wo, line=line, pace=pace, by=request.user)
            messages.success(request, _("Line balanced."))
        except DomainError as error:
            messages.error(request, _error_text(error))
        return redirect("production:balance", pk=wo.pk)
    current = LineBalance.objects.filter(factory=factory, work_order=wo, is_current=True).first()
    context = {"wo": wo, "lines": lines, "current": current}
    if current is not None:
        context.update(selectors.balance_view(current))
    return render(request, "production/balance.html", context)


balance.model = WorkOrder


# --- quality ---------------------------------------------------------------------------------
@role_required(QUALITY)
def quality(request):
    factory = request.organization.factory
    by = request.GET.get("by", "line")
    if by not in selectors.QUALITY_GROUPS:
        by = "line"
    context = {
        "by": by,
        "figures": selectors.quality_figures(factory, by=by),
        "inspections": Inspection.objects.filter(factory=factory)
        .select_related("work_order", "bundle")
        .order_by("-inspected_at")[:30],
        "audits": FinalAudit.objects.filter(factory=factory)
        .select_related("work_order")
        .order_by("-audited_at")[:20],
    }
    return render(request, "production/quality.html", context)


@role_required(QUALITY)
def inspect(request):
    factory = request.organization.factory
    services.defect_codes_ensure(factory=factory)
    codes = DefectCode.objects.filter(factory=factory, is_active=True)
    values = request.POST if request.method == "POST" else request.GET
    if request.method == "POST":
        defects = []
        for code in codes:
            count = _int(values.get(f"count_{code.code}"))
            if count:
                defects.append(
                    {
                        "code": code.code,
                        "count": count,
                        "operation": _int(values.get(f"op_{code.code}"), None) or None,
                        "rework_pieces": _int(values.get(f"rework_{code.code}")),
                        "photo": request.FILES.get(f"photo_{code.code}"),
                    }
                )
        bundle_text = values.get("bundle", "")
        try:
            inspection = services.inspection_record(
                factory=factory,
                kind=values.get("kind", Inspection.Kind.END_OF_LINE),
                bundle=(services.bundle_id_from_scan(bundle_text) or -1) if bundle_text else None,
                work_order=_int(values.get("work_order"), None) or None,
                operation=_int(values.get("operation"), None) or None,
                worker=_worker_by_badge(factory, values.get("badge", "")),
                checked_pieces=_int(values.get("checked_pieces")),
                rejected_pieces=_int(values.get("rejected_pieces")),
                result=values.get("result", Inspection.Result.PASS),
                defects=defects,
                notes=values.get("notes", ""),
                by=request.user,
            )
            messages.success(
                request,
                _("Inspection recorded: %(result)s.") % {"result": inspection.get_result_display()},
            )
            return redirect("production:inspect")
        except DomainError as error:
            messages.error(request, _error_text(error))
    context = {
        "codes": codes,
        "values": values,
        "kinds": Inspection.Kind.choices,
        "results": Inspection.Result.choices,
        "operations": _operations_for(factory, values.get("bundle", "")),
    }
    return render(request, "production/inspect.html", context)


def _worker_by_badge(factory, badge):
    badge = (badge or "").strip()
    if not badge:
        return None
    worker = Worker.objects.filter(factory=factory, badge_id=badge).first()
    if worker is None:
        raise DomainError(
            _("Unknown badge: no active worker of this factory has it."),
            errors={"badge": [_("Unknown badge.")]},
        )
    return worker


@role_required(QUALITY)
def final_audit(request, pk):
    wo = _visible(WorkOrder, request, pk)
    values = request.POST if request.method == "POST" else request.GET
    lot = _int(values.get("lot_size"), wo.quantity)
    major_aql = values.get("aql_major", aql.DEFAULT_MAJOR_AQL)
    minor_aql = values.get("aql_minor", aql.DEFAULT_MINOR_AQL)
    if request.method == "POST":
        try:
            audit = services.final_audit_record(
                work_order=wo,
                lot_size=lot,
                critical_found=_int(values.get("critical_found")),
                major_found=_int(values.get("major_found")),
                minor_found=_int(values.get("minor_found")),
                aql_major=major_aql,
                aql_minor=minor_aql,
                notes=values.get("notes", ""),
                by=request.user,
            )
            messages.success(request, _("Final audit: %(r)s.") % {"r": audit.get_result_display()})
            return redirect("production:final-audit", pk=wo.pk)
        except DomainError as error:
            messages.error(request, _error_text(error))
    plans = {}
    try:
        plans = {
            "major": aql.sampling_plan(max(lot, 2), major_aql),
            "minor": aql.sampling_plan(max(lot, 2), minor_aql),
        }
    except ValueError:
        messages.error(request, _("Unknown AQL."))
    context = {
        "wo": wo,
        "lot": lot,
        "plans": plans,
        "aqls": aql.AQLS,
        "major_aql": major_aql,
        "minor_aql": minor_aql,
        "audits": FinalAudit.objects.filter(factory=wo.factory, work_order=wo),
    }
    return render(request, "production/final_audit.html", context)


final_audit.model = WorkOrder


# --- packing ---------------------------------------------------------------------------------
@role_required(WAREHOUSE | FLOOR)
def packing(request, pk):
    wo = _visible(WorkOrder, request, pk)
    if request.method == "POST":
        if request.role not in WAREHOUSE:
            messages.error(request, _("Only the warehouse packs and ships."))
            return redirect("production:packing", pk=wo.pk)
        step = request.POST.get("step")
        try:
            if step == "receive":
                services.finished_goods_receive(
                    work_order=wo,
                    colour=request.POST.get("colour", ""),
                    size=request.POST.get("size", ""),
                    quantity=_int(request.POST.get("quantity")),
                    by=request.user,
                )
                messages.success(request, _("Received into finished goods."))
            elif step == "pack":
                contents = {}
                for key, value in request.POST.items():
                    if key.startswith("pack__") and _int(value):
                        _prefix, colour, size = key.split("__", 2)
                        contents[(colour, size)] = _int(value)
                carton = services.carton_pack(work_order=wo, contents=contents, by=request.user)
                messages.success(request, _("Carton %(n)d packed.") % {"n": carton.number})
            elif step == "ship":
                shipment = services.shipment_ship(
                    work_order=wo,
                    cartons=[_int(c) for c in request.POST.getlist("cartons")],
                    carrier=request.POST.get("carrier", ""),
                    tracking_number=request.POST.get("tracking_number", ""),
                    by=request.user,
                )
                messages.success(request, _("Shipment %(n)s sent.") % {"n": shipment.number})
        except DomainError as error:
            messages.error(request, _error_text(error))
        return redirect("production:packing", pk=wo.pk)
    context = {
        "wo": wo,
        "cells": packing_position(wo),
        "cartons": Carton.objects.filter(factory=wo.factory, work_order=wo).prefetch_related(
            "lines"
        ),
        "shipments": Shipment.objects.filter(factory=wo.factory, work_order=wo),
        "can_pack": request.role in WAREHOUSE,
    }
    return render(request, "production/packing.html", context)


packing.model = WorkOrder


@role_required(WAREHOUSE | FLOOR)
def carton_label(request, pk):
    carton = _visible(Carton, request, pk)
    return pdf_response(pdf.carton_labels_pdf([carton]), f"carton-{carton.pk}.pdf")


carton_label.model = Carton


@role_required(WAREHOUSE | FLOOR)
def carton_labels(request, pk):
    wo = _visible(WorkOrder, request, pk)
    cartons = Carton.objects.filter(factory=wo.factory, work_order=wo).prefetch_related("lines")
    return pdf_response(pdf.carton_labels_pdf(cartons), f"labels-{wo.number}.pdf")


carton_labels.model = WorkOrder


@role_required(WAREHOUSE | FLOOR)
def packing_list(request, pk):
    shipment = _visible(Shipment, request, pk)
    cartons = shipment.cartons.prefetch_related("lines").order_by("number")
    return pdf_response(
        pdf.packing_list_pdf(shipment.work_order, cartons, shipment=shipment),
        f"packing-list-{shipment.number}.pdf",
    )


packing_list.model = Shipment
