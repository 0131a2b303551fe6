"""The district report's workbook never carries a formula, whatever a factory is named."""

import pytest
from django.urls import reverse
from django.utils import timezone

from core.roles import OrgKind, Role
from tests.exports import ESCAPED, HOSTILE, assert_no_formula, text_values
from tests.factories import (
    DistrictFactory,
    FactoryDayFactory,
    FactoryFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_a_factory_named_like_a_formula_is_escaped_in_the_district_workbook(client):
    district = DistrictFactory(organization=OrganizationFactory(kind=OrgKind.DISTRICT))
    factory = FactoryFactory(
        organization__name=HOSTILE,
        district=district,
        shares_with_district=True,
        categories=["@knit"],
    )
    FactoryDayFactory(factory=factory, day=timezone.localdate(), finished=100)
    official = UserFactory()
    MembershipFactory(
        user=official, organization=district.organization, role=Role.DISTRICT_OFFICIAL
    )
    client.force_login(official)

    response = client.get(reverse("dashboards:district-xlsx"))

    assert_no_formula(response.content)
    texts = text_values(response.content)
    assert ESCAPED in texts
    assert "'@knit" in texts
    assert HOSTILE not in texts
