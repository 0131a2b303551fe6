"""Writes of the shared kernel: API tokens, memberships, the acting organization."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, NotAllowed
from core.models import ApiToken, Membership, Organization, User
from core.roles import ROLES_BY_KIND, default_role_for


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
    if role not in ROLES_BY_KIND[organization.kind]:
        raise DomainError(
            _("This role does not exist for this organization."), errors={"role": [_("Invalid.")]}
        )
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


@transaction.atomic
def membership_add(*, organization: Organization, user: User, role: str) -> Membership:
    if role not in ROLES_BY_KIND[organization.kind]:
        raise DomainError(
            _("This role does not exist for this organization."), errors={"role": [_("Invalid.")]}
        )
    membership, _created = Membership.objects.update_or_create(
        user=user, organization=organization, defaults={"role": role, "is_active": True}
    )
    return membership


def acting_organization_switch(*, request, organization_id: int) -> Membership:
    """Make the request's session act for another organization the user belongs to."""
    from core.acting import SESSION_KEY, memberships_of

    membership = memberships_of(request.user).filter(organization_id=organization_id).first()
    if membership is None:
        raise DomainError(_("You are not a member of this organization."), status_code=404)
    request.session[SESSION_KEY] = membership.organization_id
    return membership
