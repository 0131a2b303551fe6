"""The platform console (/platform/): platform operators list tenants, provision factories,
merchants, suppliers and districts, send a tenant's first owner an invitation link, and
deactivate or reactivate a tenant. It shows tenants' names, status and member counts only,
never a tenant's business data. It lives in factories/ because provisioning creates the
factory and district profiles (core imports no domain app)."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import apply_domain_error, errors_text
from core.models import Invitation, Organization
from core.roles import OWNER_ROLE_BY_KIND, OrgKind
from core.services import invitation_create, organization_set_active
from core.views import invitation_link, platform_operator_required
from factories.forms import OwnerInviteForm, TenantActiveForm, TenantProvisionForm
from factories.services import tenant_provision


def _tenants():
    return Organization.objects.annotate(
        member_count=Count("memberships", filter=Q(memberships__is_active=True), distinct=True)
    )


@platform_operator_required
def tenants(request):
    """Every tenant: code, name, kind, status, active members; filter by kind."""
    kind = request.GET.get("kind", "")
    rows = _tenants().order_by("kind", "code")
    if kind in OrgKind.values:
        rows = rows.filter(kind=kind)
    return render(
        request,
        "factories/console/tenants.html",
        {"tenants": rows, "kinds": OrgKind.choices, "kind": kind},
    )


@platform_operator_required
def tenant_new(request):
    form = TenantProvisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            provisioned = tenant_provision(by=request.user, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is ready. Send its first owner the invitation link below.")
                % {"name": provisioned.organization.name},
            )
            return redirect("platform:tenant", pk=provisioned.organization.pk)
    return render(request, "factories/console/tenant_new.html", {"form": form})


@platform_operator_required
def tenant(request, pk):
    """One tenant: its name, kind, status and member counts by role, and the open invitation
    links of its owner role (to copy and send)."""
    organization = get_object_or_404(_tenants(), pk=pk)
    owner_role = OWNER_ROLE_BY_KIND[organization.kind]
    invitations = list(
        Invitation.objects.filter(
            organization=organization, role=owner_role, status=Invitation.Status.PENDING
        ).order_by("-created_at")
    )
    for invitation in invitations:
        invitation.join_url = invitation_link(request, invitation)
    by_role = (
        organization.memberships.filter(is_active=True)
        .values("role")
        .annotate(count=Count("pk"))
        .order_by("role")
    )
    labels = dict(organization.memberships.model._meta.get_field("role").choices)
    return render(
        request,
        "factories/console/tenant.html",
        {
            "tenant": organization,
            "invitations": invitations,
            "members_by_role": [
                (labels.get(row["role"], row["role"]), row["count"]) for row in by_role
            ],
        },
    )


tenant.model = Organization


@platform_operator_required
@require_POST
def tenant_active(request, pk):
    """Deactivate or reactivate a tenant (audited)."""
    organization = get_object_or_404(Organization, pk=pk)
    form = TenantActiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect("platform:tenant", pk=organization.pk)
    active = form.cleaned_data["active"]
    try:
        organization_set_active(organization=organization, active=active, by=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        done = _("Reactivated.") if active else _("Deactivated: its members cannot act for it.")
        messages.success(request, done)
    return redirect("platform:tenant", pk=organization.pk)


tenant_active.model = Organization


@platform_operator_required
@require_POST
def tenant_invite_owner(request, pk):
    """A new invitation link for the tenant's owner role (e.g. the first one expired)."""
    organization = get_object_or_404(Organization, pk=pk)
    form = OwnerInviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect("platform:tenant", pk=organization.pk)
    try:
        invitation_create(
            organization=organization,
            role=OWNER_ROLE_BY_KIND[organization.kind],
            by=request.user,
            **form.cleaned_data,
        )
    except DomainError as error:
        details = [str(m) for values in error.errors.values() for m in values]
        messages.error(request, " ".join([str(error.message), *details]))
    else:
        messages.success(request, _("A new invitation link is ready below."))
    return redirect("platform:tenant", pk=organization.pk)


tenant_invite_owner.model = Organization
