"""The shared kernel: organizations, people, memberships, API tokens, idempotency, audit."""

import hashlib
import secrets as token_secrets

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.crypto import EncryptedTextField
from core.roles import ROLES_BY_KIND, OrgKind, Role
from core.tenancy import TenantModel, TenantQuerySet


class Organization(TenantModel):
    """A party on the platform: a factory (the tenant), a merchant, a supplier or a district."""

    kind = models.CharField(_("kind"), max_length=16, choices=OrgKind.choices)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_for(cls, org) -> Q:
        # An organization sees itself; partners are reached through factories.Partnership.
        return Q(pk=org.pk)


class User(AbstractUser):
    """A person. Acts for one of the organizations it is a member of at a time."""

    class Language(models.TextChoices):
        ZH_HANS = "zh-hans", "简体中文"
        EN = "en", "English"

    # Personal: encrypted at rest (core.crypto, docs/privacy.md).
    phone = EncryptedTextField(_("phone"), blank=True, plain_max_length=40)
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, blank=True, default=""
    )
    # A person who runs the platform (provisions tenants in the console, /platform/), not a
    # role in any tenant: an operator is a member of no organization and sees no tenant's
    # business data, only tenants' names, status and member counts (docs/onboarding.md).
    is_platform_operator = models.BooleanField(_("platform operator"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Membership(TenantModel):
    """A user's role in an organization."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} · {self.get_role_display()}"

    def clean(self) -> None:
        if self.role not in ROLES_BY_KIND.get(self.organization.kind, ()):
            raise ValidationError({"role": _("This role does not exist for this organization.")})

    @classmethod
    def scope_for(cls, org) -> Q:
        return Q(organization=org)


def _invitation_token() -> str:
    return token_secrets.token_urlsafe(32)


class Invitation(TenantModel):
    """An invitation to join an organization with a role. Nothing is granted until the invited
    person accepts; they may decline, and it lapses at `expires_at`. It names the invited person
    by username whether or not such a user exists, so inviting answers the same for both; the
    `token` makes the link /join/<token>/, through which a brand-new person creates their login
    (with that username) and joins. Without a username it is an open link: whoever holds it
    chooses a username and joins (the console's first-owner invitation). `phone` and `email`
    record where the link was sent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Revoked")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    phone = EncryptedTextField(_("sent to phone"), blank=True, plain_max_length=40)
    email = models.EmailField(_("sent to email"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=_invitation_token)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "username"],
                condition=Q(status="pending") & ~Q(username=""),
                name="invitation_one_pending_per_username",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.username or '…'} → {self.organization} · {self.get_role_display()}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        """Still acceptable: pending and not expired."""
        return self.status == self.Status.PENDING and not self.is_expired

    @classmethod
    def scope_for(cls, org) -> Q:
        return Q(organization=org)


class ApiToken(TenantModel):
    """An integration's key for one organization. Only a hash of the key is stored."""

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices, default=Scope.READ)
    role = models.CharField(_("acts as role"), max_length=32, choices=Role.choices)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    KEY_PREFIX = "sl"

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def scope_for(cls, org) -> Q:
        return Q(organization=org)

    @staticmethod
    def hash_key(key: str) -> str:
        # Keys are 256-bit random strings, so a fast hash is as safe as a slow one here.
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def new_key(cls) -> tuple[str, str]:
        prefix = token_secrets.token_hex(4)
        return prefix, f"{cls.KEY_PREFIX}_{prefix}_{token_secrets.token_urlsafe(32)}"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class IdempotencyRecord(TenantModel):
    """The first response to a POST carrying an Idempotency-Key, replayed on retries."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=500)
    request_fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="idempotency_unique"),
        ]

    @classmethod
    def scope_for(cls, org) -> Q:
        return Q(organization=org)


class DocumentSeries(TenantModel):
    """The last number an organization took in one series of its documents (sales orders of a
    month, purchase orders of a day): one row per series, so that taking a number locks that row
    only, and two writers never take the same one (core.numbers)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    series = models.CharField(max_length=40)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("document series")
        verbose_name_plural = _("document series")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "series"], name="document_series_unique"
            ),
        ]

    @classmethod
    def scope_for(cls, org) -> Q:
        return Q(organization=org)


class AuditEntry(AbstractLogEntry, TenantModel):
    """django-auditlog's log entry, plus the organization the actor was acting for."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acting organization"),
    )
    via_token = models.CharField(_("via API token"), max_length=12, blank=True, default="")

    objects = LogEntryManager.from_queryset(TenantQuerySet)()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        swappable = "AUDITLOG_LOGENTRY_MODEL"

    @classmethod
    def scope_for(cls, org) -> Q:
        return Q(organization=org)


class TenantErasure(models.Model):
    """The report of a closed tenant's erasure, kept by the platform after every row of the
    tenant is gone: which tenant (its id and code, no foreign key: the row it named is deleted),
    when, and each table's rows before and after (all zeros after, or the erasure failed)."""

    tenant_id = models.BigIntegerField(_("tenant id"), db_index=True)
    tenant_code = models.CharField(_("tenant code"), max_length=40)
    erased_at = models.DateTimeField(_("erased at"), default=timezone.now)
    rows_before = models.JSONField(_("rows before"), default=dict)
    rows_after = models.JSONField(_("rows after"), default=dict)
    users_deleted = models.PositiveIntegerField(_("users deleted"), default=0)
    users_anonymised = models.PositiveIntegerField(_("users anonymised"), default=0)
    files_deleted = models.PositiveIntegerField(_("files deleted"), default=0)

    class Meta:
        verbose_name = _("tenant erasure")
        verbose_name_plural = _("tenant erasures")
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return f"{self.tenant_code} ({self.erased_at:%Y-%m-%d})"

    @property
    def verified(self) -> bool:
        return not any(self.rows_after.values())
