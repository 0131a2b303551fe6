"""HTML doors at inventory's addresses that need production (production/inventory_urls.py
mounts them under /inventory/): running MRP, and releasing a work order to cutting from the
shortages page. inventory/ cannot import production/, so these doors are production's."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import errors_text
from core.roles import PLANNING
from core.views import role_required
from production import forms, services
from production.models import WorkOrder


@role_required(PLANNING)
@require_POST
def mrp_run(request):
    try:
        services.mrp_run(factory=request.organization.factory, by=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("MRP ran over the open work orders."))
    return redirect("inventory:shortages")


@role_required(PLANNING)
def release_to_cutting(request):
    """GET: the release form of the shortages page (htmx); POST: release a work order to
    cutting (refused while materials are short, unless a reason is given)."""
    visible = WorkOrder.objects.visible_to(request.organization)
    if request.method != "POST":
        planned = visible.filter(status=WorkOrder.Status.PLANNED).order_by("due_date", "number")
        return render(request, "production/inventory/_release.html", {"planned": planned[:200]})
    form = forms.ReleaseForm(request.POST, organization=request.organization)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect("inventory:shortages")
    try:
        services.work_order_release(by=request.user, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Released to cutting."))
    return redirect("inventory:shortages")
