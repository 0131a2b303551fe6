"""Which organization a request acts for, and in which role."""

from core import rls
from core.models import Membership

SESSION_KEY = "acting_organization_id"


def memberships_of(user):
    return (
        Membership.objects.filter(user=user, is_active=True, organization__is_active=True)
        .select_related("organization")
        .order_by("organization__name")
    )


def acting_membership(memberships, organization_id=None) -> Membership | None:
    """The membership the user acts through: the chosen one, else the first."""
    chosen = [m for m in memberships if m.organization_id == organization_id]
    return (chosen or list(memberships) or [None])[0]


def set_acting(request, *, organization=None, role=None, membership=None) -> None:
    """Attach the acting organization to the request (and the Django request under DRF's), and
    switch the request's row-level-security scope to it (core.rls)."""
    rls.act_for(organization)
    targets = [request]
    inner = getattr(request, "_request", None)
    if inner is not None:
        targets.append(inner)
    for target in targets:
        target.organization = organization
        target.role = role
        target.membership = membership
