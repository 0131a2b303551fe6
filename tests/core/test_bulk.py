"""core.bulk: rows and COPY text lines go in as the ORM would write them, on either database."""

import datetime as dt
from zoneinfo import ZoneInfo

import psycopg
import pytest
from django.db import transaction

from core.bulk import escape_copy_text, insert_lines, insert_rows
from core.models import ApiToken, IdempotencyRecord, Organization
from tests.factories import OrganizationFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
EXPIRES = dt.datetime(2026, 3, 1, 8, 30, tzinfo=SHANGHAI)
TOKEN_FIELDS = [
    "organization_id",
    "name",
    "prefix",
    "key_hash",
    "role",
    "expires_at",
    "created_by_id",
]


@pytest.fixture
def owner(db):
    return OrganizationFactory(), UserFactory()


def test_rows_get_their_defaults_and_keep_aware_datetimes_comparable(owner):
    org, user = owner

    count = insert_rows(
        ApiToken,
        TOKEN_FIELDS,
        [(org.pk, "店铺", "p1", "h1", "planner", EXPIRES, user.pk)],
    )

    token = ApiToken.objects.get()
    assert count == 1
    assert (token.name, token.scope, token.revoked_at) == ("店铺", "read", None)
    assert token.expires_at == EXPIRES
    assert token.created_at is not None
    assert ApiToken.objects.filter(expires_at__lt=EXPIRES + dt.timedelta(minutes=1)).count() == 1
    assert ApiToken.objects.filter(expires_at__lt=EXPIRES).count() == 0


def test_json_values_go_in_as_json(owner):
    org, _user = owner

    insert_rows(
        IdempotencyRecord,
        ["organization_id", "key", "method", "path", "request_fingerprint", "response_body"],
        [(org.pk, "k-1", "POST", "/api/v1/orders/", "f" * 64, {"单号": "A-1", "行": [1, 2]})],
    )

    assert IdempotencyRecord.objects.get().response_body == {"单号": "A-1", "行": [1, 2]}


def test_copy_text_lines_round_trip_nulls_escapes_and_booleans(owner):
    org, user = owner
    awkward = "a\tb\\c\nd 工厂·一"
    lines = [
        f"{org.pk}\t{escape_copy_text(awkward)}\tp1\th1\tplanner\t{EXPIRES.isoformat()}\t{user.pk}",
        f"{org.pk}\tplain\tp2\th2\tplanner\t\\N\t{user.pk}",
    ]

    count = insert_lines(ApiToken, TOKEN_FIELDS, iter(lines))

    tokens = list(ApiToken.objects.order_by("prefix").values_list("name", "expires_at", "scope"))
    assert count == 2
    assert tokens == [(awkward, EXPIRES, "read"), ("plain", None, "read")]


def test_booleans_as_copy_text(db):
    insert_lines(Organization, ["kind", "code", "name", "is_active"], ["factory\tz1\t一厂\tf"])

    assert Organization.objects.values_list("code", "is_active").get() == ("z1", False)


def test_a_line_with_a_missing_value_writes_nothing(owner):
    org, user = owner
    good = f"{org.pk}\tok\tp1\th1\tplanner\t\\N\t{user.pk}"
    short = f"{org.pk}\tshort\tp2\th2\tplanner\t{user.pk}"

    with pytest.raises((ValueError, psycopg.Error)), transaction.atomic():
        insert_lines(ApiToken, TOKEN_FIELDS, [good, short])

    assert ApiToken.objects.count() == 0


def test_json_defaults_of_copy_text_lines_go_in_as_json(db):
    # A factory's categories and working weekdays are JSON with defaults, not given in the line
    from factories.models import Factory

    org = OrganizationFactory(kind="factory")

    insert_lines(Factory, ["organization_id", "headcount"], [f"{org.pk}\t120"])

    factory = Factory.objects.get(pk=org.pk)
    default = Factory._meta.get_field("working_weekdays").get_default()
    assert (factory.headcount, factory.working_weekdays) == (120, default)
    assert factory.categories == Factory._meta.get_field("categories").get_default()
