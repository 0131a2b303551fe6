"""Writes of the shared kernel: API tokens, memberships, the acting organization."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.acting import SESSION_KEY, memberships_of
from core.errors import DomainError, NotAllowed
from core.models import ApiToken, Membership, Organization, User
from core.roles import ROLES_BY_KIND, Role, default_role_for


@transaction.atomic
def api_token_create(
    *,
    organization: Organization,
    name: str,
    scope: str,
    by: User,
    role: str | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token; returns it and the plain key, which is shown once and never stored."""
    role = role or default_role_for(organization.kind)
    _check_role(organization, role)
    if scope not in ApiToken.Scope.values:
        raise DomainError(_("Unknown token scope."), errors={"scope": [_("Invalid.")]})
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError(
            _("The expiry must be in the future."), errors={"expires_at": [_("In the past.")]}
        )
    prefix, key = ApiToken.new_key()
    token = ApiToken.objects.create(
        organization=organization,
        name=name,
        prefix=prefix,
        key_hash=ApiToken.hash_key(key),
        scope=scope,
        role=role,
        expires_at=expires_at,
        created_by=by,
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    if token.revoked_at is not None:
        raise NotAllowed(_("This token is already revoked."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


def _check_role(organization: Organization, role: str) -> None:
    if role not in ROLES_BY_KIND[organization.kind]:
        raise DomainError(
            _("This role does not exist for this organization."), errors={"role": [_("Invalid.")]}
        )


def _check_an_owner_remains(membership: Membership) -> None:
    """A factory always keeps an active owner, or nobody could manage its people."""
    if membership.role != Role.FACTORY_OWNER:
        return
    others = Membership.objects.filter(
        organization=membership.organization, role=Role.FACTORY_OWNER, is_active=True
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise NotAllowed(_("The factory's last owner cannot be removed or changed."))


@transaction.atomic
def membership_add(*, organization: Organization, username: str, role: str) -> Membership:
    """Add an existing user (by username) to the organization with a role."""
    _check_role(organization, role)
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise DomainError(
            _("No user has this username."), errors={"username": [_("Unknown user.")]}
        )
    membership, _created = Membership.objects.update_or_create(
        user=user, organization=organization, defaults={"role": role, "is_active": True}
    )
    return membership


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    _check_role(membership.organization, role)
    if role != membership.role:
        _check_an_owner_remains(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_deactivate(*, membership: Membership) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        raise NotAllowed(_("This membership is already inactive."))
    _check_an_owner_remains(membership)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    return membership


def acting_organization_switch(*, request, organization_id: int) -> Membership:
    """Make the request's session act for another organization the user belongs to."""
    membership = memberships_of(request.user).filter(organization_id=organization_id).first()
    if membership is None:
        raise DomainError(_("You are not a member of this organization."), status_code=404)
    request.session[SESSION_KEY] = membership.organization_id
    return membership
