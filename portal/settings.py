"""Settings, all from the environment (12-factor); see the configuration table in README.md.

Every value is read through django-environ's typed helpers, which raise on a malformed value.
A newcomer needs no configuration: `make` writes `.env` with DEBUG=1, the database defaults to a
SQLite file and Redis to a private server that the project starts itself.
"""

import importlib
from datetime import timedelta
from pathlib import Path

import environ
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # never overrides variables already set

VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)


def _secret_key() -> str:
    if key := env.str("SECRET_KEY", default=""):
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set DEBUG=1 for development)."
        )
    # Development only: one random key per checkout, kept out of git, so sessions survive
    # restarts without anybody inventing a shared "dev" key that could reach production.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

        key_file.write_text(get_random_secret_key())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "servestatic.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "portal.tenancy",
    "portal.accounts",
    "portal",
    "tickets",
    "notices",
    "surveys",
    "surveys.votes",
    "events",
    "communications",
    "portal.dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "servestatic.middleware.ServeStaticMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.accounts.middleware.UserPreferencesMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.tenancy.middleware.TenantMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.tenancy.context_processors.tenancy",
            ],
        },
    },
]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Data stores -------------------------------------------------------------------------

DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'courtyard.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # web, worker and beat write to the same file; wait for the lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
else:
    # Under ASGI a request's sync code runs on whichever executor thread is free, and a
    # persistent connection stays with a thread that may not serve again: the soak run
    # exhausted PostgreSQL's 100 connections in two minutes with CONN_MAX_AGE=60. Django's
    # advice for ASGI is no persistent connections, or the driver's pool (one per process).
    # The pool is opt-in (DB_POOL_MAX_SIZE > 0): the 30-minute soak and the benchmarks ran
    # with it, but two of four runs of the browser tests (uvicorn in a thread of the test
    # process) stalled with it on a loaded machine. The same stall later showed without the
    # pool (a channel layer shared between test servers, fixed in tests/browser/conftest.py);
    # the pool has not been re-tried as the default since.
    # The planner searches every order of a query's joins up to join_collapse_limit (8):
    # reading one ticket with its eight relations planned 9-40 ms for 0.7 ms of execution
    # (EXPLAIN ANALYZE, issue #9); at 4 it plans in 1.3 ms and picks the same plan. Django
    # writes joins outward from the filtered table, the order that suits these lookups.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c join_collapse_limit={env.int('DB_JOIN_COLLAPSE_LIMIT', default=4)}"
    )
    _pool_size = env.int("DB_POOL_MAX_SIZE", default=0)
    if _pool_size > 0:
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1, "max_size": _pool_size, "timeout": env.float("DB_POOL_TIMEOUT", 10.0),
        }
        DATABASES["default"]["CONN_MAX_AGE"] = 0
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Reads remembered between requests by each web process (portal/generations.py).
REMEMBER_READS = env.bool("REMEMBER_READS", default=True)

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    _channel_host = REDIS_URL
    _cache_location = REDIS_URL
else:
    from portal.embedded_redis import ensure_running

    _socket = ensure_running(VAR_DIR / "redis")
    REDIS_URL = f"unix://{_socket}"
    CELERY_BROKER_URL = f"redis+socket://{_socket}"
    _channel_host = REDIS_URL
    _cache_location = REDIS_URL

CACHES = {
    "default": {
        # Fails open while Redis is away (portal/cache.py); short timeouts so that a lost
        # Redis costs a request milliseconds, not the operating system's TCP timeout.
        "BACKEND": "portal.cache.ResilientRedisCache",
        "LOCATION": _cache_location,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="courtyard"),
    }
}
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "portal.channel_layer.GroupSendManyLayer",
        "CONFIG": {
            # redis-py 8 gives asyncio connections a 5 s socket timeout, the same as
            # channels-redis's 5 s BZPOPMIN wait, so an idle receive loop could time out and
            # take the worker's consumers with it; and its pool raises past its size instead
            # of waiting (bench/README.md, WebSocket findings).
            "hosts": [
                {"address": _channel_host, "socket_timeout": 30, "max_connections": 1000}
            ],
            "prefix": env.str("CHANNEL_PREFIX", default="courtyard"),
        },
    }
}

# --- Celery ------------------------------------------------------------------------------

CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "purge-expired-invitations": {
        "task": "portal.accounts.tasks.purge_expired_invitations",
        "schedule": timedelta(hours=1),
    },
    # Each job reads only the rows that are due (next_sla_check_at and friends); "expires"
    # drops a run that waited longer than its period instead of stacking them up.
    "tickets-sla": {
        "task": "tickets.tasks.sla_check",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 55},
    },
    "tickets-remind-waiting-owners": {
        "task": "tickets.tasks.remind_waiting_owners",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 55},
    },
    "tickets-auto-close": {
        "task": "tickets.tasks.auto_close_resolved",
        "schedule": timedelta(minutes=5),
        "options": {"expires": 290},
    },
    # Retries and messages held back by quiet hours; first sends go out right after commit.
    "communications-send-due": {
        "task": "communications.tasks.send_due_deliveries",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 55},
    },
    "heartbeat": {
        "task": "portal.tasks.heartbeat",
        "schedule": timedelta(seconds=30),
    },
}
# Each feature app keeps its own periodic jobs in <app>/schedule.py (plain data).
for _app in (
    "communications", "notices", "surveys", "surveys.votes", "events", "portal.dashboards",
):
    CELERY_BEAT_SCHEDULE.update(importlib.import_module(f"{_app}.schedule").BEAT_SCHEDULE)

# --- Accounts and security ---------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "portal.accounts.backends.PhoneOrEmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
INVITATION_TTL = timedelta(days=env.int("INVITATION_TTL_DAYS", default=14))
# The privacy notice a person accepts when they create their account (PIPL art. 17); raise
# the version when its text changes, and accounts record which one they accepted.
PRIVACY_NOTICE_VERSION = env.str("PRIVACY_NOTICE_VERSION", default="2026-11")
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Brute-force protection: five failures for one username from one address lock that pair out.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Our login field is "username" (phone or email); axes would otherwise read USERNAME_FIELD.
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_VERBOSE = False

SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp): scripts only from our own static files — no inline
# script, no eval, no CDN — so an injected <script> or onerror= does not run. Inline style
# attributes stay allowed (progress bars and chart boxes are sized per element); they cannot
# run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp_constants.SELF],
        "script-src": [csp_constants.SELF],
        "style-src": [csp_constants.SELF, csp_constants.UNSAFE_INLINE],
        "img-src": [csp_constants.SELF, "data:", "blob:"],
        "font-src": [csp_constants.SELF, "data:"],
        # CSP level 3: 'self' also allows ws:/wss: to this host, for /ws/.
        "connect-src": [csp_constants.SELF],
        "frame-ancestors": [csp_constants.NONE],
        "form-action": [csp_constants.SELF],
        "base-uri": [csp_constants.SELF],
        "object-src": [csp_constants.NONE],
    }
}
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14

TICKETS_REOPEN_WINDOW_DAYS = env.int("TICKETS_REOPEN_WINDOW_DAYS", default=7)
TICKETS_AUTO_CLOSE_DAYS = env.int("TICKETS_AUTO_CLOSE_DAYS", default=7)
TICKETS_OWNER_REMINDER_HOURS = env.int("TICKETS_OWNER_REMINDER_HOURS", default=24)
# How many worker processes the SLA job spreads over when more than one batch is due (the
# worker's --concurrency is 2): the parts claim disjoint tickets (SKIP LOCKED).
TICKETS_SLA_PROCESSES = env.int("TICKETS_SLA_PROCESSES", default=2)

# --- Internationalisation ----------------------------------------------------------------

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True
PHONE_DEFAULT_REGION = env.str("PHONE_DEFAULT_REGION", default="CN")

# --- Static and media --------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "servestatic.storage.CompressedManifestStaticFilesStorage"
    },
}
# Development and the browser tests serve static files straight from the source folders.
SERVESTATIC_USE_FINDERS = env.bool("SERVESTATIC_USE_FINDERS", default=DEBUG)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=2 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20000)

# --- Email and SMS -----------------------------------------------------------------------

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Courtyard <noreply@courtyard.local>")
SMS_BACKEND = env.str("SMS_BACKEND", default="portal.sms.LogBackend")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")

# --- API ---------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous caller gets 401 with WWW-Authenticate: Token.
        "portal.api.authentication.RememberedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "portal.api.schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {
        "auth": "20/min", "tickets-write": "60/min", "events-write": "60/min",
        "surveys-write": "60/min",
    },
    "EXCEPTION_HANDLER": "portal.api.errors.exception_handler",
    # Throttles key on the client address; trust X-Forwarded-For only from our own proxies.
    "NUM_PROXIES": AXES_IPWARE_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Courtyard API",
    "DESCRIPTION": "Owners and property-management staff: tickets, notices, surveys, events.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # validatorUrl None: the Swagger UI must not call validator.swagger.io from a browser.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Same-named enums of different apps get names of their own in the schema.
    "ENUM_NAME_OVERRIDES": {
        "SurveyQuestionKindEnum": "surveys.models.QuestionKind",
        "SurveyStatusEnum": "surveys.models.SurveyStatus",
        "SurveyResponseStatusEnum": "surveys.models.ResponseStatus",
        "TicketStatusEnum": "tickets.models.choices.Status",
        "TicketChannelEnum": "tickets.models.choices.Channel",
        "CategoryKindEnum": "tickets.models.teams.Category.Kind",
        "RegistrationStatusEnum": "events.models.Registration.Status",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
