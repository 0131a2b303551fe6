"""Seamline settings: one module, driven by the environment.

With no environment set, everything is embedded (SQLite under var/, eager Celery, in-memory
channel layer, local-memory cache) so `make demo` runs on a bare machine. DATABASE_URL, REDIS_URL
and MQTT_URL switch each part to the real service.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)
(BASE_DIR / "staticfiles").mkdir(exist_ok=True)

env = environ.Env()

# The development key; config.settings_production refuses to start with it.
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789"
SECRET_KEY = env("SECRET_KEY", default=DEV_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Our own apps, in dependency order (core depends on none of the others).
PROJECT_APPS = [
    "core",
    "factories",
    "orders",
    "production",
    "inventory",
    "payroll",
    "devices",
    "dashboards",
]

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "auditlog",
    "channels",
    *PROJECT_APPS,
    # The demo world, simulators, load generators and benchmarks (management commands only):
    # above every app of PROJECT_APPS, imported by none. Not one of PROJECT_APPS, whose pages,
    # API, routes, navigation, catalogues and test worlds are discovered from that list.
    "simulation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.UserLanguageMiddleware",
    "core.middleware.ActingOrganizationMiddleware",
    "factories.middleware.FactoryTimeZoneMiddleware",
    "core.read_only.ReadOnlyTenantMiddleware",
    "core.audit.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
# A stale form or blocked cookies: a branded page that says what to do (core/error_views.py).
CSRF_FAILURE_VIEW = "core.error_views.csrf_failure"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.shell",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'seamline.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves the web, the periodic jobs and the simulator from one file at
    # once (`make demo`): WAL lets readers run beside the one writer; a writer waits for the
    # lock (busy_timeout, ms) instead of failing with "database is locked"; and IMMEDIATE takes
    # the write lock at BEGIN, so a transaction that read first never fails to upgrade to a
    # writer halfway through (the busy timeout cannot help there). docs/operations.md.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;"
            ),
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if IS_POSTGRES:
    # Row-level security (core/rls.py, docs/operations.md): DATABASE_URL names the owner, which
    # migrates; every other statement runs as DATABASE_APP_ROLE (no BYPASSRLS, not a superuser),
    # switched per connection by the backend, under the policies keyed on the running scope.
    DATABASES["default"]["ENGINE"] = "core.db.postgresql"
    DATABASES["default"]["APP_ROLE"] = env("DATABASE_APP_ROLE", default="seamline_app")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

# --- Language and time -------------------------------------------------------------------------
LANGUAGE_CODE = env("LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static files: front-end packages come from npm (node_modules), never a CDN --------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/html5-qrcode", NODE_MODULES / "html5-qrcode"),
]
STATICFILES_DIRS = [(prefix, path) for prefix, path in STATICFILES_DIRS if path.exists()]
STATICFILES_DIRS.append(BASE_DIR / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve straight from the finders too, so tests and a fresh checkout work before collectstatic.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Uploaded files are served by core.media's tenant-checked view only. Behind nginx, set this to
# its `internal` location (deploy/nginx/seamline.conf) and nginx sends the bytes after the check.
MEDIA_ACCEL_REDIRECT = env("MEDIA_ACCEL_REDIRECT", default="")

# --- Documents: the CJK font every PDF embeds (TrueType outlines; see core/pdf.py) ------------
PDF_CJK_FONT = env("PDF_CJK_FONT", default="/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")

# --- Imports: caps of an uploaded CSV or Excel file (core/tabular.py; docs/operations.md) -----
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20000)

# --- Services --------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
MQTT_URL = env("MQTT_URL", default="")
# Non-public networks a merchant's webhook may reach (orders/conf.py): none by default. The
# demo (`make demo`) and the chain's test and benchmark set 127.0.0.1/32 for their local
# receiver; production settings refuse loopback here.
ORDERS_WEBHOOK_ALLOWED_NETWORKS = env.list("ORDERS_WEBHOOK_ALLOWED_NETWORKS", default=[])

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="seamline"),
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": env("CHANNELS_PREFIX", default="seamline"),
                "capacity": 1000,
                "expiry": 30,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Celery: a real broker when REDIS_URL is set, eager (in-process) otherwise.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Apps add their own entries in AppConfig.ready().
CELERY_BEAT_SCHEDULE: dict = {
    "purge-idempotency-records": {
        "task": "core.tasks.purge_idempotency_records",
        "schedule": 3600.0,
    },
}

# --- REST API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.RolePermission"],
    "DEFAULT_RENDERER_CLASSES": [
        "core.api.rendering.OrjsonRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "core.api.filters.TenantFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttling.OrganizationRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"organization": env("API_RATE", default="1200/min")},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# An organization's own API rate (its code → rate), for an integrator whose bursts need more
# than API_RATE: API_RATE_BY_ORGANIZATION="m-curve=6000/min,zz-lusong=3000/min".
API_RATE_BY_ORGANIZATION = env.dict("API_RATE_BY_ORGANIZATION", default={})
SPECTACULAR_SETTINGS = {
    "TITLE": "Seamline API",
    "DESCRIPTION": "Orders, production, inventory, payroll and device data of garment factories.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Security and login protection -----------------------------------------------------------
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"

AUDITLOG_LOGENTRY_MODEL = "core.AuditEntry"
AUDITLOG_INCLUDE_ALL_MODELS = True
AUDITLOG_EXCLUDE_TRACKING_MODELS = (
    "sessions",
    "contenttypes",
    "admin",
    "axes",
    "auth.Permission",
    "core.IdempotencyRecord",
    "core.AuditEntry",
    "core.TenantErasure",
)
AUDITLOG_DISABLE_REMOTE_ADDR = False

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Personal fields at rest (core.crypto, docs/privacy.md): Fernet keys, newest first (the first
# encrypts, every one decrypts), and the key of the searchable keyed hash. Never in the database.
# Unset (the embedded default), core.crypto writes a key file under var/ on first use.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
FIELD_HASH_KEY = env.str("FIELD_HASH_KEY", default="")
FIELD_KEY_FILE = env.path("FIELD_KEY_FILE", default=VAR_DIR / "field-keys.json")

# Seamline-specific knobs
SEAMLINE = {
    "IDEMPOTENCY_TTL_HOURS": env.int("IDEMPOTENCY_TTL_HOURS", default=48),
    "DEFAULT_FACTORY_TIME_ZONE": TIME_ZONE,
    # A closing factory is read-only for this many days (its owner exports its data, or
    # cancels), then erased (factories/closure.py).
    "FACTORY_CLOSURE_GRACE_DAYS": env.int("FACTORY_CLOSURE_GRACE_DAYS", default=30),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # Task successes every second (the demo's in-process beat) would drown everything else.
    "loggers": {"axes": {"level": "WARNING"}, "celery.app.trace": {"level": "WARNING"}},
}
