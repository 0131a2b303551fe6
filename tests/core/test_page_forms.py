"""The form kit of the HTML pages: field errors next to their field, model choices scoped to the
acting organization, a service's refusal put back onto the form."""

import pytest
from django import forms
from django.test import Client

from core.errors import DomainError
from core.forms import PageForm, apply_domain_error
from core.models import Membership
from core.roles import OrgKind, Role
from factories.models import SewingLine
from tests.factories import (
    FactoryFactory,
    MembershipFactory,
    OrganizationFactory,
    SewingLineFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


class LineForm(PageForm):
    line = forms.ModelChoiceField(queryset=SewingLine.objects.all())
    quantity = forms.IntegerField(min_value=1)


@pytest.fixture
def two_factories():
    alpha = FactoryFactory(organization=OrganizationFactory(kind=OrgKind.FACTORY, code="alpha"))
    bravo = FactoryFactory(organization=OrganizationFactory(kind=OrgKind.FACTORY, code="bravo"))
    return alpha, bravo


def test_another_tenants_object_is_not_a_valid_choice(two_factories):
    alpha, bravo = two_factories
    bravo_line = SewingLineFactory(factory=bravo, code="B1")
    form = LineForm({"line": bravo_line.pk, "quantity": 3}, organization=alpha.organization)
    assert not form.is_valid()
    assert list(form.errors) == ["line"]


def test_a_form_without_an_organization_offers_no_model_choices(two_factories):
    alpha, _bravo = two_factories
    line = SewingLineFactory(factory=alpha, code="A1")
    form = LineForm({"line": line.pk, "quantity": 3})
    assert list(form.fields["line"].queryset) == []
    assert not form.is_valid()


def test_a_field_with_errors_is_marked_invalid_and_keeps_its_class(two_factories):
    alpha, _bravo = two_factories
    form = LineForm({"quantity": "0"}, organization=alpha.organization)
    form.is_valid()
    html = form["quantity"].as_field_group()
    assert 'class="form-control is-invalid"' in html
    assert '<div class="invalid-feedback">' in html
    assert "is-invalid" not in str(LineForm(organization=alpha.organization)["quantity"])


def test_a_domain_error_lands_on_its_fields_and_the_rest_above_the_form(two_factories):
    alpha, _bravo = two_factories
    form = LineForm({"quantity": "3"}, organization=alpha.organization)
    form.is_valid()
    error = DomainError(
        "Not enough.", errors={"qty": ["Too many."], "row 2": ["Bad."], "__all__": ["Whole."]}
    )
    apply_domain_error(form, error, fields={"qty": "quantity"})
    assert form.errors["quantity"] == ["Too many."]
    assert form.top_errors == ["Not enough.", "row 2: Bad.", "Whole."]


def test_a_bad_role_is_a_field_error_on_the_people_page_and_adds_nobody(two_factories):
    alpha, _bravo = two_factories
    owner = MembershipFactory(
        user=UserFactory(username="boss"), organization=alpha.organization, role=Role.FACTORY_OWNER
    )
    UserFactory(username="li")
    client = Client()
    client.force_login(owner.user)
    response = client.post("/people/", {"username": "li", "role": "merchant_buyer"})
    assert response.status_code == 200
    assert response.context["form"].errors["role"]
    assert 'name="username" value="li"' in response.content.decode()
    assert not Membership.objects.filter(user__username="li").exists()


def test_a_member_username_comes_back_next_to_the_username(two_factories):
    alpha, _bravo = two_factories
    owner = MembershipFactory(
        user=UserFactory(username="boss"), organization=alpha.organization, role=Role.FACTORY_OWNER
    )
    client = Client()
    client.force_login(owner.user)
    response = client.post("/people/", {"username": "boss", "role": "planner"})
    assert response.context["form"].errors["username"] == ["Already a member."]
    assert Membership.objects.filter(organization=alpha.organization).count() == 1


def test_a_message_that_a_field_already_says_is_not_repeated_above(two_factories):
    alpha, _bravo = two_factories
    form = LineForm({"quantity": "3"}, organization=alpha.organization)
    form.is_valid()
    apply_domain_error(form, DomainError("Too many.", errors={"quantity": ["Too many."]}))
    assert (form.errors["quantity"], form.top_errors) == (["Too many."], [])
