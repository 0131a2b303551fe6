"""The audit log page speaks the reader's language: model and field verbose names and choice
labels, never raw field names or stored values (issue 14)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from core.audit import acting_as, entry_changes
from core.models import AuditEntry, Membership
from core.roles import OrgKind, Role
from tests.audit_trail import entries_of
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_and_member():
    factory = OrganizationFactory(kind=OrgKind.FACTORY, code="f-audit")
    owner = UserFactory(username="owner")
    MembershipFactory(user=owner, organization=factory, role=Role.FACTORY_OWNER)
    member = MembershipFactory(
        user=UserFactory(username="li"), organization=factory, role=Role.WORKER
    )
    # When the owner makes the worker a warehouse clerk and deactivates nothing else
    with acting_as(user=owner, organization=factory):
        member.role = Role.WAREHOUSE_CLERK
        member.save()
    return owner, member


def test_an_entry_names_the_field_and_the_choices_in_chinese(owner_and_member):
    _owner, member = owner_and_member
    entry = entries_of(member).filter(action=AuditEntry.Action.UPDATE).get()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(_owner)

    html = client.get("/audit/").content.decode()

    assert entry.changes == {"role": ["worker", "warehouse_clerk"]}
    row = html[html.index(entry.object_repr) :]
    assert "角色:</span> 员工 → 仓管员" in row
    assert "warehouse_clerk" not in html and "role:" not in html


def test_an_entry_reads_in_english_for_an_english_reader(owner_and_member):
    _owner, member = owner_and_member
    entry = entries_of(member).filter(action=AuditEntry.Action.UPDATE).get()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(_owner)

    html = client.get("/audit/").content.decode()

    assert "Role:</span> Worker → Warehouse clerk" in html
    assert ">Changed<" in html
    assert entry_changes(entry) == [{"field": "Role", "old": "Worker", "new": "Warehouse clerk"}]


def test_a_yes_no_and_an_empty_value_are_words_and_a_dash():
    entry = AuditEntry(
        content_type=ContentType.objects.get_for_model(Membership),
        action=AuditEntry.Action.UPDATE,
        changes={"is_active": ["True", "False"], "gone_field": ["None", "x"]},
    )

    assert entry_changes(entry) == [
        {"field": "Active", "old": "yes", "new": "no"},
        {"field": "Gone_field", "old": "—", "new": "x"},
    ]
