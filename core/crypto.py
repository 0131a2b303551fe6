"""Encryption at rest of personal fields, and their keyed search hash: the one owner.

- `EncryptedTextField` stores a value as a Fernet token (AES-128-CBC + HMAC-SHA256, from the
  `cryptography` package) and hands the plain text back on read. The keys are a list
  (settings.FIELD_ENCRYPTION_KEYS): the first encrypts, every one decrypts (MultiFernet), so a
  new key is put first, `manage.py rotate_field_keys` re-encrypts every stored value under it,
  and the old key can then be dropped.
- `KeyedHashField` stores HMAC-SHA256(FIELD_HASH_KEY, normalised value) of another field of the
  same row, so a value can be searched by equality without the plain value in any column.

The keys never live in the database. In production they come from the environment
(config/settings_production.py refuses to start without them); the embedded default (`make
demo`, the tests) writes a key file under var/ on first use. docs/privacy.md.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.db.models.functions import Cast

from core import rls


class Ciphertext(str):
    """A value that is already a token (the rotation writes these): stored as it is."""


def _key_file() -> dict:
    return _key_file_at(str(settings.FIELD_KEY_FILE))


@functools.cache
def _key_file_at(name: str) -> dict:
    """The embedded default's keys, created (once, atomically) in var/ on first use; read once
    per process."""
    path = Path(name)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        keys = {
            "encryption": [Fernet.generate_key().decode()],
            "hash": Fernet.generate_key().decode(),
        }
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process wrote it first: use theirs
            pass
        else:
            with os.fdopen(descriptor, "w") as handle:
                json.dump(keys, handle)
    return json.loads(path.read_text())


def encryption_keys() -> list[str]:
    """The field keys, newest first: the settings' list, else the embedded key file's."""
    keys = [key for key in settings.FIELD_ENCRYPTION_KEYS if key]
    return keys or _key_file()["encryption"]


def hash_key() -> bytes:
    key = settings.FIELD_HASH_KEY or _key_file()["hash"]
    return key.encode()


@functools.cache
def _fernets(keys: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    try:
        fernets = [Fernet(key) for key in keys]
    except ValueError as error:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a key that is not a Fernet key "
            "(32 url-safe base64-encoded bytes)."
        ) from error
    return MultiFernet(fernets), fernets[0]


def _cipher() -> MultiFernet:
    return _fernets(tuple(encryption_keys()))[0]


def encrypt(text: str) -> str:
    return _cipher().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    """The plain text of a token made with any of the keys; InvalidToken if none made it."""
    return _cipher().decrypt(token.encode()).decode()


def is_under_newest_key(token: str) -> bool:
    try:
        _fernets(tuple(encryption_keys()))[1].decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def rotate(token: str) -> str:
    """The same value under the newest key (MultiFernet.rotate keeps its timestamp)."""
    return _cipher().rotate(token.encode()).decode()


def normalised(text: str | None) -> str:
    """What is hashed: the value without spaces ("6217 0000 1234" and "62170000 1234" match)."""
    return "".join((text or "").split())


def keyed_hash(text: str | None) -> str:
    """HMAC-SHA256 of the normalised value under the hash key, hex; "" for no value."""
    value = normalised(text)
    if not value:
        return ""
    return hmac.new(hash_key(), value.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text stored encrypted; reads give the plain text, writes store a new token.

    `plain_max_length` limits the plain value (forms and full_clean). The stored token cannot
    be searched or ordered: search by a `KeyedHashField` next to it. "" is stored as "" (no
    value is not secret)."""

    def __init__(self, *args, plain_max_length: int | None = None, **kwargs):
        self.plain_max_length = plain_max_length
        super().__init__(*args, **kwargs)
        if plain_max_length:
            self.validators.append(MaxLengthValidator(plain_max_length))

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.plain_max_length:
            kwargs["plain_max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value or isinstance(value, Ciphertext):
            return value
        return encrypt(value)

    def formfield(self, **kwargs):
        # A one-line input, as the plain CharField it replaces had.
        return models.Field.formfield(
            self, **{"form_class": forms.CharField, "max_length": self.plain_max_length, **kwargs}
        )


class KeyedHashField(models.CharField):
    """HMAC-SHA256 of the field `source` of the same row, set on every save from its value."""

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key in ("max_length", "blank", "editable", "default"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = keyed_hash(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def encrypted_fields() -> list[tuple[type[models.Model], str]]:
    """Every (model, field name) stored encrypted, for the key rotation."""
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]


def field_keys_rotate(*, batch_size: int = 500) -> dict[str, int]:
    """Re-encrypt every stored encrypted value that is not under the newest key yet, in batches
    of `batch_size` rows, each batch in its own transaction. Idempotent: a second run finds
    nothing to do. Returns {"app.Model.field": values re-encrypted}. Runs for the platform
    (every tenant's rows): a command's job, never a request's."""
    rotated: dict[str, int] = {}
    with rls.platform():
        for model, name in encrypted_fields():
            label = f"{model._meta.label}.{name}"
            rotated[label] = 0
            # The raw tokens (Cast skips the field's decryption), in primary-key order.
            tokens = (
                model._base_manager.exclude(**{name: ""})
                .annotate(stored_token=Cast(name, models.TextField()))
                .values_list("pk", "stored_token")
                .order_by("pk")
            )
            last = None
            while True:
                page = tokens if last is None else tokens.filter(pk__gt=last)
                rows = list(page[:batch_size])
                if not rows:
                    break
                with transaction.atomic():
                    for pk, token in rows:
                        if token and not is_under_newest_key(token):
                            model._base_manager.filter(pk=pk).update(
                                **{name: Ciphertext(rotate(token))}
                            )
                            rotated[label] += 1
                last = rows[-1][0]
    return rotated
