"""Writes of the shared kernel: API tokens, memberships, the acting organization."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.acting import SESSION_KEY, memberships_of
from core.errors import DomainError, NotAllowed
from core.models import ApiToken, Invitation, Membership, Organization, User
from core.roles import OWNER_ROLE_BY_KIND, ROLES_BY_KIND, default_role_for


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


def _owner_role(organization: Organization) -> str:
    return OWNER_ROLE_BY_KIND[organization.kind]


def _check_an_owner_remains(membership: Membership) -> None:
    """An organization always keeps an active owner, or nobody could manage its people. The
    organization's row is locked first, so two owners leaving at once cannot both succeed."""
    organization = Organization.objects.select_for_update().get(pk=membership.organization_id)
    if membership.role != _owner_role(organization) or not membership.is_active:
        return
    others = Membership.objects.filter(
        organization=organization, role=membership.role, is_active=True
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise NotAllowed(
            _("An organization always keeps an owner: make someone else owner first."),
            code="last_owner",
        )


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
    """Remove a member (kept inactive, never deleted); the last owner cannot be removed."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        raise NotAllowed(_("This membership is already inactive."))
    _check_an_owner_remains(membership)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    return membership


@transaction.atomic
def membership_leave(*, user: User, organization: Organization) -> Membership:
    """`user` leaves `organization`; the last owner cannot leave."""
    membership = (
        Membership.objects.select_for_update()
        .filter(user=user, organization=organization, is_active=True)
        .first()
    )
    if membership is None:
        raise DomainError(_("You are not a member of this organization."), status_code=404)
    return membership_deactivate(membership=membership)


# --- invitations -------------------------------------------------------------------------------
INVITATION_DAYS = 14


@transaction.atomic
def invitation_create(
    *, organization: Organization, username: str, role: str, by: User | None = None
) -> Invitation:
    """Invite the person with `username` to join with `role`. Nothing is granted until they
    accept. The answer is the same whether or not such a user exists: the invitation names the
    username, and only its holder can accept it. Inviting again renews the pending invitation."""
    _check_role(organization, role)
    username = (username or "").strip()
    if not username:
        raise DomainError(_("Give a username."), errors={"username": [_("Required.")]})
    if Membership.objects.filter(
        organization=organization, user__username=username, is_active=True
    ).exists():
        # Only a member of this organization is named here, whom the inviter sees anyway.
        raise DomainError(
            _("This person is already a member."), errors={"username": [_("Already a member.")]}
        )
    expires_at = timezone.now() + timedelta(days=INVITATION_DAYS)
    invitation = (
        Invitation.objects.select_for_update()
        .filter(organization=organization, username=username, status=Invitation.Status.PENDING)
        .first()
    )
    if invitation is None:
        return Invitation.objects.create(
            organization=organization,
            username=username,
            role=role,
            invited_by=by,
            expires_at=expires_at,
        )
    invitation.role = role
    invitation.invited_by = by
    invitation.expires_at = expires_at
    invitation.save(update_fields=["role", "invited_by", "expires_at"])
    return invitation


def invitations_for(user: User):
    """The pending, unexpired invitations addressed to `user`."""
    return Invitation.objects.filter(
        username=user.username, status=Invitation.Status.PENDING, expires_at__gt=timezone.now()
    ).select_related("organization")


def _open_invitation(invitation: Invitation, user: User) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.username != user.username:
        raise DomainError(_("Not found."), code="not_found", status_code=404)
    if invitation.status != Invitation.Status.PENDING:
        raise NotAllowed(_("This invitation was already answered or withdrawn."))
    if invitation.is_expired:
        raise NotAllowed(
            _("This invitation has expired; ask for a new one."), code="invitation_expired"
        )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """The invited person accepts: they become a member with the invitation's role."""
    invitation = _open_invitation(invitation, user)
    membership, _created = Membership.objects.update_or_create(
        user=user,
        organization=invitation.organization,
        defaults={"role": invitation.role, "is_active": True},
    )
    invitation.status = Invitation.Status.ACCEPTED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return membership


@transaction.atomic
def invitation_decline(*, invitation: Invitation, user: User) -> Invitation:
    """The invited person declines: nothing is granted."""
    invitation = _open_invitation(invitation, user)
    invitation.status = Invitation.Status.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User | None = None) -> Invitation:
    """The organization withdraws a pending invitation."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise NotAllowed(_("This invitation was already answered or withdrawn."))
    invitation.status = Invitation.Status.REVOKED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


def acting_organization_switch(*, request, organization_id: int) -> Membership:
    """Make the request's session act for another organization the user belongs to."""
    membership = memberships_of(request.user).filter(organization_id=organization_id).first()
    if membership is None:
        raise DomainError(_("You are not a member of this organization."), status_code=404)
    request.session[SESSION_KEY] = membership.organization_id
    return membership
