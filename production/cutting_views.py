"""Cutting-room pages (phone-first): the lays of released work orders, a lay with its spread,
cut and re-cut forms, its cut ticket, and the carton (backward) and lot (forward) traces.
Thin: every write is a service call (production/services/cutting.py)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.forms import errors_text, submit_form
from core.pdf import pdf_response
from core.roles import FACTORY_STAFF, FLOOR
from core.views import role_required
from inventory.models import Lot
from production import cutting_forms, selectors, services
from production.models import Bundle, Carton, Lay
from production.tickets import lay_ticket_pdf


def _visible(model, request, pk):
    return get_object_or_404(model.objects.visible_to(request.organization), pk=pk)


@role_required(FACTORY_STAFF)
def cutting_room(request):
    factory = request.organization.factory
    grouped = selectors.cutting_room_lays(factory)
    work_orders = sorted(
        {lay.cut_plan.work_order for lays in grouped.values() for lay in lays},
        key=lambda wo: wo.number,
    )
    context = {
        "sections": [(Lay.Status(status).label, lays) for status, lays in grouped.items()],
        "consumption": [(wo, selectors.fabric_consumption(wo)) for wo in work_orders],
    }
    return render(request, "production/cutting_room.html", context)


@role_required(FACTORY_STAFF)
def lay_detail(request, pk):
    lay = _visible(Lay, request, pk)
    can_cut = request.role in FLOOR
    forms = {
        "spread": cutting_forms.LaySpreadForm(organization=request.organization),
        "cut": cutting_forms.LayCutForm(lay=lay, organization=request.organization),
        "recut": cutting_forms.RecutForm(lay=lay, organization=request.organization),
    }
    if request.method == "POST":
        if not can_cut:
            messages.error(request, _("Only the cutting room's supervisors spread and cut."))
            return redirect("production:lay", pk=lay.pk)
        step_form = cutting_forms.LayStepForm(request.POST)
        if not step_form.is_valid():
            messages.error(request, errors_text(step_form))
            return redirect("production:lay", pk=lay.pk)
        step = step_form.cleaned_data["step"]
        if _lay_step(request, lay, step, forms):
            return redirect("production:lay", pk=lay.pk)
    lay = Lay.objects.select_related("marker", "cut_plan__work_order").get(pk=lay.pk)
    consumption = selectors.fabric_consumption(lay.cut_plan.work_order)
    context = {
        "lay": lay,
        "wo": lay.cut_plan.work_order,
        "sizes": selectors.lay_cut_rows(lay),
        "rolls": selectors.lay_spread_rolls(lay),
        "events": selectors.lay_events(lay),
        "recuts": selectors.lay_recuts(lay),
        "bundles": Bundle.objects.filter(factory_id=lay.factory_id, lay=lay).order_by("number"),
        "fabric": next((row for row in consumption["lays"] if row["lay"].pk == lay.pk), None),
        "can_cut": can_cut,
        "spread_form": forms["spread"],
        "cut_form": forms["cut"],
        "recut_form": forms["recut"],
    }
    return render(request, "production/lay.html", context)


def _lay_step(request, lay: Lay, step: str, forms: dict) -> bool:
    """Bind the posted step's form and call its service; True when done (the refused form is
    put in `forms`, with the input kept)."""
    by, organization = request.user, request.organization
    if step == "spread":
        form = cutting_forms.LaySpreadForm(request.POST, organization=organization)

        def call(data):
            return services.lay_spread(lay=lay, rolls=data["rolls"], by=by)

        success = _("Lay L%(n)s spread; its fabric was issued.") % {"n": lay.number}
    elif step == "cut":
        form = cutting_forms.LayCutForm(request.POST, lay=lay, organization=organization)

        def call(data):
            return services.lay_cut_confirm(lay=lay, cut=data["cut"], by=by)

        success = _("Lay L%(n)s cut.") % {"n": lay.number}
    else:
        form = cutting_forms.RecutForm(request.POST, lay=lay, organization=organization)

        def call(data):
            return services.recut_record(by=by, **data)

        success = _("Re-cut recorded.")
    forms[step] = form
    return submit_form(request, form, call, success)


lay_detail.model = Lay


@role_required(FACTORY_STAFF)
def lay_ticket(request, pk):
    lay = _visible(Lay, request, pk)
    return pdf_response(lay_ticket_pdf(lay), f"lay-{lay.pk}.pdf")


lay_ticket.model = Lay


@role_required(FACTORY_STAFF)
def carton_trace(request, pk):
    carton = _visible(Carton, request, pk)
    return render(
        request, "production/carton_trace.html", {"trace": selectors.carton_trace(carton)}
    )


carton_trace.model = Carton


@role_required(FACTORY_STAFF)
def lot_trace(request, pk):
    lot = _visible(Lot, request, pk)
    return render(request, "production/lot_trace.html", {"trace": selectors.lot_trace(lot)})


lot_trace.model = Lot
