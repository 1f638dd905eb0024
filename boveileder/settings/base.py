"""Settings shared by every environment; values that differ come from the environment."""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "simple_history",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "boveileder",
    "cases",
    "housing",
    "reports",
    "exchange",
    "journal",
    "demo",
    "dispatch",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "boveileder.middleware.OTPRequiredMiddleware",
    "reports.observer.ObserverFenceMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "boveileder.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "boveileder.urls"
WSGI_APPLICATION = "boveileder.wsgi.application"
ASGI_APPLICATION = "boveileder.asgi.application"

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
                "boveileder.context_processors.navigation",
            ],
            "builtins": ["boveileder.templatetags.formatting"],
        },
    }
]

# An embedded default (a SQLite file in the checkout) so `make run` needs nothing installed.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT compilation: our queries are short, and PostgreSQL's cost estimate for a page's correlated
    # subqueries crosses jit_above_cost, so each page spent 20-200 ms compiling what then ran in 20 ms
    # (the Oslo caseload: 295 ms with JIT, 25 ms without). See docs/performance.md.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["options"] = " ".join(
        filter(None, [DATABASES["default"]["OPTIONS"].get("options", ""), "-c jit=off"])
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "boveileder.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "boveileder.auth_backends.StaffBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after idle time and at logout.
SESSION_ENGINE = "boveileder.sessions"  # database sessions, refreshed in one query
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Two-factor login (TOTP): required for managers and admins where the setting says so.
OTP_REQUIRED_FOR_MANAGERS = env.bool("OTP_REQUIRED_FOR_MANAGERS", default=False)
OTP_REQUIRED_FOR_EVERYONE = env.bool("OTP_REQUIRED_FOR_EVERYONE", default=False)
OTP_TOTP_ISSUER = "Boveileder"

# Lockout after repeated failed logins, per user and address, with a cool-off.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["boveileder.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers ask for at the site's root by themselves (/favicon.ico), served by whitenoise.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
# Rows one import takes, all sheets together (the largest municipality's history is about 100 000).
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=200_000)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Every form of every app: a select's empty choice reads «Velg …» (boveileder.forms).
FORM_RENDERER = "boveileder.forms.FormRenderer"

# Content Security Policy: everything is served from this origin; no CDN, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # The service worker (/sw.js) and the web app manifest, both from this origin.
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Celery: the real broker when REDIS_URL is set; otherwise tasks run eagerly in-process.
REDIS_URL = env("REDIS_URL", default="")
# The broker may be a Redis of its own (CELERY_BROKER_URL); by default it is REDIS_URL.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = REDIS_URL or None
# Nothing the product does waits for a task's result: none is kept, and queueing a task asks the result
# store nothing (with Redis down, a result subscription held a request ~20 s, then raised). A test that
# watches a worker's outcome asks for its result (`ignore_result=False`).
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
# A task whose worker died unacknowledged is delivered again after the visibility timeout, which
# must be longer than the longest task (the time limit). Fault tests shorten both through the environment.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=20 * 60),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
}
# A worker renews the lease on the job it runs (boveileder.leases); a job whose lease ran out (its
# worker died) is queued again by its recovery task, or marked failed after JOB_MAX_ATTEMPTS runs.
JOB_LEASE_SECONDS = env.int("JOB_LEASE_SECONDS", default=60)
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=2)
# A report or letter still queued after this long, with no worker on it, lost its message (the broker
# was down as it was queued): its recovery task queues it again. Longer than a busy queue's wait, and
# sending a waiting one twice is harmless (the lease and the done check make the second do nothing).
JOB_QUEUED_SECONDS = env.int("JOB_QUEUED_SECONDS", default=15 * 60)
# How long to wait for SvarUt's answer to a call (docs/svarut.md); a send that times out is looked up
# by its reference before it is sent again.
SVARUT_READ_TIMEOUT = env.int("SVARUT_READ_TIMEOUT", default=60)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Every periodic job, one entry each (synced into django-celery-beat by its scheduler).
CELERY_BEAT_SCHEDULE: dict = {}
# Raise the long-tenure flags every night (Europe/Oslo).
CELERY_BEAT_SCHEDULE["housing-flags-raise-nightly"] = {
    "task": "housing.flags_raise_nightly",
    "schedule": crontab(hour=2, minute=30),
}
# Moves registered ahead are carried through on their day (timeline, flags), before the flags.
CELERY_BEAT_SCHEDULE["housing-tenancies-carry-through-nightly"] = {
    "task": "housing.tenancies_carry_through_nightly",
    "schedule": crontab(hour=2, minute=15),
}
# Remove import uploads and export files older than a job lives (they may hold national IDs).
CELERY_BEAT_SCHEDULE["exchange-sweep-hourly"] = {
    "task": "exchange.sweep",
    "schedule": crontab(minute=40),
}
# Draft last quarter's funder reports for every municipality on the first day of a quarter.
CELERY_BEAT_SCHEDULE["reports-draft-last-quarter"] = {
    "task": "reports.tasks.funder_reports_draft_last_quarter",
    "schedule": crontab(hour=5, minute=15, day_of_month=1, month_of_year="1,4,7,10"),
}
# Anonymise the working notes of households closed longer than the retention time.
# Every minute, resume (or mark failed) the jobs whose worker died: imports, exports, reports.
CELERY_BEAT_SCHEDULE["exchange-recover"] = {"task": "exchange.recover", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["reports-funder-reports-recover"] = {
    "task": "reports.tasks.funder_reports_recover",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["cases-decision-letters-recover"] = {
    "task": "cases.decision_letters_recover",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["cases-retention-anonymise-nightly"] = {
    "task": "cases.retention_anonymise_nightly",
    "schedule": crontab(hour=3, minute=45),
}
# Read the status of the letters sent through SvarUt; send again those a dead worker left.
CELERY_BEAT_SCHEDULE["dispatch-shipments-poll"] = {"task": "dispatch.shipments_poll", "schedule": 300.0}
# Forget the one-time tokens of forms sent more than two days ago.
CELERY_BEAT_SCHEDULE["boveileder-form-submissions-sweep-nightly"] = {
    "task": "boveileder.form_submissions_sweep",
    "schedule": crontab(hour=4, minute=5),
}

# The cache is a cache: with Redis down or unreachable a read misses and a write is dropped (logged),
# so a counsellor's follow-up is still saved and every page still answers; what cannot work without
# Redis (the background jobs, whose broker it is too) says so where it is asked for. A Redis that
# stops answering costs a request a second per call, not a hung worker.
CACHE_TIMEOUT_SECONDS = env.float("CACHE_TIMEOUT_SECONDS", default=1.0)
CACHES = {
    "default": (
        {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": CACHE_TIMEOUT_SECONDS,
                "SOCKET_TIMEOUT": CACHE_TIMEOUT_SECONDS,
            },
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "boveileder.cache"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_national_ids": {"()": "boveileder.logging.RedactNationalIdFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_national_ids"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Single sign-on (OpenID Connect, mozilla-django-oidc): each municipality's provider is configured
# in the database (`SingleSignOn`, secrets in the environment); these are the protocol's choices.
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True
OIDC_RP_SCOPES = "openid email profile"
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT_SECONDS", default=5)
# Reminders and notices go out through the municipality's SMTP server. Without EMAIL_HOST
# (the demo, development) they are printed to the console instead.
EMAIL_HOST = env("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=bool(EMAIL_HOST))
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="boveileder@localhost")
# Where the links in an e-mail point: the address the staff open the app at.
SITE_URL = env("SITE_URL", default="http://localhost:8000").rstrip("/")
# Each staff member's reminder of the day (weekly ones go out on Mondays).
CELERY_BEAT_SCHEDULE["cases-reminders-send-daily"] = {
    "task": "cases.reminders_send_daily",
    "schedule": crontab(hour=6, minute=30),
}
