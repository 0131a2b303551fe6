"""Request middleware of factories/: a factory's pages keep its clock."""

from django.utils import timezone

from core.roles import OrgKind
from factories.clock import factory_zone


class FactoryTimeZoneMiddleware:
    """While a user acts for a factory, its pages show times and read the date-times typed into
    forms in the factory's zone, not the server's: 08:00 on a clock-in form of a factory in Ho
    Chi Minh City is 08:00 there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        organization = getattr(request, "organization", None)
        factory = None
        if organization is not None and organization.kind == OrgKind.FACTORY:
            factory = getattr(organization, "factory", None)
        if factory is None:
            return self.get_response(request)
        timezone.activate(factory_zone(factory))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
