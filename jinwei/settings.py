"""Jinwei settings: one module, read from the environment, with safe local defaults.

Production differs only by environment variables (see README): ``DATABASE_URL``,
``JINWEI_SECRET_KEY``, ``JINWEI_DEBUG``, ``JINWEI_ALLOWED_HOSTS``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("JINWEI_DATA_DIR", BASE_DIR / "data"))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("JINWEI_DEBUG", True)
# As configured: Django's test runner turns DEBUG off for its own reasons, which makes no site a production one.
PRODUCTION = not DEBUG
# The key signs sessions and keys the ballot codes' hashes: production must bring its own, never the
# published development key.
SECRET_KEY = os.environ.get("JINWEI_SECRET_KEY", "").strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "JINWEI_SECRET_KEY is not set. With JINWEI_DEBUG=false Jinwei needs a secret key of its own, e.g. "
            "export JINWEI_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "kept with the backups (README, Production).")
    SECRET_KEY = "jinwei-local-development-key-change-me-in-production"
ALLOWED_HOSTS = os.environ.get("JINWEI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("JINWEI_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "ninja",
    "core",
    "orgs",
    "standards",
    "cycles",
    "ballots",
    "ledgers",
    "members",
    "pledges",
    "rectification",
    "spotchecks",
    "acceptance",
    "yearend",
    "jinwei",  # the project: the home page and the demo loader, above every app
    # After core, whose db_worker (the same worker, with a heartbeat) takes the place of django_tasks_db's.
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "core.logging.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "orgs.middleware.InitialPasswordMiddleware",
    "core.uploads.UploadRateMiddleware",
    "core.middleware.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "jinwei.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "jinwei.wsgi.application"

# The embedded default is a SQLite file in the data folder, in WAL mode, so Jinwei runs with
# no server; production gives PostgreSQL through DATABASE_URL.
SQLITE_PATH = DATA_DIR / "jinwei.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
    # Tests use a file, not memory: threads and the live server then share one database, and
    # SQLite's busy timeout (not shared-cache table locks) serializes concurrent writers.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get(
        "JINWEI_TEST_SQLITE", str(DATA_DIR / f"test-jinwei-{os.getpid()}.sqlite3"))
else:
    # Server-bound parameters, and a statement run five times on a connection is prepared, so the server
    # skips parsing and planning it (docs/benchmarks.md). A prepared statement belongs to one server
    # connection: behind a pooler in transaction mode, set JINWEI_DB_PREPARED=false.
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5 if env_bool("JINWEI_DB_PREPARED", True) else None

# The task queue, the workers' heartbeats and the jobs' progress (core.jobs) have a connection of their own,
# so progress shows while an import's transaction is open; on SQLite a file of its own, as SQLite has one
# writer per file and the workers' polling must not wait for an import.
TASKS_DATABASE = "tasks"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    def _queue_file(path: str) -> str:
        return str(Path(path).with_name(Path(path).stem + "-tasks.sqlite3"))

    DATABASES[TASKS_DATABASE] = {**DATABASES["default"], "NAME": _queue_file(DATABASES["default"]["NAME"]),
                                 "TEST": {"NAME": _queue_file(DATABASES["default"]["TEST"]["NAME"])}}
    TASKS_DATABASE_SEPARATE = True
else:
    # The same PostgreSQL database; in tests the same test database (a mirror is not created twice).
    DATABASES[TASKS_DATABASE] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
    TASKS_DATABASE_SEPARATE = False
DATABASE_ROUTERS = ["core.routers.QueueRouter"]

# Background work (DESIGN.md): tasks are queued in the database and run by `manage.py db_worker`
# processes, imports and exports on the queue "default", PDFs on "pdf" (a worker of their own, so
# a county's 申报表 cannot hold up the imports). Tests run them in the calling thread (conftest.py).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "pdf"],
    },
}
# A worker's heartbeat period; a job's page says no worker runs after WORKER_MISSING_SECONDS without one,
# and a job whose worker fell silent for WORKER_GONE_SECONDS is failed, long enough for a start-up or a pause.
JOB_HEARTBEAT_SECONDS = float(os.environ.get("JINWEI_JOB_HEARTBEAT_SECONDS", "5"))
JOB_WORKER_MISSING_SECONDS = float(os.environ.get("JINWEI_JOB_WORKER_MISSING_SECONDS", "15"))
JOB_WORKER_GONE_SECONDS = float(os.environ.get("JINWEI_JOB_WORKER_GONE_SECONDS", "60"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "core.passwords.MinimumLengthValidator",
     "OPTIONS": {"min_length": int(os.environ.get("JINWEI_PASSWORD_MIN_LENGTH", "10"))}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login locks out after repeated wrong passwords (core.auth): an account after LOGIN_FAILURE_LIMIT from any
# addresses, an address after LOGIN_ADDRESS_FAILURE_LIMIT at any accounts, for LOGIN_COOLOFF_MINUTES.
AXES_HANDLER = "core.auth.LoginAttempts"
AXES_LOCKOUT_CALLABLE = "core.auth.locked_out"
AXES_CLIENT_IP_CALLABLE = "core.http.client_address"
AXES_FAILURE_LIMIT = int(os.environ.get("JINWEI_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("JINWEI_LOGIN_ADDRESS_FAILURE_LIMIT", "100"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("JINWEI_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# A try while locked does not lengthen the lock: the time the locked page names holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False

# Sessions expire after a spell of inactivity and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("JINWEI_SESSION_SECONDS", str(2 * 60 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("JINWEI_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind a reverse proxy that ends HTTPS: the request header it sets to "https" ("X-Forwarded-Proto"),
# so that such requests count as secure (redirects, cookies, HSTS); never set without such a proxy.
HTTPS_PROXY_HEADER = os.environ.get("JINWEI_HTTPS_PROXY_HEADER", "").strip()
if HTTPS_PROXY_HEADER:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + HTTPS_PROXY_HEADER.upper().replace("-", "_"), "https")
# Once the site is served over HTTPS only: how long browsers should refuse to reach it without (HSTS).
SECURE_HSTS_SECONDS = int(os.environ.get("JINWEI_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("JINWEI_HSTS_INCLUDE_SUBDOMAINS", True)
# Served over HTTPS only: plain HTTP requests are redirected (off when a proxy in front already does it).
SECURE_SSL_REDIRECT = env_bool("JINWEI_SSL_REDIRECT", False)

# Content-Security-Policy (django-csp): every asset is served by the site itself, and no page
# carries an inline script, inline style or event handler; scripts and styles are static files.
# data: images are the QR codes' and the browser's own; framing is refused as X-Frame-Options does.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# HSTS preloading is a registration of the domain with the browsers' vendors, which an intranet host cannot do.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("JINWEI_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_ROOT = BASE_DIR / "jinwei" / "root"  # served at the site's root: /favicon.ico, which browsers ask for
MEDIA_ROOT = DATA_DIR / "media"

# Guessing ballot codes, counted per ballot within WINDOW_MINUTES (ballots.services.casting): a device
# (the token of its voting page) is asked to wait WAIT_SECONDS after SLOW_AFTER wrong codes and refused
# for BLOCK_MINUTES after BLOCK_AFTER; an address only after ADDRESS_BLOCK_AFTER, far more than a meeting
# room whose phones share one address mistypes, so one phone cannot lock out the others. A code is one
# of 32¹⁰: what the limits stop is a flood, not a few slips.
BALLOT_GUESS_WINDOW_MINUTES = int(os.environ.get("JINWEI_BALLOT_GUESS_WINDOW_MINUTES", "10"))
BALLOT_GUESS_SLOW_AFTER = int(os.environ.get("JINWEI_BALLOT_GUESS_SLOW_AFTER", "10"))
BALLOT_GUESS_WAIT_SECONDS = int(os.environ.get("JINWEI_BALLOT_GUESS_WAIT_SECONDS", "3"))
BALLOT_GUESS_BLOCK_AFTER = int(os.environ.get("JINWEI_BALLOT_GUESS_BLOCK_AFTER", "100"))
BALLOT_GUESS_ADDRESS_BLOCK_AFTER = int(os.environ.get("JINWEI_BALLOT_GUESS_ADDRESS_BLOCK_AFTER", "2000"))
BALLOT_GUESS_BLOCK_MINUTES = int(os.environ.get("JINWEI_BALLOT_GUESS_BLOCK_MINUTES", "30"))
# PostgreSQL: how long a change waits for an organization another change holds (a ledger import
# holds its level until it ends) before the person is asked to try again; under gunicorn's 30 s.
LOCK_WAIT_SECONDS = int(os.environ.get("JINWEI_LOCK_WAIT_SECONDS", "20"))
# Behind a reverse proxy, the request header in which it passes the client's address ("X-Real-IP").
CLIENT_ADDRESS_HEADER = os.environ.get("JINWEI_CLIENT_ADDRESS_HEADER", "").strip()

# Logs go to standard output (the service manager keeps them), each line with its request's id.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logging.RequestIdFilter"}},
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "filters": ["request_id"],
                             "formatter": "line"}},
    "root": {"handlers": ["console"], "level": os.environ.get("JINWEI_LOG_LEVEL", "WARNING")},
}

# Uploaded spreadsheets (ledgers, standards, rosters, the tree) are read only in a worker, by a reader
# process of their own (core.workbooks) under these limits; a file past one is refused in words.
UPLOAD_MAX_BYTES = int(float(os.environ.get("JINWEI_UPLOAD_MAX_MB", "20")) * 1024 * 1024)
WORKBOOK_MAX_ROWS = int(os.environ.get("JINWEI_WORKBOOK_MAX_ROWS", "200000"))
WORKBOOK_MAX_CELLS = int(os.environ.get("JINWEI_WORKBOOK_MAX_CELLS", "10000000"))
WORKBOOK_MAX_SHEETS = int(os.environ.get("JINWEI_WORKBOOK_MAX_SHEETS", "50"))
WORKBOOK_MAX_CELL_CHARS = int(os.environ.get("JINWEI_WORKBOOK_MAX_CELL_CHARS", "32767"))  # Excel's own limit
# What a workbook's parts may unpack to in all (an .xlsx is a zip: a "zip bomb" unpacks a few KB to GBs).
WORKBOOK_MAX_UNPACKED_BYTES = int(float(os.environ.get("JINWEI_WORKBOOK_MAX_UNPACKED_MB", "1024")) * 1024 * 1024)
WORKBOOK_READER_MEMORY_BYTES = int(float(os.environ.get("JINWEI_WORKBOOK_READER_MEMORY_MB", "4096")) * 1024 * 1024)
WORKBOOK_READER_SECONDS = int(os.environ.get("JINWEI_WORKBOOK_READER_SECONDS", "300"))
# A job keeps its first problems and the count of the rest; its stored result and problems stay under a size
# the database takes in one value (PostgreSQL's jsonb holds at most 255 MB).
JOB_PROBLEMS_KEPT = int(os.environ.get("JINWEI_JOB_PROBLEMS_KEPT", "1000"))
JOB_RESULT_MAX_BYTES = int(float(os.environ.get("JINWEI_JOB_RESULT_MAX_MB", "5")) * 1024 * 1024)
# Evidence and attachments (PDF, images, office files, checked by their content), and how many files
# one person may upload in an hour, all kinds together.
EVIDENCE_MAX_BYTES = int(float(os.environ.get("JINWEI_EVIDENCE_MAX_MB", "20")) * 1024 * 1024)
UPLOADS_PER_HOUR = int(os.environ.get("JINWEI_UPLOADS_PER_HOUR", "120"))

# Pages and API list endpoints cut long lists into pages of this size.
PAGE_SIZE = 50
# The tree browser loads at most this many children of one node at a time.
TREE_CHILDREN_PAGE = 200
