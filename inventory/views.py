"""Thin HTML views of inventory/: stock, lots and labels, purchase orders (and the supplier
portal), cycle counting on the phone, MRP shortages, value report and Excel exports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import apply_domain_error, errors_text, submit_form
from core.pdf import pdf_response
from core.roles import (
    FACTORY_STAFF,
    MANAGERS,
    PLANNING,
    QUALITY,
    SUPPLIERS,
    WAREHOUSE,
    OrgKind,
    role_names,
)
from core.sheet_lists import export_response, sheet_import_page
from core.views import role_required
from factories.clock import days_late, factory_today
from factories.models import Partnership
from inventory import forms, selectors, services, sheets
from inventory.labels import labels_pdf
from inventory.models import (
    Bin,
    CycleCount,
    Lot,
    Material,
    PurchaseOrder,
    StockMove,
    SupplierItem,
)
from inventory.services.catalogue import MATERIAL_FIELDS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INSPECTORS = WAREHOUSE | QUALITY


def _factory(request):
    return request.organization.factory


def _attempt(request, action, success: str) -> bool:
    """A one-button action: a refusal becomes the page's error message (nothing was written)."""
    try:
        action()
    except DomainError as error:
        messages.error(request, str(error.message))
        return False
    messages.success(request, success)
    return True


# --- stock ----------------------------------------------------------------------------------
@role_required(FACTORY_STAFF)
def stock(request):
    kind = request.GET.get("kind", "")
    query = request.GET.get("q", "").strip()
    rows = selectors.stock_by_material(
        _factory(request), kind=kind if kind in Material.Kind.values else None, query=query
    )
    return render(
        request,
        "inventory/stock.html",
        {"rows": rows, "kinds": Material.Kind.choices, "kind": kind, "q": query},
    )


@role_required(FACTORY_STAFF)
def material_detail(request, pk):
    material = get_object_or_404(Material.objects.visible_to(request.organization), pk=pk)
    balances = selectors.lots_in_stock(_factory(request), material=material)
    moves = (
        StockMove.objects.filter(material=material)
        .select_related("lot", "from_bin", "to_bin", "work_order")
        .order_by("-created_at", "-pk")[:50]
    )
    return render(
        request,
        "inventory/material.html",
        {
            "material": material,
            "balances": balances,
            "moves": moves,
            "can_edit": request.role in WAREHOUSE,
        },
    )


material_detail.model = Material


@role_required(FACTORY_STAFF)
def lot_detail(request, pk):
    lot = get_object_or_404(
        Lot.objects.visible_to(request.organization).select_related("material", "supplier"), pk=pk
    )
    form = forms.FabricInspectionForm(
        request.POST or None, initial={"width_cm": lot.width_cm or lot.material.width_cm}
    )
    if request.method == "POST":
        if request.role not in INSPECTORS:
            messages.error(request, _("Your role may not record inspections."))
            return redirect("inventory:lot", pk=lot.pk)
        if submit_form(
            request,
            form,
            lambda data: services.fabric_inspection_record(lot=lot, by=request.user, **data),
            _("Inspection recorded."),
        ):
            return redirect("inventory:lot", pk=lot.pk)
    return render(
        request,
        "inventory/lot.html",
        {
            "lot": lot,
            "balances": lot.balances.filter(quantity__gt=0).select_related("bin"),
            "reservations": lot.reservations.filter(status="active").select_related("work_order"),
            "inspections": lot.inspections.all(),
            "can_inspect": request.role in INSPECTORS and lot.material.kind == "fabric",
            "form": form,
        },
    )


lot_detail.model = Lot


@role_required(FACTORY_STAFF)
def lot_label(request, pk):
    lot = get_object_or_404(
        Lot.objects.visible_to(request.organization).select_related("material"), pk=pk
    )
    pdf = labels_pdf([(lot.code, selectors.lot_label_lines(lot), lot.label_payload)])
    return pdf_response(pdf, f"lot-{lot.code}.pdf")


lot_label.model = Lot


@role_required(FACTORY_STAFF)
def bin_label(request, pk):
    bin = get_object_or_404(
        Bin.objects.visible_to(request.organization).select_related("warehouse"), pk=pk
    )
    pdf = labels_pdf([(bin.code, [bin.warehouse.name], bin.label_payload)])
    return pdf_response(pdf, f"bin-{bin.code}.pdf")


bin_label.model = Bin


@role_required(WAREHOUSE)
def bin_labels(request):
    bins = Bin.objects.visible_to(request.organization).select_related("warehouse")
    bins = bins.filter(is_active=True).order_by("code")
    pdf = labels_pdf([(b.code, [b.warehouse.name], b.label_payload) for b in bins])
    return pdf_response(pdf, "bins.pdf")


@role_required(FACTORY_STAFF)
def stock_value(request):
    return render(
        request, "inventory/value.html", {"report": selectors.stock_value_report(_factory(request))}
    )


@role_required(FACTORY_STAFF)
def export_stock(request):
    factory = _factory(request)
    return _xlsx(selectors.stock_export_xlsx(factory), "stock", factory)


@role_required(FACTORY_STAFF)
def export_moves(request):
    factory = _factory(request)
    content = selectors.moves_export_xlsx(
        factory,
        since=parse_date(request.GET.get("since", "")),
        until=parse_date(request.GET.get("until", "")),
    )
    return _xlsx(content, "moves", factory)


def _xlsx(content: bytes, name: str, factory) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    stamp = factory_today(factory).isoformat()
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.xlsx"'
    return response


# --- purchase orders and the supplier portal ------------------------------------------------
@role_required(FACTORY_STAFF | SUPPLIERS)
def purchase_orders(request):
    status = request.GET.get("status", "")
    orders = selectors.purchase_orders_for(request.organization, status=status).select_related(
        "supplier", "factory__organization"
    )
    return render(
        request,
        "inventory/purchase_orders.html",
        {
            "orders": orders[:200],
            "statuses": [
                *PurchaseOrder.Status.choices,
                (selectors.TO_RECEIVE, _("To receive")),
            ],
            "status": status,
            "is_supplier": request.organization.kind == OrgKind.SUPPLIER,
        },
    )


@role_required(FACTORY_STAFF | SUPPLIERS)
def purchase_order_detail(request, pk):
    order = get_object_or_404(
        PurchaseOrder.objects.visible_to(request.organization).select_related(
            "supplier", "factory__organization"
        ),
        pk=pk,
    )
    lines = order.lines.select_related("material")
    confirm_form = forms.PurchaseOrderConfirmForm(lines=lines)
    receive_form = forms.ReceiveForm(organization=request.organization, order=order)
    if request.method == "POST":
        refused = _purchase_order_action(request, order, lines)
        if refused is None:
            return redirect("inventory:purchase-order", pk=order.pk)
        if isinstance(refused, forms.ReceiveForm):
            receive_form = refused
        else:
            confirm_form = refused
    is_supplier = request.organization.kind == OrgKind.SUPPLIER
    return render(
        request,
        "inventory/purchase_order.html",
        {
            "order": order,
            "confirm_form": confirm_form,
            "receive_form": receive_form,
            "is_supplier": is_supplier,
            "can_confirm": (is_supplier or request.role in PLANNING)
            and order.status in (PurchaseOrder.Status.SENT, PurchaseOrder.Status.CONFIRMED),
            "can_send": request.role in PLANNING and order.status == PurchaseOrder.Status.DRAFT,
            "can_cancel": request.role in PLANNING
            and order.status
            in (
                PurchaseOrder.Status.DRAFT,
                PurchaseOrder.Status.SENT,
                PurchaseOrder.Status.CONFIRMED,
            ),
            "can_receive": request.role in WAREHOUSE
            and order.status in PurchaseOrder.OPEN_STATUSES,
        },
    )


purchase_order_detail.model = PurchaseOrder


def _purchase_order_action(request, order, lines):
    """Do the posted action. Returns None when done (or refused with a message), or the refused
    form to show again with its errors and the input kept."""
    action_form = forms.PurchaseOrderActionForm(request.POST)
    action = action_form.cleaned_data["action"] if action_form.is_valid() else None
    by = request.user
    is_supplier = request.organization.kind == OrgKind.SUPPLIER
    if action == "confirm" and (is_supplier or request.role in PLANNING):
        form = forms.PurchaseOrderConfirmForm(request.POST, lines=lines)
        saved = submit_form(
            request,
            form,
            lambda data: services.purchase_order_confirm(
                order=order, organization=request.organization, by=by, **data
            ),
            _("Quantities and ship dates confirmed."),
        )
        if saved:
            _warn_late_ship_dates(request, order)
        return None if saved else form
    if action == "receive" and request.role in WAREHOUSE:
        form = forms.ReceiveForm(request.POST, organization=request.organization, order=order)
        saved = submit_form(
            request,
            form,
            lambda data: services.purchase_line_receive(by=by, **data),
            _("Received."),
        )
        return None if saved else form
    if action == "send" and request.role in PLANNING:
        _attempt(request, lambda: services.purchase_order_send(order=order, by=by), _("Sent."))
    elif action == "cancel" and request.role in PLANNING:
        _attempt(
            request, lambda: services.purchase_order_cancel(order=order, by=by), _("Cancelled.")
        )
    else:
        messages.error(request, _("Your role may not do this."))
    return None


def _warn_late_ship_dates(request, order) -> None:
    """A confirmation is taken as the supplier gives it; a ship date after the need date is
    said at once, line by line, to whoever confirmed."""
    for line in order.lines.select_related("material").order_by("pk"):
        if line.ships_late_by:
            messages.warning(
                request,
                ngettext(
                    "%(material)s ships %(days)d day after it is needed (%(need)s).",
                    "%(material)s ships %(days)d days after it is needed (%(need)s).",
                    line.ships_late_by,
                )
                % {
                    "material": line.material.code,
                    "days": line.ships_late_by,
                    "need": line.need_date.isoformat(),
                },
            )


# --- set-up: suppliers and their offers ----------------------------------------------------
def _supplier_partnerships(request):
    return Partnership.objects.visible_to(request.organization).filter(
        partner__kind=OrgKind.SUPPLIER
    )


@role_required(FACTORY_STAFF)
def suppliers(request):
    """The factory's supplier list: who they are, their contact, what they offer, how fast and
    how well they have delivered. Managers add a supplier on the platform by its code."""
    return _suppliers_page(request, forms.SupplierAddForm())


def _suppliers_page(request, add_form, status=200):
    return render(
        request,
        "inventory/suppliers.html",
        {
            "rows": selectors.supplier_list(_factory(request)),
            "add_form": add_form,
            "can_add": request.role in MANAGERS,
            "can_offer": request.role in PLANNING,
        },
        status=status,
    )


@role_required(MANAGERS)
@require_POST
def supplier_add(request):
    """A refused code comes back on the list with the input kept and nothing written."""
    form = forms.SupplierAddForm(request.POST)
    if submit_form(
        request,
        form,
        lambda data: services.supplier_invite(
            factory=_factory(request), code=data["code"], by=request.user
        ),
        _("Supplier invited: once it accepts, it can confirm purchase orders in its portal."),
    ):
        return redirect("inventory:suppliers")
    return _suppliers_page(request, form)


@role_required(FACTORY_STAFF)
def supplier_detail(request, pk):
    """One supplier of the factory (`pk` is the partnership's) with its offers; planners add
    offers here."""
    partnership = get_object_or_404(
        _supplier_partnerships(request).select_related("partner"), pk=pk
    )
    supplier = partnership.partner
    form = forms.OfferForm(request.POST or None, organization=request.organization)
    if request.method == "POST":
        if request.role not in PLANNING:
            raise PermissionDenied
        if submit_form(
            request,
            form,
            lambda data: services.supplier_item_create(
                factory=_factory(request), supplier_code=supplier.code, by=request.user, **data
            ),
            _("Offer added."),
        ):
            return redirect("inventory:supplier", pk=partnership.pk)
    offers = (
        SupplierItem.objects.visible_to(request.organization)
        .filter(supplier=supplier)
        .select_related("material")
        .order_by("material__code")
    )
    return render(
        request,
        "inventory/supplier.html",
        {
            "partnership": partnership,
            "supplier": supplier,
            "offers": offers,
            "form": form,
            "can_offer": request.role in PLANNING
            and partnership.status == Partnership.Status.ACCEPTED,
        },
    )


supplier_detail.model = Partnership


@role_required(PLANNING)
def offer_edit(request, pk):
    """Change an offer's price and terms, or withdraw it."""
    item = get_object_or_404(
        SupplierItem.objects.visible_to(request.organization).select_related(
            "material", "supplier"
        ),
        pk=pk,
    )
    partnership = _supplier_partnerships(request).filter(partner=item.supplier).first()
    back = (
        redirect("inventory:supplier", pk=partnership.pk)
        if partnership
        else redirect("inventory:suppliers")
    )
    initial = {
        "article_no": item.supplier_code,
        "unit_price": item.unit_price,
        "minimum_quantity": item.minimum_quantity,
        "lead_time_days": item.lead_time_days,
        "is_preferred": item.is_preferred,
    }
    form = forms.OfferForm(
        request.POST or None, initial=initial, editing=True, organization=request.organization
    )
    if request.method == "POST":
        action = forms.OfferActionForm(request.POST)
        if action.is_valid() and action.cleaned_data["action"] == "remove":
            services.supplier_item_remove(item=item, by=request.user)
            messages.success(request, _("Offer removed."))
            return back
        if submit_form(
            request,
            form,
            lambda data: services.supplier_item_update(item=item, by=request.user, **data),
            _("Offer saved."),
        ):
            return back
    return render(
        request, "inventory/offer.html", {"item": item, "form": form, "partnership": partnership}
    )


offer_edit.model = SupplierItem


# --- set-up: materials ---------------------------------------------------------------------
@role_required(FACTORY_STAFF)
def materials(request):
    """The factory's materials, searchable by code or name and by kind."""
    kind = request.GET.get("kind", "")
    query = request.GET.get("q", "").strip()
    rows = Material.objects.visible_to(request.organization).annotate(
        offers=Count("supplier_items")
    )
    if kind in Material.Kind.values:
        rows = rows.filter(kind=kind)
    if query:
        rows = rows.filter(Q(code__icontains=query) | Q(name__icontains=query))
    return render(
        request,
        "inventory/materials.html",
        {
            "materials": rows.order_by("kind", "code")[:500],
            "kinds": Material.Kind.choices,
            "kind": kind,
            "q": query,
            "can_edit": request.role in WAREHOUSE,
        },
    )


@role_required(WAREHOUSE)
def material_new(request):
    form = forms.MaterialForm(request.POST or None, organization=request.organization)
    if request.method == "POST" and submit_form(
        request,
        form,
        lambda data: services.material_create(factory=_factory(request), by=request.user, **data),
        lambda material: _("Material %(code)s added.") % {"code": material.code},
    ):
        return redirect("inventory:materials")
    return render(request, "inventory/material_form.html", {"form": form, "material": None})


@role_required(WAREHOUSE)
def material_edit(request, pk):
    material = get_object_or_404(Material.objects.visible_to(request.organization), pk=pk)
    initial = {name: getattr(material, name) for name in MATERIAL_FIELDS}
    form = forms.MaterialForm(
        request.POST or None, initial=initial, editing=True, organization=request.organization
    )
    if request.method == "POST" and submit_form(
        request,
        form,
        lambda data: services.material_update(material=material, by=request.user, **data),
        _("Material saved."),
    ):
        return redirect("inventory:materials")
    offers = material.supplier_items.select_related("supplier").order_by("-is_preferred")
    return render(
        request,
        "inventory/material_form.html",
        {"form": form, "material": material, "offers": offers},
    )


material_edit.model = Material


# --- MRP -----------------------------------------------------------------------------------
@role_required(FACTORY_STAFF)
def shortages(request):
    """The last MRP run's shortages and suggestions. Running MRP and the release-to-cutting form
    are production's (production/inventory_views.py, at /inventory/shortages/run/ and
    /inventory/shortages/release/)."""
    factory = _factory(request)
    run = selectors.latest_run(factory)
    shortage_rows = suggestions = []
    if run is not None:
        shortage_rows = selectors.latest_shortages(factory).select_related("work_order")
        suggestions = list(
            run.suggestion_rows.select_related("material", "supplier", "purchase_order").order_by(
                "supplier__name", "order_by"
            )
        )
    today = factory_today(factory)
    for suggestion in suggestions:
        # A suggestion not yet ordered whose latest order date has gone is shown in red.
        suggestion.late_days = (
            0 if suggestion.purchase_order_id else days_late(suggestion.order_by, today)
        )
    return render(
        request,
        "inventory/shortages.html",
        {
            "run": run,
            "shortages": shortage_rows,
            "suggestions": suggestions,
            "can_plan": request.role in PLANNING,
            "can_order": request.role in WAREHOUSE,
            # Who may turn suggestions into purchase orders, named for those who may not.
            "orderers": role_names(WAREHOUSE),
        },
    )


@role_required(WAREHOUSE)
@require_POST
def suggestions_order(request):
    form = forms.SuggestionsOrderForm(request.POST, organization=request.organization)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.purchase_suggestions_order(
                factory=_factory(request),
                suggestions=form.cleaned_data["suggestion"],
                by=request.user,
            ),
            _("Draft purchase orders created."),
        )
    else:
        messages.error(request, errors_text(form))
    return redirect("inventory:shortages")


# --- cycle counting on the phone -----------------------------------------------------------
@role_required(WAREHOUSE)
def counts(request):
    form = forms.CycleCountStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.cycle_count_start(
                factory=_factory(request), by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            return redirect("inventory:count", pk=count.pk)
    recent = (
        CycleCount.objects.visible_to(request.organization)
        .select_related("bin")
        .order_by("-started_at")[:30]
    )
    return render(request, "inventory/counts.html", {"counts": recent, "form": form})


@role_required(WAREHOUSE)
def count_detail(request, pk):
    count = get_object_or_404(
        CycleCount.objects.visible_to(request.organization).select_related("bin"), pk=pk
    )
    lines = count.lines.select_related("lot__material")
    form = forms.CycleCountForm(lines=lines)
    if request.method == "POST":
        refused = _count_action(request, count, lines)
        if refused is None:
            return redirect("inventory:count", pk=count.pk)
        form = refused
    return render(
        request,
        "inventory/count.html",
        {
            "count": count,
            "form": form,
            "can_decide": request.role in MANAGERS
            and count.status == CycleCount.Status.PENDING_APPROVAL,
        },
    )


def _count_action(request, count, lines):
    """Save or submit the counts, or decide on the variance. Returns None when done (or refused
    with a message), or the refused count form to show again with the input kept."""
    action_form = forms.CycleCountActionForm(request.POST)
    action = action_form.cleaned_data["action"] if action_form.is_valid() else None
    by = request.user
    if action in ("record", "submit"):
        form = forms.CycleCountForm(request.POST, lines=lines)
        if not form.is_valid():
            return form
        entries = form.cleaned_data["entries"]
        if entries and not submit_form(
            request,
            form,
            lambda data: services.cycle_count_record(count=count, by=by, **data),
            _("Counts saved."),
        ):
            return form
        if action == "submit" and not submit_form(
            request,
            form,
            lambda _data: services.cycle_count_submit(count=count, by=by),
            _("Count submitted."),
        ):
            return form
    elif action in ("approve", "reject") and request.role in MANAGERS:
        service = (
            services.cycle_count_approve if action == "approve" else services.cycle_count_reject
        )
        _attempt(request, lambda: service(count=count, by=by), _("Decided."))
    else:
        messages.error(request, _("Your role may not do this."))
    return None


count_detail.model = CycleCount


@role_required(FACTORY_STAFF)
def purchase_orders_overdue(request):
    """The purchase orders past their expected date (the factory screen's overdue count)."""
    factory = request.organization.factory
    rows = selectors.overdue_purchase_orders(factory, today=factory_today(factory))
    return render(request, "inventory/purchase_orders_overdue.html", {"rows": rows})


# --- set-up lists in Excel (core.sheet_lists): export, blank template, import ----------------
def _sheet_name(request, sheet) -> str:
    return f"{sheet.name}-{factory_today(_factory(request)).isoformat()}"


@role_required(FACTORY_STAFF)
def materials_export(request):
    rows = Material.objects.visible_to(request.organization).order_by("kind", "code")
    return export_response(
        sheets.MATERIALS,
        sheets.material_records(rows),
        filename=_sheet_name(request, sheets.MATERIALS),
    )


@role_required(WAREHOUSE)
def materials_template(request):
    return export_response(sheets.MATERIALS, [])


@role_required(WAREHOUSE)
def materials_import(request):
    return sheet_import_page(
        request,
        sheet=sheets.MATERIALS,
        write=lambda rows: services.materials_import(
            factory=_factory(request), rows=rows, by=request.user
        ),
        success=lambda counts: (
            _("%(added)d materials added, %(updated)d updated.")
            % {"added": counts[0], "updated": counts[1]}
        ),
        done_url=reverse("inventory:materials"),
        template_url=reverse("inventory:materials-template"),
        export_url=reverse("inventory:materials-export"),
    )


@role_required(FACTORY_STAFF)
def suppliers_export(request):
    rows = selectors.supplier_list(_factory(request))
    return export_response(
        sheets.SUPPLIERS,
        sheets.supplier_records(rows),
        filename=_sheet_name(request, sheets.SUPPLIERS),
    )


@role_required(MANAGERS)
def suppliers_template(request):
    return export_response(sheets.SUPPLIERS, [])


@role_required(MANAGERS)
def suppliers_import(request):
    return sheet_import_page(
        request,
        sheet=sheets.SUPPLIERS,
        write=lambda rows: services.suppliers_import(
            factory=_factory(request), rows=rows, by=request.user
        ),
        success=lambda invited: _("%(n)d suppliers invited.") % {"n": invited},
        done_url=reverse("inventory:suppliers"),
        template_url=reverse("inventory:suppliers-template"),
        export_url=reverse("inventory:suppliers-export"),
    )


@role_required(FACTORY_STAFF)
def offers_export(request):
    items = (
        SupplierItem.objects.visible_to(request.organization)
        .select_related("supplier", "material")
        .order_by("supplier__code", "material__code")
    )
    return export_response(
        sheets.OFFERS, sheets.offer_records(items), filename=_sheet_name(request, sheets.OFFERS)
    )


@role_required(PLANNING)
def offers_template(request):
    return export_response(sheets.OFFERS, [])


@role_required(PLANNING)
def offers_import(request):
    return sheet_import_page(
        request,
        sheet=sheets.OFFERS,
        write=lambda rows: services.supplier_items_import(
            factory=_factory(request), rows=rows, by=request.user
        ),
        success=lambda counts: (
            _("%(added)d offers added, %(updated)d updated.")
            % {"added": counts[0], "updated": counts[1]}
        ),
        done_url=reverse("inventory:suppliers"),
        template_url=reverse("inventory:offers-template"),
        export_url=reverse("inventory:offers-export"),
    )
