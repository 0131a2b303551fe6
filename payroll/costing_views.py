"""Costing pages, the factory's alone: the list of orders with pre-cost, actual cost and margin
(and its export), a work order's actual cost, a tech pack's pre-cost with the form that quotes
it, and the owner's cost settings. Thin: the rules are payroll.costing, orders.costing and the
services they name."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import submit_form
from core.roles import OWNERS, PLANNING, OrgKind
from core.views import role_required
from factories.models import Partnership
from factories.services import factory_cost_settings_update
from orders import services as order_services
from orders.forms import QuotationForm
from orders.models import StyleVersion
from payroll import costing
from payroll.forms import CostSettingsForm
from production.models import WorkOrder

COSTING = PLANNING


def _partner_merchants(factory):
    return [
        p.partner
        for p in Partnership.objects.filter(
            factory=factory, status=Partnership.Status.ACCEPTED, partner__kind=OrgKind.MERCHANT
        ).select_related("partner")
    ]


def _settings_form(request, data=None) -> CostSettingsForm:
    factory = request.organization.factory
    return CostSettingsForm(
        data,
        organization=request.organization,
        initial={
            "overhead_pct": factory.overhead_pct,
            "machine_hour_rate": factory.machine_hour_rate,
        },
    )


def _costing_page(request, settings_form):
    factory = request.organization.factory
    margins = costing.order_margins(factory, costing.costing_orders(factory)[:200])
    return render(
        request,
        "payroll/costing.html",
        {
            "margins": margins,
            "factory": factory,
            "settings_form": settings_form,
            "can_set": request.role in OWNERS,
        },
    )


@role_required(COSTING)
def costing_list(request):
    return _costing_page(request, _settings_form(request))


@role_required(OWNERS)
@require_POST
def cost_settings(request):
    form = _settings_form(request, request.POST)

    def save(data):
        return factory_cost_settings_update(
            factory=request.organization.factory,
            overhead_pct=data["overhead_pct"],
            machine_hour_rate=data["machine_hour_rate"],
            by=request.user,
        )

    if submit_form(request, form, save, _("Cost settings saved.")):
        return redirect("payroll:costing")
    return _costing_page(request, form)


@role_required(COSTING)
def costing_export(request):
    response = HttpResponse(
        costing.costing_export_xlsx(request.organization.factory),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="costing.xlsx"'
    return response


@role_required(COSTING)
def work_order_cost(request, pk):
    work_order = get_object_or_404(
        WorkOrder.objects.visible_to(request.organization).select_related(
            "version__style", "order", "factory", "line"
        ),
        pk=pk,
    )
    return render(
        request,
        "payroll/work_order_cost.html",
        {"cost": costing.work_order_actual_cost(work_order), "work_order": work_order},
    )


work_order_cost.model = WorkOrder


@role_required(COSTING)
def pre_cost(request, pk):
    """A tech pack's pre-cost per size, and the form that quotes it to a merchant."""
    version = get_object_or_404(
        StyleVersion.objects.visible_to(request.organization).select_related("style", "factory"),
        pk=pk,
    )
    factory = request.organization.factory
    form = QuotationForm(
        request.POST or None,
        organization=request.organization,
        merchants=_partner_merchants(factory),
    )
    created = []

    def create(data):
        quotation = order_services.quotation_create(
            factory=factory,
            merchant=order_services.partner_merchant_by_code(
                factory=factory, code=data["merchant"]
            ),
            version=version,
            valid_until=data["valid_until"],
            margin_pct=data["margin_pct"],
            target_price=data["target_price"],
            prices=costing.version_prices(version),
            notes=data["notes"],
            by=request.user,
        )
        created.append(quotation)
        return quotation

    if request.method == "POST" and submit_form(
        request, form, create, lambda q: _("Quotation %(number)s drafted.") % {"number": q}
    ):
        return redirect("orders:quotation", pk=created[0].pk)
    return render(
        request,
        "payroll/pre_cost.html",
        {"version": version, "pre_cost": costing.version_pre_cost(version), "form": form},
    )


pre_cost.model = StyleVersion
