"""The owner's closure page (factory set-up) and the platform console's closure buttons: doors
into factories.closure."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import apply_domain_error
from core.read_only import writes_while_read_only
from core.roles import OWNERS
from core.views import platform_operator_required, role_required
from factories import closure
from factories.forms import ClosureConfirmForm
from factories.models import Factory
from factories.setup_views import _factory


@role_required(OWNERS)
def closure_page(request):
    """The closure's warning and confirmation; while closing, its end date and the cancel."""
    factory = _factory(request)
    form = ClosureConfirmForm(request.POST or None, factory_code=factory.code)
    if request.method == "POST" and form.is_valid():
        try:
            closure.factory_closure_request(factory=factory, by=request.user)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            return redirect("factories:closure")
    factory.refresh_from_db()
    return render(
        request,
        "factories/setup/closure.html",
        {"factory": factory, "form": form, "grace_days": closure.grace_days()},
    )


@writes_while_read_only
@role_required(OWNERS)
@require_POST
def closure_cancel(request):
    """Cancel the closure during the grace period (allowed while the factory is read-only)."""
    try:
        closure.factory_closure_cancel(factory=_factory(request), by=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The closure is cancelled; the factory can be written again."))
    return redirect("factories:closure")


@platform_operator_required
@require_POST
def console_closure(request, pk):
    """A platform operator closes a factory (read-only for the grace period, then erased)."""
    factory = get_object_or_404(Factory, pk=pk)
    try:
        factory = closure.factory_closure_request(factory=factory, by=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("The factory is read-only until %(date)s, then erased.")
            % {"date": factory.closing_grace_ends_on.isoformat()},
        )
    return redirect("platform:tenant", pk=pk)


console_closure.model = Factory


@platform_operator_required
@require_POST
def console_closure_cancel(request, pk):
    """A platform operator cancels a factory's closure during its grace period."""
    factory = get_object_or_404(Factory, pk=pk)
    try:
        closure.factory_closure_cancel(factory=factory, by=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The closure is cancelled."))
    return redirect("platform:tenant", pk=pk)


console_closure_cancel.model = Factory
