"""Writes of the shared kernel: organizations, platform operators, API tokens, memberships,
invitations (by username and by link), the acting organization."""

import re
from datetime import datetime, timedelta

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.acting import SESSION_KEY, memberships_of
from core.errors import DomainError, NotAllowed
from core.models import ApiToken, Invitation, Membership, Organization, User
from core.roles import OWNER_ROLE_BY_KIND, ROLES_BY_KIND, OrgKind, default_role_for

# A mainland China mobile number: 11 digits starting 13-19 (after an optional +86 / 86).
CHINA_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_PHONE_LIKE = re.compile(r"^\+?[\d\s-]+$")


def china_mobile_normalize(value: str) -> str | None:
    """The 11-digit mobile number `value` spells (spaces, dashes and +86 allowed), or None when
    it is not phone-like at all. A phone-like value that is not a mobile number raises."""
    value = (value or "").strip()
    if not _PHONE_LIKE.match(value):
        return None
    digits = re.sub(r"[\s-]", "", value).removeprefix("+")
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if not CHINA_MOBILE.match(digits):
        raise ValidationError(
            _("Enter an 11-digit mainland China mobile number, e.g. 13812345678.")
        )
    return digits


def username_normalize(value: str) -> str:
    """A login name as stored: a mainland China mobile number (its 11 digits) or a username of
    letters, digits and @ . + - _. Raises ValidationError with a message in the request's
    language."""
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("Choose a username or give your mobile number."))
    mobile = china_mobile_normalize(value)
    if mobile is not None:
        return mobile
    if len(value) > 150:
        raise ValidationError(_("At most 150 characters."))
    UnicodeUsernameValidator(
        message=_(
            "A username may contain only letters, digits and @ . + - _ (or give a mobile number)."
        )
    )(value)
    return value


# --- organizations and platform operators -------------------------------------------------------


@transaction.atomic
def organization_create(
    *, kind: str, code: str, name: str, contact_phone: str = ""
) -> Organization:
    """A new organization of `kind`. Its profile (a factory's, a district's) is the factories
    app's: provision tenants through factories.services.tenant_provision."""
    errors: dict[str, list] = {}
    code = (code or "").strip().lower()
    name = (name or "").strip()
    contact_phone = (contact_phone or "").strip()
    if kind not in OrgKind.values:
        errors["kind"] = [_("Choose a kind of organization.")]
    try:
        validate_slug(code)
    except ValidationError:
        errors["code"] = [_("Use lower-case letters, digits and dashes, e.g. zz-lusong.")]
    else:
        if Organization.objects.filter(code=code).exists():
            errors["code"] = [_("An organization with this code already exists.")]
    if len(code) > 40:
        errors["code"] = [_("At most 40 characters.")]
    if not name:
        errors["name"] = [_("Required.")]
    elif len(name) > 200:
        errors["name"] = [_("At most 200 characters.")]
    if len(contact_phone) > 40:
        errors["contact_phone"] = [_("At most 40 characters.")]
    if errors:
        raise DomainError(_("The organization was not created."), errors=errors)
    return Organization.objects.create(kind=kind, code=code, name=name, contact_phone=contact_phone)


@transaction.atomic
def organization_set_active(*, organization: Organization, active: bool, by: User) -> Organization:
    """A platform operator deactivates a tenant (its members can no longer act for it, its
    invitation links stop working) or reactivates it. Audited (django-auditlog records the
    change with the operator as actor)."""
    organization = Organization.objects.select_for_update(no_key=True).get(pk=organization.pk)
    if organization.is_active == active:
        raise NotAllowed(
            _("This organization is already active.")
            if active
            else _("This organization is already inactive.")
        )
    organization.is_active = active
    organization.save(update_fields=["is_active"])
    return organization


@transaction.atomic
def platform_operator_create(*, username: str, password: str | None = None) -> User:
    """Make `username` a platform operator, creating the login when it does not exist (then a
    password is required). An operator is a member of no organization: a login that is one is
    refused, so an operator never sees a tenant's business data."""
    try:
        username = username_normalize(username)
    except ValidationError as error:
        raise DomainError(_("Not a valid username."), errors={"username": error.messages}) from None
    user = User.objects.select_for_update(no_key=True).filter(username=username).first()
    if user is not None and user.memberships.filter(is_active=True).exists():
        raise DomainError(
            _("This login is a member of an organization; an operator needs a login of its own."),
            errors={"username": [_("A member of an organization.")]},
        )
    if user is None:
        if not password:
            raise DomainError(
                _("A new login needs a password."), errors={"password": [_("Required.")]}
            )
        user = User(username=username)
    if password:
        try:
            validate_password(password, user=user)
        except ValidationError as error:
            raise DomainError(
                _("The password is too weak."), errors={"password": error.messages}
            ) from None
        user.set_password(password)
    user.is_platform_operator = True
    user.is_active = True
    user.save()
    return user


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
    organization = Organization.objects.select_for_update(no_key=True).get(
        pk=membership.organization_id
    )
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
    membership = Membership.objects.select_for_update(no_key=True).get(pk=membership.pk)
    _check_role(membership.organization, role)
    if role != membership.role:
        _check_an_owner_remains(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_deactivate(*, membership: Membership) -> Membership:
    """Remove a member (kept inactive, never deleted); the last owner cannot be removed."""
    membership = Membership.objects.select_for_update(no_key=True).get(pk=membership.pk)
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
        Membership.objects.select_for_update(no_key=True)
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
    *,
    organization: Organization,
    role: str,
    username: str = "",
    phone: str = "",
    email: str = "",
    by: User | None = None,
) -> Invitation:
    """Invite the person with `username` to join with `role`. Nothing is granted until they
    accept (signed in, or through the link /join/<token>/, which creates their login when they
    have none). The answer is the same whether or not such a user exists: the invitation names
    the username, and only its holder can accept it. Inviting again renews the pending
    invitation. Without `username` it is an open link: whoever holds it joins (a tenant's first
    owner). `phone` / `email` record where the link is sent. The People page, the API and the
    platform console all invite through here."""
    _check_role(organization, role)
    errors: dict[str, list] = {}
    username = (username or "").strip()
    phone = (phone or "").strip()
    email = (email or "").strip()
    if username:
        try:
            username = username_normalize(username)
        except ValidationError as error:
            errors["username"] = error.messages
    if phone:
        try:
            phone = china_mobile_normalize(phone) or ""
            if not phone:
                raise ValidationError(_("Enter an 11-digit mainland China mobile number."))
        except ValidationError as error:
            errors["phone"] = error.messages
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Enter a valid email address.")]
    if errors:
        raise DomainError(_("The invitation was not sent."), errors=errors)
    if not organization.is_active:
        raise NotAllowed(_("This organization is not active."))
    expires_at = timezone.now() + timedelta(days=INVITATION_DAYS)
    if not username:
        return Invitation.objects.create(
            organization=organization,
            role=role,
            phone=phone,
            email=email,
            invited_by=by,
            expires_at=expires_at,
        )
    if Membership.objects.filter(
        organization=organization, user__username=username, is_active=True
    ).exists():
        # Only a member of this organization is named here, whom the inviter sees anyway.
        raise DomainError(
            _("This person is already a member."), errors={"username": [_("Already a member.")]}
        )
    invitation = (
        Invitation.objects.select_for_update(no_key=True)
        .filter(organization=organization, username=username, status=Invitation.Status.PENDING)
        .first()
    )
    if invitation is None:
        return Invitation.objects.create(
            organization=organization,
            username=username,
            role=role,
            phone=phone,
            email=email,
            invited_by=by,
            expires_at=expires_at,
        )
    invitation.role = role
    invitation.invited_by = by
    invitation.expires_at = expires_at
    invitation.phone = phone or invitation.phone
    invitation.email = email or invitation.email
    invitation.save(update_fields=["role", "invited_by", "expires_at", "phone", "email"])
    return invitation


def invitations_for(user: User):
    """The pending, unexpired invitations addressed to `user`."""
    return Invitation.objects.filter(
        username=user.username, status=Invitation.Status.PENDING, expires_at__gt=timezone.now()
    ).select_related("organization")


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation a link carries, in any state (the join page explains a closed one).
    Looked up across tenants on purpose: the 256-bit token is the capability, handed to the
    invited person by the inviter."""
    if not token or len(token) > 64:
        return None
    return Invitation.objects.select_related("organization").filter(token=token).first()


def _check_open(invitation: Invitation) -> None:
    if invitation.status != Invitation.Status.PENDING:
        raise NotAllowed(
            _("This invitation was already answered or withdrawn."), code="invitation_closed"
        )
    if invitation.is_expired:
        raise NotAllowed(
            _("This invitation has expired; ask for a new one."), code="invitation_expired"
        )
    if not invitation.organization.is_active:
        raise NotAllowed(_("This organization is not active."), code="invitation_closed")


def _open_invitation(invitation: Invitation, user: User) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update(no_key=True)
        .select_related("organization")
        .get(pk=invitation.pk)
    )
    # An open link (no username) is for whoever holds it; a named one only for that login.
    if invitation.username and invitation.username != user.username:
        raise DomainError(_("Not found."), code="not_found", status_code=404)
    _check_open(invitation)
    if user.is_platform_operator:
        raise NotAllowed(
            _("A platform operator's login cannot join an organization; use a personal login."),
            code="operator_cannot_join",
        )
    return invitation


def _grant(invitation: Invitation, user: User) -> Membership:
    membership, _created = Membership.objects.update_or_create(
        user=user,
        organization=invitation.organization,
        defaults={"role": invitation.role, "is_active": True},
    )
    invitation.status = Invitation.Status.ACCEPTED
    invitation.responded_at = timezone.now()
    if not invitation.username:
        invitation.username = user.username  # who answered the open link
    invitation.save(update_fields=["status", "responded_at", "username"])
    return membership


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """The invited person accepts: they become a member with the invitation's role."""
    invitation = _open_invitation(invitation, user)
    return _grant(invitation, user)


@transaction.atomic
def invitation_join(
    *, invitation: Invitation, username: str, password: str, language: str
) -> Membership:
    """A brand-new person accepts through the link: their login is created (the invitation's
    username, or for an open link the one they choose: a mainland mobile number or a username)
    with `password` and `language`, and they become a member, all in one transaction. Refused,
    nothing written: a closed invitation, a username taken (sign in and accept instead), a weak
    password, an unknown language."""
    invitation = (
        Invitation.objects.select_for_update(no_key=True)
        .select_related("organization")
        .get(pk=invitation.pk)
    )
    _check_open(invitation)
    errors: dict[str, list] = {}
    chosen = (username or "").strip()
    try:
        chosen = username_normalize(invitation.username or chosen)
    except ValidationError as error:
        errors["username"] = error.messages
    else:
        if User.objects.filter(username__iexact=chosen).exists():
            errors["username"] = [_("This username is taken: sign in to accept with it.")]
    if language not in User.Language.values:
        errors["language"] = [_("Choose a language.")]
    candidate = User(username=chosen)
    try:
        validate_password(password or "", user=candidate)
    except ValidationError as error:
        errors["password"] = error.messages
    if errors:
        raise DomainError(_("Your login was not created."), errors=errors)
    user = User(
        username=chosen,
        language=language,
        phone=chosen if CHINA_MOBILE.match(chosen) else "",
    )
    user.set_password(password)
    user.save()
    return _grant(invitation, user)


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
    invitation = Invitation.objects.select_for_update(no_key=True).get(pk=invitation.pk)
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
