"""Thin HTML views of the shell: login, home, organization switch, profile, tokens, audit."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import services
from core.errors import DomainError
from core.forms import ApiTokenForm, LoginForm, ProfileForm
from core.models import ApiToken, AuditEntry, Membership
from core.navigation import navigation_for
from core.roles import MERCHANTS, OWNERS, ROLES_BY_KIND, SUPPLIERS, Role

TOKEN_ADMINS = OWNERS | MERCHANTS | SUPPLIERS


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def role_required(roles):
    """Allow a view only to the given roles of the acting organization (fails closed)."""

    def decorator(view):
        @login_required
        def wrapped(request, *args, **kwargs):
            if getattr(request, "role", None) not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorator


@login_required
def home(request):
    return render(request, "core/home.html", {"tiles": navigation_for(request.role)[1:]})


@login_required
@require_POST
def switch_organization(request):
    try:
        membership = services.acting_organization_switch(
            request=request, organization_id=int(request.POST.get("organization", 0))
        )
    except (DomainError, ValueError):
        messages.error(request, _("You are not a member of this organization."))
    else:
        messages.success(request, _("Now acting for %(org)s.") % {"org": membership.organization})
    return redirect("core:home")


@require_POST
def set_language(request):
    """Switch the language; a signed-in user keeps it as a profile setting."""
    language = request.POST.get("language", "")
    if not translation.check_for_language(language):
        language = "zh-hans"
    if request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
    next_url = request.POST.get("next") or reverse("core:home")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = reverse("core:home")
    response = HttpResponseRedirect(next_url)
    response.set_cookie("django_language", language, samesite="Lax")
    return response


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Profile saved."))
        return redirect("core:profile")
    return render(request, "core/profile.html", {"form": form})


@role_required(TOKEN_ADMINS)
def tokens(request):
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.api_token_create(
                organization=request.organization, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, str(error.message))
    tokens_list = ApiToken.objects.visible_to(request.organization)
    return render(
        request, "core/tokens.html", {"form": form, "tokens": tokens_list, "new_key": new_key}
    )


@role_required(TOKEN_ADMINS)
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken.objects.visible_to(request.organization), pk=pk)
    try:
        services.api_token_revoke(token=token, by=request.user)
        messages.success(request, _("Token revoked."))
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("core:tokens")


token_revoke.model = ApiToken


@role_required(TOKEN_ADMINS)
def audit(request):
    entries = (
        AuditEntry.objects.visible_to(request.organization)
        .select_related("actor", "content_type")
        .order_by("-timestamp")[:200]
    )
    return render(request, "core/audit.html", {"entries": entries})


def healthz(request):
    """Liveness and database readiness for load balancers and docker-compose."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@role_required(TOKEN_ADMINS)
def people(request):
    """The acting organization's members: add by username, change role, deactivate."""
    if request.method == "POST":
        try:
            services.membership_add(
                organization=request.organization,
                username=request.POST.get("username", "").strip(),
                role=request.POST.get("role", ""),
            )
            messages.success(request, _("Member added."))
        except DomainError as error:
            messages.error(request, str(error.message))
        return redirect("core:people")
    roles = [(role, Role(role).label) for role in sorted(ROLES_BY_KIND[request.organization.kind])]
    members = (
        Membership.objects.visible_to(request.organization)
        .select_related("user")
        .order_by("-is_active", "role", "user__username")
    )
    return render(request, "core/people.html", {"members": members, "roles": roles})


@role_required(TOKEN_ADMINS)
@require_POST
def membership_change(request, pk):
    membership = get_object_or_404(Membership.objects.visible_to(request.organization), pk=pk)
    try:
        if request.POST.get("action") == "deactivate":
            services.membership_deactivate(membership=membership)
        else:
            services.membership_change_role(
                membership=membership, role=request.POST.get("role", "")
            )
        messages.success(request, _("Saved."))
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("core:people")


membership_change.model = Membership
