"""Settings for contribbudget, all read from the environment.

Embedded default (nothing set): SQLite file ``db.sqlite3`` in the project, Celery tasks run
in-process, emails printed on the console, DEBUG on. Production sets at least ``SECRET_KEY``,
``DEBUG=0``, ``ALLOWED_HOSTS``, ``DATABASE_URL`` and ``REDIS_URL`` (see README and
docker-compose.yml).
"""
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-change-me-0123456789-contribbudget-abcdefghijklmnop"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# Absolute links in emails. Unset (the default): links use the host of the request that sends
# them; emails sent without a request (reminders, digests) use the address the network's
# settings recorded from the coordinators' requests (contribbudget/links.py).
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

INSTALLED_APPS = [
    # The admin, for superusers only, with a rate-limited login (contribbudget/admin_site.py).
    "contribbudget.admin_apps.LockedAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "django_tables2",
    "django_filters",
    "django_htmx",
    "contribbudget",
    "projects",
    "contributions",
    "retributions",
    # The network's administration pages (no models of its own).
    "network",
    # Demo and scale data (seed_demo, seed_scale): a development app no other app imports.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "contribbudget.security_headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "contribbudget.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "contribbudget.middleware.IntegrityErrorMiddleware",
]

ROOT_URLCONF = "contribbudget.urls"
# Form widgets render through the project's templates, so one override
# (templates/django/forms/widgets/select_option.html) gives every select a French
# placeholder instead of Django's "---------".
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "contribbudget.wsgi.application"

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
                "contribbudget.context_processors.navigation",
            ],
        },
    },
]

# --- Database: DATABASE_URL, else the embedded SQLite file -------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite: wait for a writer instead of failing at once, and take the write lock at the
    # start of a transaction so two requests never deadlock upgrading their locks.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The covering indexes (INCLUDE columns) are for PostgreSQL; SQLite builds them on their
    # key columns and says so on every command: a fact of the embedded default, not a fault.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
else:
    # PostgreSQL's JIT pays off on long analytic queries, not on a page's short ones: on a
    # freshly loaded table a 33 ms query spent 374 ms compiling (issue 15). Off for the app.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# Optional streaming read replica (contribbudget/replica.py): safe requests read from it,
# writes, transactions and whoever just wrote stay on the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "5"))
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True)
    DATABASES["replica"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # Tests run against the primary's test database; the replica alias mirrors it there.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["contribbudget.replica.PrimaryReplicaRouter"]
    MIDDLEWARE.insert(0, "contribbudget.replica.ReplicaRoutingMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts (django-allauth) ------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_ADAPTER = "network.accounts.InvitationAccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "network.accounts.SignupNamesForm"
ACCOUNT_USER_DISPLAY = "network.accounts.user_display"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Budget contributif] "
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# Client IPs for the rate limits: behind N reverse proxies (the compose deployment has one, the
# TLS proxy in front of gunicorn) the client is the N-th address from the right of
# X-Forwarded-For; 0 (the default) trusts no header and uses the socket's address.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# The admin's login (not covered by allauth): failures per client IP in the cache.
ADMIN_LOGIN_FAILURES_LIMIT = int(os.environ.get("ADMIN_LOGIN_FAILURES_LIMIT", "10"))
ADMIN_LOGIN_FAILURES_WINDOW = int(os.environ.get("ADMIN_LOGIN_FAILURES_WINDOW", "300"))
INVITATION_EXPIRY_DAYS = int(os.environ.get("INVITATION_EXPIRY_DAYS", "30"))
NETWORK_LOGO_MAX_BYTES = 1024 * 1024
# Members join by invitation; a network that wants open sign-up sets OPEN_SIGNUP=1.
OPEN_SIGNUP = env_bool("OPEN_SIGNUP", False)

# --- Internationalisation: French first, English available ---------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
# The main catalogue, then one catalogue per feature under i18n/<feature>/locale/ (written by
# hand, without source locations, so parallel work on separate features never conflicts on
# one file; `msgcat` can fold them into the main one at any time).
LOCALE_PATHS = [BASE_DIR / "locale", *sorted((BASE_DIR / "i18n").glob("*/locale"))]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["contribbudget.formats"]

# --- Static and uploaded files -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# --- Email ---------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Budget contributif <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery: Redis when REDIS_URL is set, else eager in-process ----------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Money jobs: a task is acknowledged only once done, and re-queued if its worker dies, so a
# killed worker never silently drops a retribution run; one task at a time per process.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TRACK_STARTED = True
CELERY_RESULT_EXTENDED = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "default"
# PDFs render on their own queue, served by a worker whose children restart (memory back).
CELERY_TASK_ROUTES = {"retributions.tasks.render_document": {"queue": "pdf"},
                      "retributions.tasks.render_invoice": {"queue": "pdf"}}
# A render whose heartbeat (each progress step) is older than this is taken for dead (its
# worker was killed): its page offers to retry it. Renders take seconds; 10 minutes is safe.
DOCUMENT_RENDER_STALE_SECONDS = int(os.environ.get("DOCUMENT_RENDER_STALE_SECONDS", "600"))
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "weekly-reminders": {
        "task": "contributions.tasks.send_weekly_reminders",
        "schedule": crontab(hour=9, minute=0, day_of_week="mon"),
    },
    "weekly-pilot-digest": {
        "task": "contributions.tasks.send_pilot_digests",
        "schedule": crontab(hour=9, minute=5, day_of_week="mon"),
    },
    "daily-chat-digest": {
        "task": "projects.tasks.send_webhook_digests",
        "schedule": crontab(hour=18, minute=0),
    },
    "chat-announcements": {
        "task": "projects.tasks.send_webhook_announcements",
        "schedule": crontab(minute="*/5"),
    },
}
# Team-chat webhooks: a receiver that is down is retried this many times, after these
# delays (seconds). Hosts listed in WEBHOOK_ALLOW_HOSTS_FOR_TESTS skip the public-address
# rule: for the test suite only (its receiver listens on 127.0.0.1; the real-worker test
# passes it to the worker process through CONTRIBBUDGET_TEST_WEBHOOK_HOSTS). Empty by
# default, and a system check refuses it whenever DEBUG is off.
WEBHOOK_MAX_RETRIES = int(os.environ.get("WEBHOOK_MAX_RETRIES", "4"))
WEBHOOK_RETRY_DELAYS = [int(d) for d in env_list("WEBHOOK_RETRY_DELAYS", "30,120,600,1800")]
WEBHOOK_ALLOW_HOSTS_FOR_TESTS: list[str] = env_list("CONTRIBBUDGET_TEST_WEBHOOK_HOSTS", "")
# The cache (the desk's year totals): CACHE_URL, else Redis when REDIS_URL is set (shared by
# the web processes), else each process's memory. Prefixed, so it never touches Celery's keys.
CACHE_URL = os.environ.get("CACHE_URL") or REDIS_URL
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": CACHE_URL, "KEY_PREFIX": "contribbudget"}}
    # Sessions read from the shared cache (one query less on every page), written through
    # to the database so they survive a cache restart. Not with each process's own memory:
    # a logout in one web process would leave the session alive in the others' copies.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- django-tables2 --------------------------------------------------------------------------
DJANGO_TABLES2_TEMPLATE = "tables/table.html"
DJANGO_TABLES2_PAGE_RANGE = 8

# --- Security (production) -----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Content-Security-Policy (django-csp): scripts, styles, images and connections from this
# origin only; no inline script, no inline style attribute (bars use width classes), no
# framing, forms post here only. Chart data travels in <script type="application/json">,
# which is data, not code. The service worker and the manifest are same-origin too.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Network defaults (editable by coordinators in the admin: NetworkSettings) -------------
DEMO_MODE = env_bool("DEMO_MODE", DEBUG)
