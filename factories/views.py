"""Thin HTML views of factories/: partnerships (invite, accept, decline, end)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.roles import FACTORY_STAFF, MANAGERS, MERCHANTS, SUPPLIERS, OrgKind
from core.views import role_required
from factories import services
from factories.models import Partnership

PARTNERS = MERCHANTS | SUPPLIERS


@role_required(FACTORY_STAFF | PARTNERS)
def partnerships(request):
    rows = (
        Partnership.objects.visible_to(request.organization)
        .select_related("partner", "factory__organization")
        .order_by("status", "partner__name")
    )
    return render(
        request,
        "factories/partnerships.html",
        {
            "partnerships": rows,
            "can_invite": request.organization.kind == OrgKind.FACTORY and request.role in MANAGERS,
            "is_partner": request.organization.kind in (OrgKind.MERCHANT, OrgKind.SUPPLIER),
        },
    )


@role_required(MANAGERS)
@require_POST
def partnership_invite(request):
    try:
        services.partnership_invite(
            factory=request.organization.factory,
            partner_code=request.POST.get("partner_code", "").strip(),
            by=request.user,
        )
        messages.success(request, _("Invitation sent."))
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("factories:partnerships")


@role_required(MANAGERS | PARTNERS)
@require_POST
def partnership_answer(request, pk):
    partnership = get_object_or_404(Partnership.objects.visible_to(request.organization), pk=pk)
    answer = request.POST.get("answer")
    try:
        if answer == "end":
            services.partnership_end(partnership=partnership, by=request.user)
        elif request.organization.kind in (OrgKind.MERCHANT, OrgKind.SUPPLIER):
            services.partnership_respond(
                partnership=partnership, accept=answer == "accept", by=request.user
            )
        else:
            raise DomainError(_("Only the invited organization can answer an invitation."))
        messages.success(request, _("Saved."))
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("factories:partnerships")


partnership_answer.model = Partnership
