"""Thin HTML views of factories/: partnerships (invite, accept, decline, end)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import apply_domain_error, errors_text
from core.roles import FACTORY_STAFF, MANAGERS, MERCHANTS, SUPPLIERS, OrgKind
from core.views import role_required
from factories import services
from factories.forms import PartnershipAnswerForm, PartnershipInviteForm
from factories.models import Partnership

PARTNERS = MERCHANTS | SUPPLIERS


@role_required(FACTORY_STAFF | PARTNERS)
def partnerships(request):
    return _partnerships_page(request, PartnershipInviteForm())


def _partnerships_page(request, invite_form):
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
            "invite_form": invite_form,
        },
    )


@role_required(MANAGERS)
@require_POST
def partnership_invite(request):
    """A refused invitation comes back on the page with the code kept and nothing written."""
    form = PartnershipInviteForm(request.POST)
    if form.is_valid():
        try:
            services.partnership_invite(
                factory=request.organization.factory, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Invitation sent."))
            return redirect("factories:partnerships")
    return _partnerships_page(request, form)


@role_required(MANAGERS | PARTNERS)
@require_POST
def partnership_answer(request, pk):
    partnership = get_object_or_404(Partnership.objects.visible_to(request.organization), pk=pk)
    form = PartnershipAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect("factories:partnerships")
    answer = form.cleaned_data["answer"]
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
