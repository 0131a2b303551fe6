"""Production settings: the environment-driven base with every deployment safeguard on.

Importing this module fails with ImproperlyConfigured, before anything serves, when SECRET_KEY
is missing, the development default, a placeholder or too weak, or when DEBUG is switched on
(docs/operations.md, "Deployment").
"""

import ipaddress

from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403
from .settings import DEV_SECRET_KEY, env

# Placeholders that have appeared in this project's examples; none of them may sign a session.
KNOWN_PLACEHOLDER_KEYS = frozenset({DEV_SECRET_KEY, "change-me-in-.env", "change-me", "build-only"})
# Django's own deployment check (security.W009) asks for this much.
MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_UNIQUE_CHARACTERS = 5


def production_secret_key(value: str) -> str:
    """`value` if it may sign sessions and tokens in production; ImproperlyConfigured if not."""
    how = (
        "Set SECRET_KEY in the environment to a random value of at least "
        f"{MIN_SECRET_KEY_LENGTH} characters, e.g. the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
    )
    if value in KNOWN_PLACEHOLDER_KEYS or value.startswith(("django-insecure", "change-me")):
        raise ImproperlyConfigured(f"SECRET_KEY is a default or placeholder value. {how}")
    if len(value) < MIN_SECRET_KEY_LENGTH or len(set(value)) < MIN_SECRET_KEY_UNIQUE_CHARACTERS:
        raise ImproperlyConfigured(f"SECRET_KEY is too short or too simple. {how}")
    return value


if env.bool("DEBUG", default=False):
    raise ImproperlyConfigured(
        "DEBUG is on, which shows settings and stack traces to anyone: production settings "
        "refuse to start. Unset DEBUG (or set DEBUG=false)."
    )
DEBUG = False
if any(
    ipaddress.ip_network(net, strict=False).is_loopback
    for net in ORDERS_WEBHOOK_ALLOWED_NETWORKS  # noqa: F405
):
    raise ImproperlyConfigured(
        "ORDERS_WEBHOOK_ALLOWED_NETWORKS names loopback, which only the demo's receiver may use."
    )
SECRET_KEY = production_secret_key(env("SECRET_KEY", default=""))
if not FIELD_ENCRYPTION_KEYS or not FIELD_HASH_KEY:  # noqa: F405
    # A key file next to the database would be copied by every backup of the server: in
    # production the personal fields' keys come from the environment only (docs/privacy.md).
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS (Fernet keys, newest first, comma-separated) and FIELD_HASH_KEY "
        "must be set: personal fields are encrypted at rest. Make a key with `python -c "
        "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`."
    )
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
WHITENOISE_USE_FINDERS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
