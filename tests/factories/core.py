import factory as fb

from core.models import Membership, Organization, User
from core.roles import OrgKind

__all__ = ["OrganizationFactory", "UserFactory", "MembershipFactory"]


class OrganizationFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("code",)

    kind = OrgKind.FACTORY
    code = fb.Sequence(lambda n: f"org-{n}")
    name = fb.Sequence(lambda n: f"Organization {n}")


class UserFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = fb.Sequence(lambda n: f"user{n}")
    password = fb.django.Password("pw-Seamline-1")


class MembershipFactory(fb.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = fb.SubFactory(UserFactory)
    organization = fb.SubFactory(OrganizationFactory)
    role = "factory_owner"
