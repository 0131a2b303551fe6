"""HTML pages of quotations: the factory sends its drafts (built on payroll's costing pages,
which read inventory's prices); the merchant sees sent quotations (prices and validity only: no
cost, no margin) and accepts or declines. Thin: the rules are orders.services.quotations'."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.forms import submit_form
from core.roles import MERCHANTS, PLANNING, OrgKind
from core.views import role_required
from orders import selectors, services
from orders.forms import QuotationActionForm
from orders.models import Quotation

READERS = PLANNING | MERCHANTS


@role_required(READERS)
def quotation_list(request):
    status = request.GET.get("status", "")
    quotations = selectors.quotations_for(request.organization, status=status).select_related(
        "merchant", "factory__organization", "version__style"
    )
    return render(
        request,
        "orders/quotation_list.html",
        {
            "quotations": quotations[:300],
            "status": status if status in Quotation.Status.values else "",
            "statuses": Quotation.Status.choices,
            "is_factory": request.organization.kind == OrgKind.FACTORY,
        },
    )


ACTIONS = {
    "send": (
        PLANNING,
        lambda q, r, reason: services.quotation_send(quotation=q, by=r.user, acting=r.organization),
    ),
    "accept": (
        MERCHANTS,
        lambda q, r, reason: services.quotation_accept(
            quotation=q, by=r.user, acting=r.organization
        ),
    ),
    "decline": (
        MERCHANTS,
        lambda q, r, reason: services.quotation_decline(
            quotation=q, reason=reason, by=r.user, acting=r.organization
        ),
    ),
}


@role_required(READERS)
def quotation_detail(request, pk):
    quotation = get_object_or_404(
        Quotation.objects.visible_to(request.organization).select_related(
            "merchant", "factory__organization", "version__style"
        ),
        pk=pk,
    )
    form = QuotationActionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid() and request.role not in ACTIONS[form.cleaned_data["action"]][0]:
            raise PermissionDenied

        def act(data):
            return ACTIONS[data["action"]][1](quotation, request, data["reason"])

        if submit_form(request, form, act, _("Done.")):
            return redirect("orders:quotation", pk=quotation.pk)
    is_factory = request.organization.kind == OrgKind.FACTORY
    return render(
        request,
        "orders/quotation_detail.html",
        {
            "quotation": quotation,
            "lines": quotation.lines.all(),
            "is_factory": is_factory,
            "can_send": request.role in PLANNING and quotation.status == Quotation.Status.DRAFT,
            "can_answer": request.role in MERCHANTS and quotation.status == Quotation.Status.SENT,
            "form": form,
        },
    )


quotation_detail.model = Quotation
