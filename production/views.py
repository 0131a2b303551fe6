"""Shop-floor pages: plan (Gantt, weekly load), scanning and supervisor entry, records, WIP,
work-order progress and balance, quality, packing. Thin: every write is a service call."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import apply_domain_error, errors_text, submit_form
from core.pdf import pdf_response
from core.roles import FACTORY_STAFF, FLOOR, PLANNING, QUALITY, WAREHOUSE, Role
from core.views import role_required
from factories.clock import factory_today
from factories.models import SewingLine
from production import aql, forms, pdf, selectors, services
from production.models import (
    Bundle,
    Carton,
    DefectCode,
    FinalAudit,
    Hold,
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
    """The plan: Gantt (day or week zoom) and load per week. `?fragment=gantt` answers the
    Gantt alone, for the page to redraw it after a move without a reload."""
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
    zoom = "week" if request.GET.get("zoom") == "week" else "day"
    gantt = selectors.gantt(factory, zoom=zoom, days=56 if wall else None)
    context = {
        "gantt": gantt,
        "wall": wall,
        "can_plan": request.role in PLANNING and not wall,
        "lines": SewingLine.objects.filter(factory=factory, is_active=True),
    }
    if request.GET.get("fragment") == "gantt":
        return render(request, "production/_gantt.html", context)
    weeks = selectors.load_by_week(factory, weeks=12)
    context["weeks"] = weeks
    context["chart"] = {
        "weeks": [w["week"].strftime("%m-%d") for w in weeks],
        "capacity": [round(w["capacity"] / 60) for w in weeks],
        "booked": [round(w["booked"] / 60) for w in weeks],
        "labels": {"capacity": _("Capacity (hours)"), "booked": _("Booked (hours)")},
    }
    return render(request, "production/schedule.html", context)


def _move_message(entry: ScheduleEntry) -> str:
    return _("%(number)s now on %(line)s, %(start)s – %(finish)s; the plan after it followed.") % {
        "number": entry.work_order.number,
        "line": entry.line.name if entry.line else "—",
        "start": entry.start_date or "—",
        "finish": entry.finish_date or "—",
    }


@role_required(PLANNING)
def schedule_move(request, pk):
    """Move (or unpin) one work order: the page's form, or the Gantt's drag as JSON
    (Accept: application/json). A move that overloads a line is refused with the reason and
    offered again with "move anyway" (confirm)."""
    entry = _visible(ScheduleEntry, request, pk)
    form = forms.ScheduleMoveForm(
        request.POST or None,
        organization=request.organization,
        initial={"line": entry.line_id, "start": entry.pinned_start},
    )
    as_json = "application/json" in request.headers.get("Accept", "")
    overload = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["unpin"]:
                moved = services.schedule_unpin(entry=entry, by=request.user)
            else:
                moved = services.schedule_move(
                    entry=entry,
                    line=data["line"],
                    start=data["start"],
                    by=request.user,
                    confirm=data["confirm"],
                )
        except DomainError as error:
            if as_json:
                return JsonResponse(
                    {
                        "ok": False,
                        "code": error.code,
                        "message": str(error.message),
                        "errors": {k: [str(t) for t in v] for k, v in error.errors.items()},
                    },
                    status=error.status_code,
                )
            apply_domain_error(form, error)
            overload = error.code == "overload"
        else:
            moved = ScheduleEntry.objects.select_related("work_order", "line").get(pk=moved.pk)
            if as_json:
                return JsonResponse({"ok": True, "message": _move_message(moved)})
            messages.success(request, _move_message(moved))
            return redirect("production:schedule")
    elif request.method == "POST" and as_json:
        return JsonResponse(
            {
                "ok": False,
                "code": "invalid",
                "message": errors_text(form),
                "errors": {k: [str(t) for t in v] for k, v in form.errors.items()},
            },
            status=400,
        )
    return render(
        request,
        "production/schedule_move.html",
        {"entry": entry, "form": form, "overload": overload},
    )


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
    form = forms.OperationRecordForm(
        request.POST or None,
        initial=request.GET.dict(),
        manual=manual,
        organization=request.organization,
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = services.operation_record_create(
                factory=factory,
                source=OperationRecord.Source.MANUAL if manual else OperationRecord.Source.SCAN,
                by=request.user,
                **form.cleaned_data,
            )
        except DomainError as error:
            apply_domain_error(form, error)
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
            # The badge and the work order stay for the next bundle of the same person.
            query = urlencode({"badge": record.worker.badge_id, "work_order": record.work_order_id})
            return redirect(f"{reverse(target)}?{query}")
    context = {
        "manual": manual,
        "form": form,
        **_bundle_lookup(factory, form["bundle"].value(), form["work_order"].value()),
        "operation_value": form["operation"].value() or "",
        "operation_errors": form["operation"].errors,
        "step_numbers": True,
        "operation_required": True,
        "camera_texts": _camera_texts(),
    }
    return render(request, "production/scan.html", context)


def _camera_texts() -> dict[str, str]:
    """What the scan page's camera says when it cannot open (production/camera.js)."""
    return {
        "insecure": _(
            "The camera works only on a secure (https) address, and this page was opened over "
            "plain http."
        ),
        "denied": _("The camera permission was refused for this site."),
        "no_camera": _("This device has no camera the browser can use."),
        "busy": _("The camera is in use by another app, or could not start."),
        "failed": _("The camera could not start."),
        "no_scanner": _("The QR reader could not be loaded."),
        "type_instead": _("Type the number printed on the ticket or badge instead."),
    }


def _bundle_lookup(factory, bundle_text, work_order) -> dict:
    """What the page shows under the ticket as it is typed or scanned: the bundle, the
    operations of its routing (or of the chosen work order's before a ticket), and why a
    ticket was not found or which work orders a typed number could mean."""
    bundle_text = (bundle_text or "").strip()
    chosen = (
        WorkOrder.objects.filter(factory=factory, pk=work_order).first()
        if str(work_order or "").isdigit()
        else None
    )
    found = {"bundle": None, "bundle_text": bundle_text, "bundle_problem": "", "candidates": []}
    if bundle_text:
        try:
            found["bundle"] = services.bundle_resolve(
                factory=factory, entry=bundle_text, work_order=chosen
            )
        except services.BundleAmbiguous as error:
            found["bundle_problem"], found["candidates"] = str(error.message), error.candidates
        except DomainError as error:
            found["bundle_problem"] = str(error.message)
    of = found["bundle"].work_order if found["bundle"] else chosen
    found["operations"] = (
        list(WorkOrderOperation.objects.filter(factory=factory, work_order=of)) if of else []
    )
    return found


@role_required(SCANNERS | QUALITY)
def scan_operations(request):
    """htmx: the operation choices of the scanned bundle (or of the chosen work order), for the
    scan page and the QC inspection page alike; another factory's ticket is simply not found."""
    factory = request.organization.factory
    recording = request.GET.get("for") != "inspect"  # an inspection's operation is optional
    context = {
        **_bundle_lookup(factory, request.GET.get("bundle"), request.GET.get("work_order")),
        "operation_value": request.GET.get("operation", ""),
        "step_numbers": recording,
        "operation_required": recording,
    }
    return render(request, "production/_operation_choice.html", context)


@role_required(FLOOR)
def records(request):
    factory = request.organization.factory
    # The latest 100 first, along the (factory, recorded_at, id) index, then their names: joined
    # before the limit, PostgreSQL sorted every record of the factory (row-level security's
    # filters on each joined table hide from it how few rows the limit keeps).
    latest = (
        OperationRecord.objects.filter(factory=factory)
        .order_by("-recorded_at", "-pk")
        .values("pk")[:100]
    )
    rows = (
        OperationRecord.objects.filter(factory=factory, pk__in=latest)
        # The bundle's name is its work order's number and its own: both in the one query.
        .select_related("worker", "operation", "bundle__work_order", "station", "work_order")
        .order_by("-recorded_at", "-pk")
    )
    return render(request, "production/records.html", {"records": rows})


@role_required(FLOOR)
@require_POST
def record_void(request, pk):
    record = _visible(OperationRecord, request, pk)
    form = forms.VoidForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect("production:records")
    try:
        services.operation_record_void(record=record, by=request.user, **form.cleaned_data)
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
    # ?queue=release|late|audit: one of the queues the homes count (production.selectors.queues).
    queue = request.GET.get("queue", "")
    if queue not in selectors.QUEUES:
        queue = ""
    rows = selectors.work_orders_listed(
        factory, queue=queue, today=factory_today(factory)
    ).select_related("line", "version__style")[:200]
    entries = {
        e.work_order_id: e
        for e in ScheduleEntry.objects.filter(factory=factory, work_order__in=rows)
    }
    return render(
        request,
        "production/work_orders.html",
        {
            "rows": [(wo, entries.get(wo.pk)) for wo in rows],
            "queue": queue,
            "queue_label": selectors.QUEUES.get(queue, ""),
        },
    )


@role_required(FACTORY_STAFF)
def work_order(request, pk):
    wo = _visible(WorkOrder, request, pk)
    bundles = Bundle.objects.filter(factory=wo.factory, work_order=wo).order_by("number")
    context = {
        "wo": wo,
        "progress": selectors.work_order_progress(wo),
        "entry": ScheduleEntry.objects.filter(factory=wo.factory, work_order=wo).first(),
        "cut_position": selectors.lay_cut_position(wo),
        "fabric": selectors.fabric_consumption(wo),
        "can_hold": request.role in QUALITY,
        "held_bundles": bundles.filter(hold=Hold.HELD),
        "holdable_bundles": bundles.filter(hold=Hold.FREE).exclude(status=Bundle.Status.PACKED),
        "final_audit": FinalAudit.objects.filter(factory=wo.factory, work_order=wo).first(),
    }
    return render(request, "production/work_order.html", context)


work_order.model = WorkOrder


@role_required(FLOOR)
def balance(request, pk):
    wo = _visible(WorkOrder, request, pk)
    factory = wo.factory
    current = LineBalance.objects.filter(factory=factory, work_order=wo, is_current=True).first()
    form = forms.LineBalanceForm(
        request.POST or None,
        organization=request.organization,
        initial={"line": current.line_id if current else wo.line_id},
    )
    if request.method == "POST" and submit_form(
        request,
        form,
        lambda data: services.line_balance_create(
            work_order=wo,
            line=data["line"],
            pace=selectors.actual_pace(wo, hours=data["hours"]) if data["rebalance"] else None,
            by=request.user,
        ),
        _("Line balanced."),
    ):
        return redirect("production:balance", pk=wo.pk)
    context = {"wo": wo, "form": form, "current": current}
    if current is not None:
        context.update(selectors.balance_view(current))
    return render(request, "production/balance.html", context)


balance.model = WorkOrder


# --- holds -----------------------------------------------------------------------------------
@role_required(QUALITY)
@require_POST
def holds(request, pk):
    """Hold or release a bundle (from the work order's page) or a carton (from its packing
    page): QC, supervisors, planners and managers."""
    wo = _visible(WorkOrder, request, pk)
    form = forms.HoldForm(request.POST, organization=request.organization, work_order=wo)
    back = "production:packing" if form["carton"].value() else "production:work-order"
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect(back, pk=wo.pk)
    data, by = form.cleaned_data, request.user
    noun = "bundle" if data["bundle"] else "carton"
    target = {noun: data[noun]}
    try:
        if data["action"] == "hold":
            getattr(services, f"{noun}_hold")(**target, reason=data["reason"], by=by)
            messages.success(request, _("Put on hold: %(what)s.") % {"what": data[noun]})
        else:
            getattr(services, f"{noun}_hold_release")(**target, note=data["reason"], by=by)
            messages.success(request, _("Hold released: %(what)s.") % {"what": data[noun]})
    except DomainError as error:
        messages.error(request, _error_text(error))
    return redirect(back, pk=wo.pk)


holds.model = WorkOrder


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
    """The QC inspection page: the ticket (or a work order), the operation, the counts and the
    defects by code. A refusal keeps everything typed and says it at its field."""
    factory = request.organization.factory
    services.defect_codes_ensure(factory=factory)
    codes = DefectCode.objects.filter(factory=factory, is_active=True)
    form = forms.InspectionForm(
        request.POST or None,
        request.FILES or None,
        organization=request.organization,
        codes=codes,
        initial=request.GET.dict(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_record(
                factory=factory, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Inspection recorded: %(result)s.") % {"result": inspection.get_result_display()},
            )
            query = urlencode({"work_order": inspection.work_order_id})
            return redirect(f"{reverse('production:inspect')}?{query}")
    context = {
        "form": form,
        **_bundle_lookup(factory, form["bundle"].value(), form["work_order"].value()),
        "operation_value": str(form["operation"].value() or ""),
        "operation_errors": form["operation"].errors,
        "step_numbers": False,
        "operation_required": False,
        # A browser never sends a chosen file again: say so rather than lose it silently.
        "photos_dropped": request.method == "POST" and bool(request.FILES),
    }
    return render(request, "production/inspect.html", context)


@role_required(QUALITY)
def final_audit(request, pk):
    wo = _visible(WorkOrder, request, pk)
    looked_up = forms.FinalAuditPlanForm(request.GET or None).chosen()
    form = forms.FinalAuditForm(
        request.POST or None,
        initial={
            "lot_size": wo.quantity,
            "aql_major": aql.DEFAULT_MAJOR_AQL,
            "aql_minor": aql.DEFAULT_MINOR_AQL,
            **looked_up,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            audit = services.final_audit_record(work_order=wo, by=request.user, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            if audit.result == FinalAudit.Result.REJECTED:
                # Not a success: the lot is blocked (the page says what to do next).
                messages.error(
                    request, _("Final audit: rejected. Packing and shipping are blocked.")
                )
            else:
                messages.success(request, _("Final audit: accepted."))
            return redirect("production:final-audit", pk=wo.pk)
    # The plan shown is the one the audit is (or was just) recorded against.
    lot = _int(form["lot_size"].value(), wo.quantity)
    major_aql, minor_aql = form["aql_major"].value(), form["aql_minor"].value()
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
        "form": form,
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
@role_required(WAREHOUSE | QUALITY)
def packing(request, pk):
    wo = _visible(WorkOrder, request, pk)
    cells = packing_position(wo)
    organization = request.organization
    step_forms = {
        "receive": forms.FinishedGoodsReceiveForm(cells=cells),
        "pack": forms.CartonPackForm(cells=cells),
        "ship": forms.ShipmentForm(organization=organization, work_order=wo),
    }
    if request.method == "POST":
        if request.role not in WAREHOUSE:
            messages.error(request, _("Only the warehouse packs and ships."))
            return redirect("production:packing", pk=wo.pk)
        refused = _packing_step(request, wo, cells)
        if refused is None:
            return redirect("production:packing", pk=wo.pk)
        step, form = refused
        step_forms[step] = form
    context = {
        "wo": wo,
        "cells": cells,
        "cartons": Carton.objects.filter(factory=wo.factory, work_order=wo).prefetch_related(
            "lines"
        ),
        "shipments": Shipment.objects.filter(factory=wo.factory, work_order=wo),
        "can_pack": request.role in WAREHOUSE,
        "can_hold": request.role in QUALITY,
        "final_audit": FinalAudit.objects.filter(factory=wo.factory, work_order=wo).first(),
        "receive_form": step_forms["receive"],
        "pack_form": step_forms["pack"],
        "ship_form": step_forms["ship"],
    }
    return render(request, "production/packing.html", context)


def _packing_step(request, wo, cells):
    """Do the posted step of the packing page. Returns None when done (or refused with a
    message), or (step, its refused form) to show again with the input kept."""
    step_form = forms.PackingStepForm(request.POST)
    if not step_form.is_valid():
        messages.error(request, errors_text(step_form))
        return None
    step, by = step_form.cleaned_data["step"], request.user
    if step == "receive":
        form = forms.FinishedGoodsReceiveForm(request.POST, cells=cells)
        done = submit_form(
            request,
            form,
            lambda data: services.finished_goods_receive(work_order=wo, by=by, **data),
            _("Received into finished goods."),
        )
    elif step == "pack":
        form = forms.CartonPackForm(request.POST, cells=cells)
        done = submit_form(
            request,
            form,
            lambda data: services.carton_pack(work_order=wo, by=by, **data),
            lambda carton: _("Carton %(n)d packed.") % {"n": carton.number},
        )
    else:
        form = forms.ShipmentForm(request.POST, organization=request.organization, work_order=wo)
        done = submit_form(
            request,
            form,
            lambda data: services.shipment_ship(work_order=wo, by=by, **data),
            lambda shipment: _("Shipment %(n)s sent.") % {"n": shipment.number},
        )
    return None if done else (step, form)


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
