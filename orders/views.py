"""HTML pages of orders/: order list and detail, the order grid, conversion with progress,
bundle tickets, tech packs, webhooks, sell-through and factory matching. Thin: every rule is in
the services; objects are scoped with `visible_to`, so another tenant's id answers 404."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.roles import FACTORY_STAFF, MERCHANTS, PLANNING, OrgKind
from core.views import role_required
from factories.models import Factory
from orders import selectors, services
from orders.models import (
    Order,
    Style,
    StyleVersion,
    WebhookDelivery,
    WebhookEndpoint,
)
from orders.services import imports, sales
from orders.services import webhooks as webhook_services
from production.models import ConversionJob, WorkOrder
from production.services import order_convert
from production.services.conversion_queue import conversion_job_create
from production.tickets import bundle_tickets_pdf

READERS = FACTORY_STAFF | MERCHANTS


def _is_factory(request) -> bool:
    return request.organization.kind == OrgKind.FACTORY


@role_required(READERS)
def order_list(request):
    orders = (
        Order.objects.visible_to(request.organization)
        .select_related("version__style", "merchant", "factory__organization")
        .order_by("-created_at")
    )
    status = request.GET.get("status", "")
    if status:
        orders = orders.filter(status=status)
    import_errors = None
    if request.method == "POST" and request.role in MERCHANTS and request.FILES.get("file"):
        try:
            created = imports.orders_import(
                merchant=request.organization, upload=request.FILES["file"], by=request.user
            )
            messages.success(request, _("%(count)s orders imported.") % {"count": len(created)})
            return redirect("orders:list")
        except DomainError as error:
            import_errors = error
    return render(
        request,
        "orders/order_list.html",
        {
            "orders": orders[:300],
            "status": status,
            "statuses": Order.Status.choices,
            "is_factory": _is_factory(request),
            "can_convert": request.role in PLANNING,
            "import_errors": import_errors,
        },
    )


@role_required(READERS)
def order_detail(request, pk):
    order = get_object_or_404(
        Order.objects.visible_to(request.organization).select_related(
            "version__style", "merchant", "factory__organization"
        ),
        pk=pk,
    )
    if request.method == "POST":
        return _order_action(request, order)
    version = order.version
    cells = {(line.colour, line.size): line for line in order.lines.all()}
    grid = [
        (colour, [cells.get((colour, size)) for size in version.sizes])
        for colour in version.colours
        if any((colour, size) in cells for size in version.sizes)
    ]
    work_order = None
    if _is_factory(request):
        work_order = WorkOrder.objects.visible_to(request.organization).filter(order=order).first()
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "sizes": version.sizes,
            "grid": grid,
            "events": order.events.select_related("by_organization"),
            "progress": selectors.order_progress(order),
            "work_order": work_order,
            "is_factory": _is_factory(request),
            "can_plan": request.role in PLANNING,
            "is_merchant": request.role in MERCHANTS,
        },
    )


order_detail.model = Order

ACTIONS = {
    "place": (
        MERCHANTS,
        lambda o, r, reason: services.order_place(order=o, by=r.user, acting=r.organization),
    ),
    "accept": (
        PLANNING,
        lambda o, r, reason: services.order_accept(order=o, by=r.user, acting=r.organization),
    ),
    "reject": (
        PLANNING,
        lambda o, r, reason: services.order_reject(
            order=o, reason=reason, by=r.user, acting=r.organization
        ),
    ),
    "cancel": (
        MERCHANTS | PLANNING,
        lambda o, r, reason: services.order_cancel(
            order=o, reason=reason, by=r.user, acting=r.organization
        ),
    ),
    "deliver": (
        MERCHANTS | PLANNING,
        lambda o, r, reason: services.order_deliver(order=o, by=r.user, acting=r.organization),
    ),
    "convert": (
        PLANNING,
        lambda o, r, reason: order_convert(order=o, by=r.user, acting=r.organization),
    ),
    "reorder": (
        MERCHANTS,
        lambda o, r, reason: sales.order_reorder(order=o, by=r.user, acting=r.organization),
    ),
}


def _order_action(request, order):
    name = request.POST.get("action", "")
    roles, run = ACTIONS.get(name, (frozenset(), None))
    if run is None or request.role not in roles:
        raise PermissionDenied
    try:
        result = run(order, request, request.POST.get("reason", ""))
    except DomainError as error:
        details = " ".join(str(m) for ms in error.errors.values() for m in ms)
        messages.error(request, f"{error.message} {details}".strip())
        return redirect("orders:detail", pk=order.pk)
    if name == "reorder":
        messages.success(request, _("Re-order %(number)s placed.") % {"number": result.number})
        return redirect("orders:detail", pk=result.pk)
    if name == "convert":
        messages.success(
            request,
            _("Converted: %(bundles)s bundles, cut %(cut)s for %(ordered)s ordered.")
            % result.report,
        )
    else:
        messages.success(request, _("Done."))
    return redirect("orders:detail", pk=order.pk)


@role_required(MERCHANTS)
def order_new(request):
    """The order grid: one row a colour, one input a size; works on a phone."""
    versions = (
        StyleVersion.objects.visible_to(request.organization)
        .filter(status=StyleVersion.Status.RELEASED)
        .select_related("style", "factory__organization")
        .order_by("style__number", "-version")
    )
    version = versions.filter(
        pk=request.GET.get("version") or request.POST.get("version") or 0
    ).first()
    errors, values = {}, {}
    promise = None
    if version is not None:
        promise = selectors.capable_to_promise(
            factory=version.factory,
            version=version,
            quantity=version.factory.minimum_order_quantity,
        )
    if request.method == "POST" and version is not None:
        quantities = []
        for colour in version.colours:
            for size in version.sizes:
                raw = request.POST.get(f"q-{colour}-{size}", "").strip()
                values[f"{colour}-{size}"] = raw
                if raw:
                    quantities.append({"colour": colour, "size": size, "quantity": raw})
        try:
            requested = dt.date.fromisoformat(request.POST.get("requested_date", ""))
        except ValueError:
            requested = None
        try:
            if requested is None:
                raise DomainError(
                    _("The order is not valid."),
                    errors={"requested_date": [_("Choose a delivery date.")]},
                )
            order = services.order_create(
                merchant=request.organization,
                factory=version.factory,
                version=version,
                quantities=quantities,
                requested_date=requested,
                ship_to=request.POST.get("ship_to", ""),
                unit_price=request.POST.get("unit_price") or "0",
                notes=request.POST.get("notes", ""),
                by=request.user,
            )
            messages.success(request, _("Order %(number)s placed.") % {"number": order.number})
            return redirect("orders:detail", pk=order.pk)
        except DomainError as error:
            errors = {key: [str(m) for m in ms] for key, ms in error.errors.items()}
            messages.error(request, str(error.message))
    return render(
        request,
        "orders/order_new.html",
        {
            "versions": versions,
            "version": version,
            "promise": promise,
            "errors": errors,
            "values": values,
            "post": request.POST,
        },
    )


@role_required(PLANNING)
@require_POST
def conversion_start(request):
    ids = [int(x) for x in request.POST.getlist("orders") if x.isdigit()]
    orders = Order.objects.visible_to(request.organization).filter(
        pk__in=ids, status=Order.Status.ACCEPTED
    )
    try:
        job = conversion_job_create(
            factory=Factory.objects.get(pk=request.organization.pk), orders=orders, by=request.user
        )
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("orders:list")
    return redirect("orders:job", pk=job.pk)


@role_required(PLANNING)
def conversion_job(request, pk):
    job = get_object_or_404(ConversionJob.objects.visible_to(request.organization), pk=pk)
    template = (
        "orders/_job_progress.html" if request.headers.get("HX-Request") else "orders/job.html"
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


@role_required(READERS)
def style_list(request):
    versions = (
        StyleVersion.objects.visible_to(request.organization)
        .select_related("style", "factory__organization")
        .order_by("style__number", "-version")
    )
    import_errors = None
    if request.method == "POST" and request.role in PLANNING and request.FILES.get("file"):
        from orders.techpack_excel import tech_pack_import

        try:
            version = tech_pack_import(
                factory=request.organization.factory, upload=request.FILES["file"], by=request.user
            )
            messages.success(request, _("Imported %(version)s as a draft.") % {"version": version})
            return redirect("orders:version", pk=version.pk)
        except DomainError as error:
            import_errors = error
    return render(
        request,
        "orders/style_list.html",
        {
            "versions": versions,
            "is_factory": _is_factory(request),
            "can_plan": request.role in PLANNING,
            "import_errors": import_errors,
        },
    )


@role_required(READERS)
def version_detail(request, pk):
    version = get_object_or_404(
        StyleVersion.objects.visible_to(request.organization).select_related("style"), pk=pk
    )
    if request.method == "POST":
        if request.role not in PLANNING:
            raise PermissionDenied
        try:
            if request.POST.get("action") == "release":
                services.style_version_release(version=version, by=request.user)
                messages.success(request, _("Released: this version is frozen and can be ordered."))
            elif request.POST.get("action") == "revise":
                version = services.style_version_revise(version=version, by=request.user)
                messages.success(request, _("A new draft version was made."))
        except DomainError as error:
            messages.error(request, str(error.message))
        return redirect("orders:version", pk=version.pk)
    return render(
        request,
        "orders/version_detail.html",
        {
            "version": version,
            "is_factory": _is_factory(request),
            "can_plan": request.role in PLANNING,
            "is_merchant": request.role in MERCHANTS,
        },
    )


version_detail.model = StyleVersion


@role_required(MERCHANTS)
def webhooks(request):
    if request.method == "POST":
        try:
            if request.POST.get("url"):
                webhook_services.webhook_endpoint_create(
                    merchant=request.organization, url=request.POST["url"], by=request.user
                )
                messages.success(request, _("Endpoint added."))
        except DomainError as error:
            messages.error(request, str(error.message))
        return redirect("orders:webhooks")
    return render(
        request,
        "orders/webhooks.html",
        {
            "endpoints": WebhookEndpoint.objects.visible_to(request.organization),
            "deliveries": WebhookDelivery.objects.visible_to(request.organization).select_related(
                "endpoint"
            )[:100],
        },
    )


@role_required(MERCHANTS)
@require_POST
def webhook_replay(request, pk):
    delivery = get_object_or_404(WebhookDelivery.objects.visible_to(request.organization), pk=pk)
    webhook_services.webhook_delivery_replay(delivery=delivery, by=request.user)
    messages.success(request, _("The event is being sent again."))
    return redirect("orders:webhooks")


webhook_replay.model = WebhookDelivery


@role_required(MERCHANTS)
def sell_through(request):
    styles = (
        Style.objects.visible_to(request.organization)
        .filter(versions__orders__merchant=request.organization)
        .distinct()
    )
    figures = []
    for style in styles:
        figures.append(selectors.sell_through(merchant=request.organization, style=style))
    last_orders = {
        style.pk: Order.objects.visible_to(request.organization)
        .filter(version__style=style)
        .exclude(status__in=[Order.Status.DRAFT, Order.Status.CANCELLED, Order.Status.REJECTED])
        .order_by("-created_at")
        .first()
        for style in styles
    }
    import_errors = None
    if request.method == "POST" and request.FILES.get("file"):
        try:
            count = imports.daily_sales_import(
                merchant=request.organization, upload=request.FILES["file"], by=request.user
            )
            messages.success(request, _("%(count)s sales rows recorded.") % {"count": count})
            return redirect("orders:sales")
        except DomainError as error:
            import_errors = error
    return render(
        request,
        "orders/sell_through.html",
        {
            "figures": [(f, last_orders.get(f.style.pk)) for f in figures],
            "import_errors": import_errors,
        },
    )


@role_required(MERCHANTS)
def factory_matching(request):
    from factories.models import Category

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
        matches = selectors.factory_matches(
            merchant=request.organization,
            category=params.get("category", ""),
            sizes=[x.strip() for x in params.get("sizes", "").split(",") if x.strip()],
            quantity=int(params.get("quantity") or 0)
            if params.get("quantity", "").isdigit()
            else 0,
            requested_date=requested,
        )
    return render(
        request,
        "orders/matching.html",
        {"matches": matches, "categories": Category.choices, "params": params},
    )
