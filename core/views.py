"""Thin HTML views of the shell: login, home, organization switch, profile, tokens, audit."""

from contextlib import suppress

from django.contrib import messages
from django.contrib.auth import login
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
from core.acting import SESSION_KEY
from core.audit import action_label, entry_changes, entry_subject
from core.errors import DomainError
from core.forms import (
    ApiTokenForm,
    InvitationAnswerForm,
    JoinForm,
    LanguageForm,
    LoginForm,
    MembershipAddForm,
    MembershipChangeForm,
    OrganizationSwitchForm,
    ProfileForm,
    apply_domain_error,
    errors_text,
    role_choices,
)
from core.home import home_cards_for
from core.models import ApiToken, AuditEntry, Invitation, Membership
from core.roles import MANAGERS, MERCHANTS, OWNERS, SUPPLIERS, OrgKind
from core.setup_checklist import checklist_for

TOKEN_ADMINS = OWNERS | MERCHANTS | SUPPLIERS


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        # A platform operator has no tenant home: their place is the console.
        if self.request.user.is_platform_operator:
            return reverse("platform:tenants")
        return super().get_default_redirect_url()


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


def invitation_link(request, invitation) -> str:
    """The absolute /join/<token>/ address of an invitation, to copy and send."""
    return request.build_absolute_uri(reverse("core:join", kwargs={"token": invitation.token}))


def platform_operator_required(view):
    """Allow a view only to platform operators (the console); anyone else gets 403."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_platform_operator:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@login_required
def home(request):
    """What needs the acting role now: each card a count from its owning app, linking to the
    list that shows those rows (core.home)."""
    organization = getattr(request, "organization", None)
    role = getattr(request, "role", None)
    cards = home_cards_for(organization=organization, role=role, user=request.user)
    # A factory not fully set up shows its owner and managers what is still missing.
    checklist = []
    if organization is not None and organization.kind == OrgKind.FACTORY and role in MANAGERS:
        checklist = checklist_for(organization, role)
        if all(item["done"] for item in checklist):
            checklist = []
    return render(request, "core/home.html", {"cards": cards, "checklist": checklist})


@login_required
@require_POST
def switch_organization(request):
    form = OrganizationSwitchForm(request.POST)
    membership = None
    if form.is_valid():
        with suppress(DomainError):  # not a member: answered below, as for a malformed id
            membership = services.acting_organization_switch(
                request=request, organization_id=form.cleaned_data["organization"]
            )
    if membership is None:
        messages.error(request, _("You are not a member of this organization."))
    else:
        messages.success(request, _("Now acting for %(org)s.") % {"org": membership.organization})
    return redirect("core:home")


@require_POST
def set_language(request):
    """Switch the language; a signed-in user keeps it as a profile setting."""
    form = LanguageForm(request.POST)
    form.is_valid()
    language = form.cleaned_data.get("language", "")
    if not translation.check_for_language(language):
        language = "zh-hans"
    if request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
    next_url = form.cleaned_data.get("next") or reverse("core:home")
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
            apply_domain_error(form, error)
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
    # Each entry in the reader's words: verbose names and choice labels, not raw internals.
    rows = [
        {
            "entry": entry,
            "action": action_label(entry),
            "subject": entry_subject(entry),
            "changes": entry_changes(entry),
        }
        for entry in entries
    ]
    return render(request, "core/audit.html", {"rows": rows})


def healthz(request):
    """Liveness and database readiness for load balancers and docker-compose."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@role_required(TOKEN_ADMINS)
def people(request):
    """The acting organization's members and invitations: invite by username, change a role,
    remove a member, withdraw an invitation."""
    form = MembershipAddForm(request.POST or None, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                organization=request.organization, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            # The same words whether or not the username exists.
            messages.success(request, _("Invitation sent: they join when they accept it."))
            return redirect("core:people")
    members = (
        Membership.objects.visible_to(request.organization)
        .select_related("user")
        .order_by("-is_active", "role", "user__username")
    )
    invitations = list(
        Invitation.objects.visible_to(request.organization)
        .filter(status=Invitation.Status.PENDING)
        .order_by("username")
    )
    for invitation in invitations:
        # The link to send: it lets a person without a login create one and join.
        invitation.join_url = invitation_link(request, invitation)
    return render(
        request,
        "core/people.html",
        {
            "members": members,
            "invitations": invitations,
            "roles": role_choices(request.organization),
            "form": form,
        },
    )


@role_required(TOKEN_ADMINS)
@require_POST
def invitation_revoke(request, pk):
    invitation = get_object_or_404(Invitation.objects.visible_to(request.organization), pk=pk)
    try:
        services.invitation_revoke(invitation=invitation, by=request.user)
        messages.success(request, _("Invitation withdrawn."))
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("core:people")


invitation_revoke.model = Invitation


@login_required
def invitations(request):
    """The invitations addressed to the signed-in person: accept or decline each."""
    form = InvitationAnswerForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, errors_text(form))
            return redirect("core:invitations")
        invitation = get_object_or_404(
            services.invitations_for(request.user), pk=form.cleaned_data["invitation"]
        )
        try:
            if form.cleaned_data["answer"] == "accept":
                membership = services.invitation_accept(invitation=invitation, user=request.user)
                messages.success(
                    request,
                    _("You joined %(org)s; switch to it in the menu.")
                    % {"org": membership.organization},
                )
            else:
                services.invitation_decline(invitation=invitation, user=request.user)
                messages.success(request, _("Invitation declined."))
        except DomainError as error:
            messages.error(request, str(error.message))
        return redirect("core:invitations")
    return render(
        request,
        "core/invitations.html",
        {"invitations": services.invitations_for(request.user).order_by("-created_at")},
    )


@login_required
@require_POST
def membership_leave(request):
    """The signed-in person leaves the acting organization (not its last owner)."""
    try:
        services.membership_leave(user=request.user, organization=request.organization)
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("core:home")
    with suppress(KeyError):
        del request.session[SESSION_KEY]
    messages.success(request, _("You left the organization."))
    return redirect("core:home")


@role_required(TOKEN_ADMINS)
@require_POST
def membership_change(request, pk):
    """One member's row: save its role or remove it; a refusal comes back as a message."""
    membership = get_object_or_404(Membership.objects.visible_to(request.organization), pk=pk)
    form = MembershipChangeForm(request.POST, organization=request.organization)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect("core:people")
    try:
        if form.cleaned_data["action"] == "deactivate":
            services.membership_deactivate(membership=membership)
        else:
            services.membership_change_role(membership=membership, role=form.cleaned_data["role"])
        messages.success(request, _("Saved."))
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("core:people")


membership_change.model = Membership


def join(request, token):
    """An invitation link, public: shows the organization and the role in the visitor's
    language. A brand-new person chooses a username (or their mobile number), a password and a
    language, and joins; a signed-in person accepts into their own login. An unknown token is a
    404 page; an expired, used or withdrawn one (or an inactive organization's) a 410 page."""
    invitation = services.invitation_by_token(token)
    if invitation is None:
        return render(request, "core/join_closed.html", {"reason": "missing"}, status=404)
    if not invitation.is_open or not invitation.organization.is_active:
        return render(
            request,
            "core/join_closed.html",
            {"reason": _join_closed_reason(invitation), "invitation": invitation},
            status=410,
        )
    if request.user.is_authenticated:
        return _join_signed_in(request, invitation)
    form = JoinForm(
        request.POST or None,
        invitation=invitation,
        initial={"language": translation.get_language() or "zh-hans"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.invitation_join(
                invitation=invitation,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                language=form.cleaned_data["language"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            user = membership.user
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[SESSION_KEY] = membership.organization_id
            translation.activate(user.language)
            messages.success(
                request, _("Welcome! You joined %(org)s.") % {"org": membership.organization}
            )
            response = redirect("core:home")
            response.set_cookie("django_language", user.language, samesite="Lax")
            return response
    return render(request, "core/join.html", {"invitation": invitation, "form": form})


join.model = Invitation


def _join_closed_reason(invitation) -> str:
    if not invitation.organization.is_active:
        return "inactive"
    if invitation.status == Invitation.Status.PENDING:
        return "expired"
    return invitation.status  # accepted, declined or revoked


def _join_signed_in(request, invitation):
    # A link naming another login is not this person's to take.
    mine = not invitation.username or invitation.username == request.user.username
    if request.method == "POST" and mine:
        try:
            membership = services.invitation_accept(invitation=invitation, user=request.user)
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            request.session[SESSION_KEY] = membership.organization_id
            messages.success(request, _("You joined %(org)s.") % {"org": membership.organization})
            return redirect("core:home")
    return render(request, "core/join.html", {"invitation": invitation, "mine": mine})
