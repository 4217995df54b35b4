"""Settings shared by every environment. Deployment values come from the environment.

CLEARINGHOUSE_DATABASE_URL   sqlite:///path/to/db.sqlite3 (default: var/clearinghouse.sqlite3)
                             or postgres://user@host:port/name
CLEARINGHOUSE_SEARCH_BACKEND tantivy (default) or postgres
CLEARINGHOUSE_DATA_DIR       where the database, files and search index live (default: ./var)
CLEARINGHOUSE_SECRET_KEY     required outside DEBUG
CLEARINGHOUSE_DEBUG          1 to enable debug pages
CLEARINGHOUSE_ALLOWED_HOSTS  comma separated
CLEARINGHOUSE_FILES_ROOT     record files (default: DATA_DIR/blobs; shared on several machines)
CLEARINGHOUSE_INDEX_DIR      the tantivy index (default: DATA_DIR/index; local to each machine)
CLEARINGHOUSE_NODE_NAME      this machine's name in index cursors (default: host name)
CLEARINGHOUSE_JOB_BACKEND    database (default: workers pull jobs from the database) or immediate
CLEARINGHOUSE_DB_CONN_MAX_AGE  seconds a PostgreSQL connection is reused (default 60)
CLEARINGHOUSE_CACHE_URL      the cache shared by web processes (default: files in DATA_DIR/cache)
Every variable is described in docs/operations.md.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

BASE_DIR = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("CLEARINGHOUSE_DATA_DIR", BASE_DIR / "var")).resolve()

DEBUG = os.environ.get("CLEARINGHOUSE_DEBUG", "") == "1"
SECRET_KEY = os.environ.get("CLEARINGHOUSE_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and os.environ.get("CLEARINGHOUSE_ENV", "demo") == "production":
        raise RuntimeError("CLEARINGHOUSE_SECRET_KEY must be set in production")
    SECRET_KEY = "insecure-demo-key-not-for-production"  # noqa: S105
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("CLEARINGHOUSE_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]


def database_from_url(url: str) -> dict:
    """Django DATABASES entry from a sqlite:/// or postgres:// URL."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)
        if url.startswith("sqlite:////"):
            name = path
        else:
            name = str((BASE_DIR / path.lstrip("/")).resolve()) if path else ":memory:"
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            "OPTIONS": {
                # Immediate transactions and a busy timeout: concurrent writers
                # wait for each other instead of failing with "database is locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
                ),
            },
        }
    if parsed.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "clearinghouse",
            "USER": unquote(parsed.username or "postgres"),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "127.0.0.1",
            "PORT": str(parsed.port or 5432),
            "CONN_MAX_AGE": int(os.environ.get("CLEARINGHOUSE_DB_CONN_MAX_AGE", "60")),
            "CONN_HEALTH_CHECKS": True,
        }
    raise RuntimeError(f"unsupported CLEARINGHOUSE_DATABASE_URL scheme: {parsed.scheme!r}")


DATABASES = {
    "default": database_from_url(
        os.environ.get(
            "CLEARINGHOUSE_DATABASE_URL", f"sqlite:///{DATA_DIR / 'clearinghouse.sqlite3'}"
        )
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "clearinghouse.accounts.apps.ClearinghouseAdminConfig",  # django.contrib.admin, our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "clearinghouse.core",
    "clearinghouse.accounts",
    "clearinghouse.vocabularies",
    "clearinghouse.directory",
    "clearinghouse.catalog",
    "clearinghouse.search",
    "clearinghouse.ingestion",
    "clearinghouse.api",
    "clearinghouse.dissemination",
    "clearinghouse.translation",
    "clearinghouse.jobs",
    "clearinghouse.analysis",
    "clearinghouse.operations",
    "clearinghouse.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "clearinghouse.accounts.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "clearinghouse.web.middleware.RememberedLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "clearinghouse.accounts.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- languages ---------------------------------------------------------------
LANGUAGE_CODE = "en"
# The UI languages: the six UN languages, German and the region's languages.
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ru", "Русский"),
    ("zh-hans", "中文"),
    ("ar", "العربية"),
    ("de", "Deutsch"),
    ("sq", "Shqip"),
    ("sr", "Српски"),
    ("sr-latn", "Srpski"),
    ("bs", "Bosanski"),
    ("hr", "Hrvatski"),
    ("mk", "Македонски"),
]
LANGUAGES_BIDI = ["ar", "he", "fa", "ur"]
LOCALE_PATHS = [BASE_DIR / "src" / "clearinghouse" / "locale"]
# Machine translation (C7): Argos Translate when it and its language packages are installed
# (optional; `clearinghouse translation-engines` says what is missing).
CLEARINGHOUSE_TRANSLATION = {
    "default": {"BACKEND": "clearinghouse.translation.backends.argos.ArgosBackend"}
}
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = DATA_DIR / "files"

# --- storage of record files: content addressed under FILES_ROOT ---------------
CLEARINGHOUSE_FILES_ROOT = Path(
    os.environ.get("CLEARINGHOUSE_FILES_ROOT", DATA_DIR / "blobs")
).resolve()

# --- search ------------------------------------------------------------------
_search_backend = os.environ.get("CLEARINGHOUSE_SEARCH_BACKEND", "tantivy")
CLEARINGHOUSE_SEARCH = {
    "default": {
        "tantivy": {
            "BACKEND": "clearinghouse.search.backends.tantivy.TantivyBackend",
            "PATH": str(Path(os.environ.get("CLEARINGHOUSE_INDEX_DIR", DATA_DIR / "index"))),
        },
        "postgres": {
            "BACKEND": "clearinghouse.search.backends.postgres.PostgresBackend",
            "DATABASE": "default",
        },
    }[_search_backend]
}

# --- jobs ----------------------------------------------------------------------
# Jobs are rows in the database; `clearinghouse worker` processes (any machine) run them.
# "immediate" runs each job inside the request that queued it (no worker; small sites only).
TASKS = {
    "default": {
        "database": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
        "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    }[os.environ.get("CLEARINGHOUSE_JOB_BACKEND", "database")]
}
# Workers' lease and upkeep (see clearinghouse.jobs.conf for every key).
CLEARINGHOUSE_JOBS = {
    "LEASE_SECONDS": int(os.environ.get("CLEARINGHOUSE_JOB_LEASE_SECONDS", "60")),
}


def cache_from_url(url: str) -> dict:
    """The shared cache (API rate limits): every process that serves pages must see the same.

    "" → files under DATA_DIR/cache (every process of one machine); "file:///path";
    "database" (several machines, no other service; run `clearinghouse createcachetable`);
    "redis://host:port/db" (needs the redis package); "locmem" (one process only).
    """
    if url in ("", "file"):
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    if url.startswith("file://"):
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": unquote(urlparse(url).path),
        }
    if url == "database":
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "clearinghouse_cache",
        }
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise RuntimeError(f"unsupported CLEARINGHOUSE_CACHE_URL: {url!r}")


CACHES = {"default": cache_from_url(os.environ.get("CLEARINGHOUSE_CACHE_URL", ""))}
# This machine's name: per-machine index cursors (tantivy) and worker ids.
CLEARINGHOUSE_NODE_NAME = os.environ.get("CLEARINGHOUSE_NODE_NAME", "")
# A machine that runs only job workers (no pages) keeps no on-disk search index.
CLEARINGHOUSE_WORKER_ONLY = os.environ.get("CLEARINGHOUSE_WORKER_ONLY", "") == "1"

# --- accounts and access (C10; see clearinghouse.accounts) ---------------------
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy of every response (the portal needs no script and no inline style).
CLEARINGHOUSE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# Login throttle: failures counted per account name and per address over the window.
CLEARINGHOUSE_LOGIN_WINDOW_SECONDS = 15 * 60
CLEARINGHOUSE_LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
CLEARINGHOUSE_LOGIN_MAX_FAILURES_PER_ADDRESS = 20
# How long an access grant lasts unless staff choose otherwise.
CLEARINGHOUSE_ACCESS_GRANT_DAYS = 90
OTP_TOTP_ISSUER = "TIP Clearinghouse"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CLEARINGHOUSE_LOG_LEVEL", "INFO")},
    "loggers": {"jieba": {"level": "WARNING"}},
}

# Static files are served by WhiteNoise straight from the apps (no collectstatic
# step needed for the embedded server).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
CLEARINGHOUSE_QUERY_LANGUAGES = ("en", "fr", "es", "ru", "de")

# Gap analysis (C6): how a material counts in a cell of the coverage matrix, and the
# threshold under which a cell is a gap. Formula and defaults: docs/analysis.md and
# clearinghouse.analysis.gaps.weights (REFERENCE_YEAR None = the current year;
# AUDIENCES / TOPICS None = every concept of the scheme).
CLEARINGHOUSE_GAPS = {
    "THRESHOLD": 0.5,
    "HALF_LIFE_YEARS": 20.0,
    "RECENCY_FLOOR": 0.1,
    "QUALITY_FLOOR": 0.5,
    "UNREVIEWED_SCORE": 0.5,
    "REFERENCE_YEAR": None,
    "AUDIENCES": None,
    "TOPICS": None,
    "ADVISERS": 3,
    "CACHE_SECONDS": 300,
}

# --- interoperability (see clearinghouse.dissemination and clearinghouse.api) ----------
# Absolute address of the portal, for exports made outside a request (CLI, OAI-PMH).
CLEARINGHOUSE_BASE_URL = os.environ.get("CLEARINGHOUSE_BASE_URL", "http://127.0.0.1:8000")
# OAI-PMH: identifiers are oai:<repository id>:<record id>; set the id to your domain.
CLEARINGHOUSE_OAI_REPOSITORY_ID = os.environ.get(
    "CLEARINGHOUSE_OAI_REPOSITORY_ID", "clearinghouse.localhost"
)
CLEARINGHOUSE_OAI_REPOSITORY_NAME = "TIP Clearinghouse"
CLEARINGHOUSE_OAI_ADMIN_EMAILS = [
    os.environ.get("CLEARINGHOUSE_OAI_ADMIN_EMAIL", "oai-admin@clearinghouse.localhost")
]
CLEARINGHOUSE_OAI_PAGE_SIZE = 100
# MARC organisation code written in 003 (and recognised on import).
CLEARINGHOUSE_MARC_ORG_CODE = os.environ.get("CLEARINGHOUSE_MARC_ORG_CODE", "TIPCH")
CLEARINGHOUSE_EXPORT_MAX_RECORDS = 10_000
CLEARINGHOUSE_IMPORT_MAX_BYTES = 50 * 1024 * 1024
# Harvesting: bounded in pages, time and bytes; loopback only for the test suite.
CLEARINGHOUSE_HARVEST_MAX_PAGES = 1000
CLEARINGHOUSE_HARVEST_MAX_SECONDS = 3600
CLEARINGHOUSE_HARVEST_LIMITS = {"timeout": 30.0, "deadline": 120.0, "max_bytes": 50 * 1024 * 1024}
CLEARINGHOUSE_HARVEST_ALLOW_LOOPBACK = False
# API rate limits: (requests, seconds) per client address, per token, and for writes.
CLEARINGHOUSE_API_RATE_LIMITS = {"anonymous": (300, 60), "token": (1200, 60), "write": (120, 60)}
