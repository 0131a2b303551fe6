"""HTML pages of orders/: order list and detail, tech packs, webhooks. Thin: every rule is in the
services; objects are scoped with `visible_to`, so another tenant's id answers 404.

Pages that need production (the order grid with its promised date, an order's production
panel, conversion, bundle tickets, sell-through and factory matching) are production's, served
at /orders/ addresses (production/order_views.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import apply_domain_error, errors_text
from core.roles import FACTORY_STAFF, MERCHANTS, PLANNING, OrgKind
from core.views import role_required
from factories.clock import SCREEN_WINDOWS, factory_today, screen_window
from orders import selectors, services
from orders.forms import OrderActionForm, UploadForm, VersionActionForm, WebhookEndpointForm
from orders.models import (
    Order,
    StyleVersion,
    WebhookDelivery,
    WebhookEndpoint,
)
from orders.services import imports
from orders.services import webhooks as webhook_services
from orders.techpack_excel import tech_pack_import

READERS = FACTORY_STAFF | MERCHANTS


def _is_factory(request) -> bool:
    return request.organization.kind == OrgKind.FACTORY


@role_required(READERS)
def order_list(request):
    status = request.GET.get("status", "")
    # ?show=late: the factory's late orders (the home's "late shipments" card).
    late = request.GET.get("show") == "late" and _is_factory(request)
    orders = selectors.orders_for(
        request.organization,
        status=status,
        late_on=factory_today(request.organization.factory) if late else None,
    ).select_related("version__style", "merchant", "factory__organization")
    import_form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if request.role not in MERCHANTS:
            raise PermissionDenied
        if import_form.is_valid():
            try:
                created = imports.orders_import(
                    merchant=request.organization,
                    upload=import_form.cleaned_data["file"],
                    by=request.user,
                )
            except DomainError as error:
                apply_domain_error(import_form, error)
            else:
                messages.success(request, _("%(count)s orders imported.") % {"count": len(created)})
                return redirect("orders:list")
    return render(
        request,
        "orders/order_list.html",
        {
            "orders": orders[:300],
            "status": status,
            "late": late,
            "statuses": Order.Status.choices,
            "is_factory": _is_factory(request),
            "can_convert": request.role in PLANNING,
            "import_form": import_form,
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
    form = OrderActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        roles, run = ACTIONS[form.cleaned_data["action"]]
        if request.role not in roles:
            raise PermissionDenied
        try:
            run(order, request, form.cleaned_data["reason"])
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Done."))
            return redirect("orders:detail", pk=order.pk)
    version = order.version
    cells = {(line.colour, line.size): line for line in order.lines.all()}
    grid = [
        (colour, [cells.get((colour, size)) for size in version.sizes])
        for colour in version.colours
        if any((colour, size) in cells for size in version.sizes)
    ]
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "sizes": version.sizes,
            "grid": grid,
            "events": order.events.select_related("by_organization"),
            "is_factory": _is_factory(request),
            "can_plan": request.role in PLANNING,
            "is_merchant": request.role in MERCHANTS,
            "form": form,
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
}


@role_required(READERS)
def style_list(request):
    versions = (
        StyleVersion.objects.visible_to(request.organization)
        .select_related("style", "factory__organization")
        .order_by("style__number", "-version")
    )
    import_form = UploadForm(request.POST or None, request.FILES or None, accept=".xlsx")
    if request.method == "POST":
        if request.role not in PLANNING:
            raise PermissionDenied
        if import_form.is_valid():
            try:
                version = tech_pack_import(
                    factory=request.organization.factory,
                    upload=import_form.cleaned_data["file"],
                    by=request.user,
                )
            except DomainError as error:
                apply_domain_error(import_form, error)
            else:
                messages.success(
                    request, _("Imported %(version)s as a draft.") % {"version": version}
                )
                return redirect("orders:version", pk=version.pk)
    return render(
        request,
        "orders/style_list.html",
        {
            "versions": versions,
            "is_factory": _is_factory(request),
            "can_plan": request.role in PLANNING,
            "import_form": import_form,
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
        form = VersionActionForm(request.POST)
        try:
            if not form.is_valid():
                messages.error(request, errors_text(form))
            elif form.cleaned_data["action"] == "release":
                services.style_version_release(version=version, by=request.user)
                messages.success(request, _("Released: this version is frozen and can be ordered."))
            else:
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
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            webhook_services.webhook_endpoint_create(
                merchant=request.organization, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Endpoint added."))
            return redirect("orders:webhooks")
    return render(
        request,
        "orders/webhooks.html",
        {
            "form": form,
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


# --- the lists behind the factory screen's order figures (same selectors, same window) -------
def _window(request):
    name = request.GET.get("window", "12h")
    name = name if name in SCREEN_WINDOWS else "12h"
    return name, screen_window(request.organization.factory, name)


@role_required(FACTORY_STAFF)
def intake(request):
    """Orders placed with the factory in the window (the screen's order intake)."""
    name, period = _window(request)
    placed = selectors.orders_placed(request.organization.factory, period.start, period.end)
    return render(
        request,
        "orders/intake.html",
        {
            "window": name,
            "period": period,
            "placed": placed,
            "pieces": sum(row["pieces"] for row in placed),
        },
    )


@role_required(FACTORY_STAFF)
def shipments(request):
    """Shipments in the window, and the orders fully shipped in it with whether each was on
    time (the screen's shipments and on-time rate)."""
    name, period = _window(request)
    factory = request.organization.factory
    delivered = selectors.orders_delivered(factory, period.start, period.end)
    on_time = sum(1 for row in delivered if row["on_time"])
    rows = list(selectors.shipments_in(factory, period.start, period.end))
    return render(
        request,
        "orders/shipments.html",
        {
            "window": name,
            "period": period,
            "shipments": rows,
            "pieces": sum(row.quantity for row in rows),
            "delivered": delivered,
            "on_time": on_time,
            "on_time_rate": selectors.on_time_rate(on_time, len(delivered)),
        },
    )
