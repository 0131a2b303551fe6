"""A worker's bank account at rest: encrypted in its column, searchable by keyed hash only, and
re-encrypted under a new key by `rotate_field_keys` (docs/privacy.md)."""

import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection

from core.crypto import decrypt, keyed_hash
from core.models import Invitation, User
from core.privacy import mask_account
from core.roles import Role
from core.services import invitation_create
from factories.models import Worker
from factories.selectors import workers_with_account
from tests.factories import FactoryFactory, UserFactory, WorkerFactory

ACCOUNT = "6217 0000 1234 5678"
OLD_KEY, NEW_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def stored(worker, column="bank_account") -> str:
    """The column's value as the database holds it, not as the model reads it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM factories_worker WHERE id = %s", [worker.pk])
        return cursor.fetchone()[0]


@pytest.fixture
def keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    settings.FIELD_HASH_KEY = "hash-key-for-tests"
    return settings


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("6217 0000 1234 5678", "****5678"),
        ("62170001", "****0001"),
        ("1234", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_an_account_shows_its_last_four_only(number, shown):
    assert mask_account(number) == shown


def test_the_stored_account_holds_no_plain_digits_and_decrypts(db, keys):
    # Given a worker saved with an account
    worker = WorkerFactory(bank_account=ACCOUNT)

    # Then the column holds a token that is not the number, and decrypts to it
    raw = stored(worker)
    assert "1234" not in raw and "6217" not in raw
    assert decrypt(raw) == ACCOUNT
    assert Worker.objects.get(pk=worker.pk).bank_account == ACCOUNT


def test_the_search_key_is_a_keyed_hash_not_the_number(db, keys):
    worker = WorkerFactory(bank_account=ACCOUNT)

    assert stored(worker, "bank_account_hash") == keyed_hash("6217000012345678")
    assert "5678" not in stored(worker, "bank_account_hash")


def test_a_worker_is_found_by_account_written_with_or_without_spaces(db, keys):
    worker = WorkerFactory(bank_account=ACCOUNT)
    WorkerFactory(line=worker.line, bank_account="6217 0000 9999 0000")

    found = workers_with_account(Worker.objects.all(), "6217000012345678")

    assert list(found) == [worker]


def test_no_number_finds_no_worker(db, keys):
    WorkerFactory(bank_account="")

    assert list(workers_with_account(Worker.objects.all(), "  ")) == []


def test_rotation_re_encrypts_under_the_new_key_and_the_old_key_can_go(db, keys):
    # Given an account encrypted under the old key
    worker = WorkerFactory(bank_account=ACCOUNT)
    before = stored(worker)

    # When the new key is put first and the rotation runs
    keys.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    out = io.StringIO()
    call_command("rotate_field_keys", "--batch-size", "1", stdout=out)

    # Then the value is a new token that the new key alone decrypts
    after = stored(worker)
    assert after != before
    assert Fernet(NEW_KEY.encode()).decrypt(after.encode()).decode() == ACCOUNT
    assert "factories.Worker.bank_account: 1 re-encrypted" in out.getvalue()
    # and once the old key is dropped, the worker still reads
    keys.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    assert Worker.objects.get(pk=worker.pk).bank_account == ACCOUNT


def test_a_second_rotation_re_encrypts_nothing(db, keys):
    worker = WorkerFactory(bank_account=ACCOUNT)
    keys.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    call_command("rotate_field_keys", stdout=io.StringIO())
    once = stored(worker)

    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out)

    assert stored(worker) == once
    assert "factories.Worker.bank_account: 0 re-encrypted" in out.getvalue()


def test_without_its_key_a_value_does_not_decrypt(db, keys):
    worker = WorkerFactory(bank_account=ACCOUNT)
    keys.FIELD_ENCRYPTION_KEYS = [NEW_KEY]

    with pytest.raises(InvalidToken):
        decrypt(stored(worker))


def test_a_change_of_account_is_audited_masked(db, keys):
    from core.models import AuditEntry

    worker = WorkerFactory(bank_account="")
    worker.bank_account = ACCOUNT
    worker.save()

    entry = AuditEntry.objects.filter(object_pk=str(worker.pk), action=1).get()
    assert entry.changes == {"bank_account": ["", "****5678"]}


def test_a_logins_and_an_invitations_phone_are_stored_encrypted(db, keys):
    # Given a worker's login and an invitation sent to a phone
    user = UserFactory(phone="13812345678")
    factory = FactoryFactory()
    invitation = invitation_create(
        organization=factory.organization, role=Role.WORKER, phone="13912345678"
    )

    # Then neither column holds the number, and both read back as it
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM core_user WHERE id = %s", [user.pk])
        user_raw = cursor.fetchone()[0]
        cursor.execute("SELECT phone FROM core_invitation WHERE id = %s", [invitation.pk])
        invitation_raw = cursor.fetchone()[0]
    assert "1234" not in user_raw and decrypt(user_raw) == "13812345678"
    assert "1234" not in invitation_raw and decrypt(invitation_raw) == "13912345678"
    assert User.objects.get(pk=user.pk).phone == "13812345678"
    assert Invitation.objects.get(pk=invitation.pk).phone == "13912345678"
