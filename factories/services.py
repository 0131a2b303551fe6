"""Writes of factories/: provisioning tenants (with their factory or district profile),
partnerships between factories and their merchants and suppliers, and an operator's link to
their login."""

import zoneinfo
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, NotAllowed
from core.models import Invitation, Membership, Organization, User
from core.roles import OWNER_ROLE_BY_KIND, OrgKind, Role
from core.services import invitation_create, organization_create
from factories.models import District, Factory, Partnership, Worker

DEFAULT_TIME_ZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Provisioned:
    """A tenant just provisioned, and the invitation for its first owner (if one was sent)."""

    organization: Organization
    invitation: Invitation | None


@transaction.atomic
def tenant_provision(
    *,
    kind: str,
    code: str,
    name: str,
    contact_phone: str = "",
    district: District | None = None,
    time_zone: str = DEFAULT_TIME_ZONE,
    city: str = "",
    province: str = "",
    invite_owner: bool = True,
    owner_username: str = "",
    owner_phone: str = "",
    owner_email: str = "",
    by: User | None = None,
) -> Provisioned:
    """A new tenant: the organization (core), its profile (a factory's: district and time zone;
    a district's: city and province; merchants and suppliers have none), and, with
    `invite_owner`, an invitation for its first owner (the kind's owner role) as a link, named
    to `owner_username` or open when none is given. The platform console and the demo seed both
    provision through here. Refused, nothing written: any field error, all reported at once."""
    errors: dict[str, list] = {}
    time_zone = (time_zone or DEFAULT_TIME_ZONE).strip()
    if kind == OrgKind.FACTORY:
        if time_zone not in zoneinfo.available_timezones():
            errors["time_zone"] = [_("Unknown time zone, e.g. Asia/Shanghai.")]
        if district is not None and not district.organization.is_active:
            errors["district"] = [_("This district is not active.")]
    elif district is not None:
        errors["district"] = [_("Only a factory belongs to a district.")]
    organization = None
    try:
        organization = organization_create(
            kind=kind, code=code, name=name, contact_phone=contact_phone
        )
    except DomainError as error:
        errors = {**error.errors, **errors}
    if errors:
        raise DomainError(_("The tenant was not created."), errors=errors)
    if kind == OrgKind.FACTORY:
        Factory.objects.create(organization=organization, district=district, time_zone=time_zone)
    elif kind == OrgKind.DISTRICT:
        District.objects.create(
            organization=organization, city=(city or "").strip(), province=(province or "").strip()
        )
    invitation = None
    if invite_owner:
        try:
            invitation = invitation_create(
                organization=organization,
                role=OWNER_ROLE_BY_KIND[kind],
                username=owner_username,
                phone=owner_phone,
                email=owner_email,
                by=by,
            )
        except DomainError as error:
            # Raised out of this transaction: the organization and profile roll back too.
            raise DomainError(
                _("The tenant was not created."),
                errors={f"owner_{key}": value for key, value in error.errors.items()},
            ) from None
    return Provisioned(organization=organization, invitation=invitation)


PARTNER_KINDS = (OrgKind.MERCHANT, OrgKind.SUPPLIER)


@transaction.atomic
def partnership_invite(*, factory: Factory, partner_code: str, by: User) -> Partnership:
    """A factory invites a merchant or supplier (by its code) to work with it."""
    partner = Organization.objects.filter(code=partner_code, is_active=True).first()
    if partner is None or partner.kind not in PARTNER_KINDS:
        raise DomainError(
            _("No merchant or supplier has this code."),
            errors={"partner_code": [_("Unknown merchant or supplier.")]},
        )
    partnership = (
        Partnership.objects.select_for_update().filter(factory=factory, partner=partner).first()
    )
    if partnership is not None:
        if partnership.status in (Partnership.Status.INVITED, Partnership.Status.ACCEPTED):
            raise NotAllowed(_("This organization is already invited or a partner."))
        partnership.status = Partnership.Status.INVITED
        partnership.invited_by = by
        partnership.responded_by = None
        partnership.responded_at = None
        partnership.save()
        return partnership
    return Partnership.objects.create(
        factory=factory, partner=partner, invited_by=by, status=Partnership.Status.INVITED
    )


@transaction.atomic
def partnership_respond(*, partnership: Partnership, accept: bool, by: User) -> Partnership:
    """The invited merchant or supplier accepts or declines."""
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if partnership.status != Partnership.Status.INVITED:
        raise NotAllowed(_("Only an open invitation can be answered."))
    partnership.status = Partnership.Status.ACCEPTED if accept else Partnership.Status.DECLINED
    partnership.responded_by = by
    partnership.responded_at = timezone.now()
    partnership.save(update_fields=["status", "responded_by", "responded_at"])
    return partnership


@transaction.atomic
def partnership_end(*, partnership: Partnership, by: User) -> Partnership:
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if partnership.status == Partnership.Status.ENDED:
        raise NotAllowed(_("This partnership has already ended."))
    partnership.status = Partnership.Status.ENDED
    partnership.responded_by = by
    partnership.responded_at = timezone.now()
    partnership.save(update_fields=["status", "responded_by", "responded_at"])
    return partnership


def is_partner(*, factory_id: int, organization: Organization) -> bool:
    return Partnership.objects.filter(
        factory_id=factory_id, partner=organization, status=Partnership.Status.ACCEPTED
    ).exists()


def require_partner(*, factory_id: int, organization: Organization) -> None:
    """Only accepted partners may place orders with, or receive purchase orders from, a factory."""
    if not is_partner(factory_id=factory_id, organization=organization):
        raise DomainError(
            _("This organization is not a partner of the factory."),
            code="not_a_partner",
            errors={"factory": [_("Not a partner of this factory.")]},
        )


@transaction.atomic
def factory_cost_settings_update(
    *, factory: Factory, overhead_pct, machine_hour_rate, by: User | None
) -> Factory:
    """The owner sets the factory's costing figures: overhead % (on material and labour in a
    pre-cost) and the machine-hour rate (yuan per running hour, in actual costs). Refused,
    nothing written: a value that is not a number, negative or beyond its field's bounds."""
    values = {"overhead_pct": overhead_pct, "machine_hour_rate": machine_hour_rate}
    errors: dict[str, list] = {}
    for name, raw in values.items():
        field = Factory._meta.get_field(name)
        try:
            value = field.clean(raw, factory)
        except ValidationError as error:
            errors[name] = list(error.messages)
        else:
            values[name] = value
    if errors:
        raise DomainError(_("The cost settings are not valid."), errors=errors)
    locked = Factory.objects.select_for_update().get(pk=factory.pk)
    for name, value in values.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(values))
    return locked


@transaction.atomic
def worker_user_link(*, worker: Worker, user: User, by: User | None) -> Worker:
    """Link an operator's record to their login, so they see their own pieces and pay and scan
    under their own badge. The login must be an active worker member of the factory and linked
    to no other operator of it; an operator already linked to another login keeps it."""
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    if worker.user_id == user.pk:
        return worker
    errors = {}
    if worker.user_id is not None:
        errors["worker"] = [_("This operator is already linked to another login.")]
    if not Membership.objects.filter(
        user=user, organization_id=worker.factory_id, role=Role.WORKER, is_active=True
    ).exists():
        errors["user"] = [_("The login must be a worker of this factory.")]
    elif Worker.objects.filter(factory_id=worker.factory_id, user=user).exists():
        errors["user"] = [_("This login is already linked to another operator.")]
    if errors:
        raise DomainError(_("The login was not linked."), code="worker_link", errors=errors)
    worker.user = user
    worker.save(update_fields=["user"])
    return worker
