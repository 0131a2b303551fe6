"""Which organization a request acts for, and in which role."""

from core.models import Membership

SESSION_KEY = "acting_organization_id"


def memberships_of(user):
    return (
        Membership.objects.filter(user=user, is_active=True, organization__is_active=True)
        .select_related("organization")
        .order_by("organization__name")
    )


def acting_membership(user, organization_id=None) -> Membership | None:
    """The membership the user acts through: the chosen one, else the first."""
    if user is None or not user.is_authenticated:
        return None
    memberships = memberships_of(user)
    if organization_id is not None:
        chosen = memberships.filter(organization_id=organization_id).first()
        if chosen is not None:
            return chosen
    return memberships.first()


def set_acting(request, *, organization=None, role=None, membership=None) -> None:
    """Attach the acting organization to the request (and the Django request under DRF's)."""
    targets = [request]
    inner = getattr(request, "_request", None)
    if inner is not None:
        targets.append(inner)
    for target in targets:
        target.organization = organization
        target.role = role
        target.membership = membership
