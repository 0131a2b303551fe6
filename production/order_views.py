"""HTML doors at orders' addresses that need production (production/order_urls.py mounts them
under /orders/): the order grid with the promised date, the production panel of an order page,
converting one order or many, bundle tickets, sell-through with re-orders, and factory matching.
orders/ cannot import production/, so these pages are production's. Thin: every rule is in the
services; objects are scoped with `visible_to`, so another tenant's id answers 404."""

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import apply_domain_error, errors_text, submit_form
from core.limits import MAX_QUANTITY
from core.roles import FACTORY_STAFF, MERCHANTS, PLANNING, OrgKind
from core.views import role_required
from factories.models import Category, Factory
from orders import selectors as order_selectors
from orders import services as order_services
from orders.forms import UploadForm
from orders.models import Order, Style, StyleVersion
from orders.services import imports, sales
from production import forms, selectors, services
from production.models import ConversionJob, WorkOrder
from production.services import conversion_job_create
from production.tickets import bundle_tickets_pdf

READERS = FACTORY_STAFF | MERCHANTS


def _refused(request, error: DomainError) -> None:
    details = " ".join(str(m) for ms in error.errors.values() for m in ms)
    messages.error(request, f"{error.message} {details}".strip())


# --- one order -------------------------------------------------------------------------------
@role_required(READERS)
def order_panel(request, pk):
    """The production part of an order page (loaded by htmx): progress, the work order and its
    bundle tickets, and the actions that need production (convert, re-order)."""
    order = get_object_or_404(Order.objects.visible_to(request.organization), pk=pk)
    is_factory = request.organization.kind == OrgKind.FACTORY
    work_order = None
    if is_factory:
        work_order = WorkOrder.objects.visible_to(request.organization).filter(order=order).first()
    return render(
        request,
        "production/orders/_panel.html",
        {
            "order": order,
            "progress": selectors.order_progress(order),
            "work_order": work_order,
            "can_plan": request.role in PLANNING,
            "is_merchant": request.role in MERCHANTS,
        },
    )


order_panel.model = Order


@role_required(PLANNING)
@require_POST
def order_convert(request, pk):
    order = get_object_or_404(Order.objects.visible_to(request.organization), pk=pk)
    try:
        result = services.order_convert(order=order, by=request.user, acting=request.organization)
    except DomainError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("Converted: %(bundles)s bundles, cut %(cut)s for %(ordered)s ordered.")
            % result.report,
        )
    return redirect("orders:detail", pk=order.pk)


order_convert.model = Order


@role_required(MERCHANTS)
@require_POST
def order_reorder(request, pk):
    order = get_object_or_404(
        Order.objects.visible_to(request.organization).select_related("version__style"), pk=pk
    )
    try:
        reorder = sales.order_reorder(
            order=order,
            by=request.user,
            acting=request.organization,
            lead_days=selectors.reorder_lead_days(
                merchant=request.organization, style=order.version.style
            ),
        )
    except DomainError as error:
        _refused(request, error)
        return redirect("orders:detail", pk=order.pk)
    messages.success(request, _("Re-order %(number)s placed.") % {"number": reorder.number})
    return redirect("orders:detail", pk=reorder.pk)


order_reorder.model = Order


@role_required(MERCHANTS)
def order_new(request):
    """The order grid: one row a colour, one input a size; works on a phone. Shows the date the
    factory can promise now."""
    versions = (
        StyleVersion.objects.visible_to(request.organization)
        .filter(status=StyleVersion.Status.RELEASED)
        .select_related("style", "factory__organization")
        .order_by("style__number", "-version")
    )
    # The style comes from the page's query (the picker) or with the posted grid.
    picked = forms.StyleVersionPickForm(
        request.POST if request.method == "POST" else request.GET,
        organization=request.organization,
    )
    version = picked.cleaned_data["version"] if picked.is_valid() else None
    form = promise = None
    if version is not None:
        promise = selectors.capable_to_promise(
            factory=version.factory,
            version=version,
            quantity=version.factory.minimum_order_quantity,
        )
        form = forms.OrderGridForm(
            request.POST or None,
            version=version,
            organization=request.organization,
            initial={"requested_date": promise.date, "quotation": request.GET.get("quotation")},
        )
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            order = order_services.order_create(
                merchant=request.organization,
                factory=version.factory,
                version=version,
                by=request.user,
                **form.cleaned_data,
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Order %(number)s placed.") % {"number": order.number})
            _warn_inside_lead_time(request, order, promise.date)
            return redirect("orders:detail", pk=order.pk)
    return render(
        request,
        "production/orders/order_new.html",
        {"versions": versions, "version": version, "promise": promise, "form": form},
    )


def _warn_inside_lead_time(request, order, earliest: dt.date) -> None:
    """An order may ask for a date sooner than the factory can promise (the factory decides
    when it accepts); the merchant is told at once by how much."""
    if order.requested_date < earliest:
        days = (earliest - order.requested_date).days
        messages.warning(
            request,
            ngettext(
                "The delivery date is %(days)d day sooner than the factory can promise now "
                "(%(earliest)s): the factory may answer with a later date.",
                "The delivery date is %(days)d days sooner than the factory can promise now "
                "(%(earliest)s): the factory may answer with a later date.",
                days,
            )
            % {"days": days, "earliest": earliest.isoformat()},
        )


# --- conversion in bulk, tickets -------------------------------------------------------------
@role_required(PLANNING)
@require_POST
def conversion_start(request):
    form = forms.ConversionStartForm(request.POST, organization=request.organization)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect("orders:list")
    try:
        job = conversion_job_create(
            factory=Factory.objects.get(pk=request.organization.pk),
            by=request.user,
            **form.cleaned_data,
        )
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("orders:list")
    return redirect("production_orders:job", pk=job.pk)


@role_required(PLANNING)
def conversion_job(request, pk):
    job = get_object_or_404(ConversionJob.objects.visible_to(request.organization), pk=pk)
    template = (
        "production/orders/_job_progress.html"
        if request.headers.get("HX-Request")
        else "production/orders/job.html"
    )
    return render(request, template, {"job": job})


conversion_job.model = ConversionJob


@role_required(FACTORY_STAFF)
def bundle_tickets(request, pk):
    work_order = get_object_or_404(
        WorkOrder.objects.visible_to(request.organization).select_related("version__style"),
        pk=pk,
    )
    response = HttpResponse(bundle_tickets_pdf(work_order), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{work_order.number}-tickets.pdf"'
    return response


bundle_tickets.model = WorkOrder


# --- the merchant's sales and factories ------------------------------------------------------
@role_required(MERCHANTS)
def sell_through(request):
    merchant = request.organization
    styles = Style.objects.visible_to(merchant).filter(versions__orders__merchant=merchant)
    styles = styles.distinct()
    figures = [
        order_selectors.sell_through(
            merchant=merchant,
            style=style,
            lead_days=selectors.reorder_lead_days(merchant=merchant, style=style),
        )
        for style in styles
    ]
    last_orders = {
        style.pk: Order.objects.visible_to(merchant)
        .filter(version__style=style)
        .exclude(status__in=[Order.Status.DRAFT, Order.Status.CANCELLED, Order.Status.REJECTED])
        .order_by("-created_at")
        .first()
        for style in styles
    }
    import_form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and submit_form(
        request,
        import_form,
        lambda data: imports.daily_sales_import(
            merchant=merchant, upload=data["file"], by=request.user
        ),
        lambda count: _("%(count)s sales rows recorded.") % {"count": count},
    ):
        return redirect("production_orders:sales")
    return render(
        request,
        "production/orders/sell_through.html",
        {
            "figures": [(f, last_orders.get(f.style.pk)) for f in figures],
            "import_form": import_form,
        },
    )


@role_required(MERCHANTS)
def factory_matching(request):
    matches = None
    params = request.GET
    if params.get("search"):
        try:
            requested = (
                dt.date.fromisoformat(params["requested_date"])
                if params.get("requested_date")
                else None
            )
        except ValueError:
            requested = None
        quantity = int(params["quantity"]) if params.get("quantity", "").isdigit() else 0
        quantity = min(quantity, MAX_QUANTITY)
        matches = order_selectors.factory_matches(
            merchant=request.organization,
            earliest_date_at=lambda factory: (
                selectors.capable_to_promise(factory=factory, version=None, quantity=quantity).date
            ),
            first_pass_yield_at=selectors.first_pass_yield_recent,
            category=params.get("category", ""),
            sizes=[x.strip() for x in params.get("sizes", "").split(",") if x.strip()],
            quantity=quantity,
            requested_date=requested,
        )
    return render(
        request,
        "production/orders/matching.html",
        {"matches": matches, "categories": Category.choices, "params": params},
    )
