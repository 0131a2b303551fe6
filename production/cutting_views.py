"""Cutting-room pages (phone-first): the lays of released work orders, a lay with its spread,
cut and re-cut forms, its cut ticket, and the carton (backward) and lot (forward) traces.
Thin: every write is a service call (production/services/cutting.py)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.pdf import pdf_response
from core.roles import FACTORY_STAFF, FLOOR
from core.views import role_required
from inventory.models import Lot
from production import selectors, services
from production.models import Bundle, Carton, Lay
from production.tickets import lay_ticket_pdf

SPREAD_ROWS = 6


def _visible(model, request, pk):
    return get_object_or_404(model.objects.visible_to(request.organization), pk=pk)


def _error_text(error: DomainError) -> str:
    details = [f"{name}: {m}" for name, msgs in error.errors.items() for m in msgs]
    text = str(error.message)
    return f"{text} ({'; '.join(details)})" if details else text


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


def _spread_rows(post) -> list[dict]:
    rows = []
    for index in range(SPREAD_ROWS):
        lot = (post.get(f"lot_{index}") or "").strip()
        if lot:
            rows.append(
                {
                    "lot": lot,
                    "plies": post.get(f"plies_{index}"),
                    "length_m": post.get(f"length_{index}"),
                    "end_bits_m": post.get(f"end_bits_{index}") or "0",
                    "shade_group": post.get(f"shade_{index}", ""),
                }
            )
    return rows


def _lay_step(request, lay: Lay):
    """Do the posted step (spread, cut or re-cut); returns the success message."""
    step, post, by = request.POST.get("step"), request.POST, request.user
    if step == "spread":
        services.lay_spread(lay=lay, rolls=_spread_rows(post), by=by)
        return _("Lay L%(n)s spread; its fabric was issued.") % {"n": lay.number}
    if step == "cut":
        cut = {size: post.get(f"cut_{size}", "") for size in lay.planned_sizes()}
        services.lay_cut_confirm(lay=lay, cut=cut, by=by)
        return _("Lay L%(n)s cut.") % {"n": lay.number}
    if step == "recut":
        bundle = Bundle.objects.filter(
            factory_id=lay.factory_id, lay=lay, pk=post.get("bundle") or 0
        ).first()
        if bundle is None:
            raise DomainError(
                _("Choose a bundle of this lay."), errors={"bundle": [_("Required.")]}
            )
        services.recut_record(
            bundle=bundle,
            pieces=post.get("pieces"),
            reason=post.get("reason", ""),
            lot=post.get("lot") or None,
            length_m=post.get("length_m") or None,
            by=by,
        )
        return _("Re-cut recorded.")
    raise DomainError(_("Unknown step."))


@role_required(FACTORY_STAFF)
def lay_detail(request, pk):
    lay = _visible(Lay, request, pk)
    can_cut = request.role in FLOOR
    if request.method == "POST":
        if not can_cut:
            messages.error(request, _("Only the cutting room's supervisors spread and cut."))
            return redirect("production:lay", pk=lay.pk)
        try:
            messages.success(request, _lay_step(request, lay))
            return redirect("production:lay", pk=lay.pk)
        except DomainError as error:
            messages.error(request, _error_text(error))
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
        "post": request.POST,
        "spread_rows": [
            {
                "index": index,
                **{
                    name: request.POST.get(f"{name}_{index}", "")
                    for name in ("lot", "plies", "length", "end_bits", "shade")
                },
            }
            for index in range(SPREAD_ROWS)
        ],
        "cut_values": {size: request.POST.get(f"cut_{size}", "") for size in lay.planned_sizes()},
    }
    return render(request, "production/lay.html", context)


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
