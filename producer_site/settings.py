"""Producer Studio settings, read from the environment (see README: Configuration).

Local use needs nothing set: SQLite in the project folder, DEBUG on, console email and
the built-in emulator of the Producer API. Production (DJANGO_ENV=production, or DEBUG
off) refuses to start without a real SECRET_KEY.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env") if (BASE_DIR / ".env").exists() else None

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
DEBUG = env.bool("DEBUG", default=DJANGO_ENV != "production")
PRODUCTION = DJANGO_ENV == "production" or not DEBUG
TESTING = env.bool("TESTING", default=False)

SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
if PRODUCTION and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "Production mode needs SECRET_KEY set to a long random value "
        '(python -c "import secrets; print(secrets.token_urlsafe(50))").'
    )
# Encrypts workspace API keys at rest; derived from SECRET_KEY when unset.
FIELD_ENCRYPTION_KEY = env.str("FIELD_ENCRYPTION_KEY", default="")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Where the provider can reach us: webhooks and upload links are built from it.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="").rstrip("/")
PORT = env.int("PORT", default=8000)

INSTALLED_APPS = [
    # First: its registration/ templates replace the admin's for sign-in and passwords.
    "studio.accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before WhiteNoise's: its runserver command, on a server with a body limit.
    "studio",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks_db",
    "ninja",  # the API's interactive docs, served from its own static files
    # One app per concern (no models: those are the studio's), each with its own templates,
    # template tags and static files.
    "studio.api",
    "studio.core",
    "studio.jobs",
    "studio.library",
    "studio.projects",
    "studio.reviews",
    "studio.shares",
    "studio.staff",
    "studio.workspaces",
    "emulator",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "producer_site.urls"
WSGI_APPLICATION = "producer_site.wsgi.application"
ASGI_APPLICATION = "producer_site.asgi.application"

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
                "django.template.context_processors.csp",
                "studio.workspaces.context_processors.workspace",
            ],
        },
    }
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    options = DATABASES["default"].setdefault("OPTIONS", {})
    # Values travel apart from the SQL and a query run a few times on a connection is
    # prepared: PostgreSQL stops re-planning the hot statements (a webhook's write would
    # spend longer being planned than run). Behind PgBouncer in transaction mode, set
    # DATABASE_PREPARE_THRESHOLD=off (prepared statements do not survive its hand-offs).
    options["server_side_binding"] = env.bool("DATABASE_SERVER_SIDE_BINDING", default=True)
    threshold = env.str("DATABASE_PREPARE_THRESHOLD", default="5")
    if options["server_side_binding"] and threshold.lower() not in ("off", "none", ""):
        options["prepare_threshold"] = int(threshold)
    if env.bool("DATABASE_POOL", default=False):
        # psycopg's pool, for threaded servers (gunicorn gthread); sync workers do as well
        # with persistent connections (CONN_MAX_AGE). Django refuses both at once.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        from producer_site.dbpool import RecentlyUsedCheck

        options["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
            "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=4),
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
            "check": RecentlyUsedCheck(env.float("DATABASE_POOL_CHECK_AFTER", default=1.0)),
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Redis down means cache misses, not errors (studio/lib/cache.py); sessions are kept in
    # the database too, so an outage loses none. Short timeouts: a dead server is not waited on.
    CACHES = {
        "default": {
            "BACKEND": "studio.lib.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1.0, "socket_timeout": 1.0},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "library:library"
LOGOUT_REDIRECT_URL = "login"
# Failed logins allowed per username and per client address in LOGIN_RATE_WINDOW seconds.
LOGIN_RATE_LIMIT = env.int("LOGIN_RATE_LIMIT", default=5)
LOGIN_RATE_WINDOW = env.int("LOGIN_RATE_WINDOW", default=300)
# Requests one API token may make in API_RATE_WINDOW seconds (then 429 with Retry-After).
API_RATE_LIMIT = env.int("API_RATE_LIMIT", default=120)
API_RATE_WINDOW = env.int("API_RATE_WINDOW", default=60)
# Reverse proxies in front of the site: the client address is then read from the
# X-Forwarded-For entry this many hops from the right (0: use the socket's address).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
INVITATION_DAYS = env.int("INVITATION_DAYS", default=7)
# How long the link that confirms a person's email address works.
EMAIL_VERIFICATION_DAYS = env.int("EMAIL_VERIFICATION_DAYS", default=3)
# How long a deleted song stays in the trash (restorable) before the sweep empties it.
TRASH_DAYS = env.int("TRASH_DAYS", default=30)

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Locally and in tests static files come straight from static/ (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Uploaded audio files (bytes): bigger files are refused with a form error.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=50 * 1024 * 1024)
# Room for uploaded files per workspace (all uploads kept for their jobs, together).
WORKSPACE_UPLOAD_QUOTA_BYTES = env.int("WORKSPACE_UPLOAD_QUOTA_BYTES", default=1024 * 1024 * 1024)
# Longest audio a user may upload (seconds); the file is decoded to tell.
UPLOAD_MAX_SECONDS = env.int("UPLOAD_MAX_SECONDS", default=20 * 60)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    # Media on S3 (or any S3-compatible store); credentials come from AWS_* variables.
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_S3_SIGNATURE_VERSION = "s3v4"  # presigned URLs with their own expiry (X-Amz-Expires)
    MEDIA_BACKEND = {"BACKEND": "storages.backends.s3.S3Storage"}
else:
    MEDIA_BACKEND = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# Who sends a stored file's bytes, so a long download never holds a request thread:
# "presigned" (S3: a redirect to a short-lived signed URL), "x-accel-redirect" (nginx, or
# Caddy's handle_response, reads MEDIA_OFFLOAD_PREFIX + the file's name), "x-sendfile" (the
# front server reads the file's path on disk), or "none" (the studio streams it itself).
MEDIA_OFFLOAD = env.str(
    "MEDIA_OFFLOAD", default="presigned" if AWS_STORAGE_BUCKET_NAME else "none"
).lower()
if MEDIA_OFFLOAD not in ("none", "x-accel-redirect", "x-sendfile", "presigned"):
    raise ImproperlyConfigured(
        "MEDIA_OFFLOAD must be one of none, x-accel-redirect, x-sendfile, presigned."
    )
if MEDIA_OFFLOAD == "presigned" and not AWS_STORAGE_BUCKET_NAME:
    raise ImproperlyConfigured("MEDIA_OFFLOAD=presigned needs media on S3 (a bucket name).")
MEDIA_OFFLOAD_PREFIX = env.str("MEDIA_OFFLOAD_PREFIX", default="/protected-media/")
# How long a presigned URL works: long enough to start playing, short enough not to share.
MEDIA_URL_EXPIRY_SECONDS = env.int("MEDIA_URL_EXPIRY_SECONDS", default=300)
STORAGES = {
    "default": MEDIA_BACKEND,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}


def _mailer(url: dict) -> dict:
    """django-environ's EMAIL_URL parts as a MAILERS entry."""
    options = {
        "host": url.get("EMAIL_HOST"),
        "port": url.get("EMAIL_PORT"),
        "username": url.get("EMAIL_HOST_USER"),
        "password": url.get("EMAIL_HOST_PASSWORD"),
        "use_tls": url.get("EMAIL_USE_TLS"),
        "use_ssl": url.get("EMAIL_USE_SSL"),
    }
    backend = url["EMAIL_BACKEND"]
    if not backend.endswith("smtp.EmailBackend"):
        options = {}
    if url.get("EMAIL_FILE_PATH"):
        options = {"file_path": url["EMAIL_FILE_PATH"]}
    return {"BACKEND": backend, "OPTIONS": {k: v for k, v in options.items() if v}}


MAILERS = {"default": _mailer(env.email_url("EMAIL_URL", default="consolemail://"))}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Producer Studio <studio@localhost>")

# Background work: django.tasks on the database queue (manage.py db_worker).
# Copying result files has a queue of its own ("archive"), so a slow or huge file never
# waits in line with sending and polling jobs.
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "archive"]}
}
# Threads of `manage.py worker` that copy result files (the "archive" queue); 0 leaves that
# queue to separate `manage.py db_worker --queue-name archive` processes.
ARCHIVE_WORKERS = env.int("ARCHIVE_WORKERS", default=2)

# TTAPI's music APIs: the Producer API and Flow Music, with one key. Without a workspace key
# or TTAPI_API_KEY the studio uses the emulator.
TTAPI_API_KEY = env.str("TTAPI_API_KEY", default="")
# Who may create an account: anyone (open), only someone holding a usable invitation for
# the address they sign up with (invitation), or nobody but staff in the admin (closed).
# With the studio's own key set, strangers would spend it: invitation only by default.
SIGNUP_POLICY = env.str("SIGNUP_POLICY", default="invitation" if TTAPI_API_KEY else "open")
if SIGNUP_POLICY not in ("open", "invitation", "closed"):
    raise ImproperlyConfigured(
        f"SIGNUP_POLICY must be open, invitation or closed, not {SIGNUP_POLICY!r}."
    )
TTAPI_BASE_URL = env.str("TTAPI_BASE_URL", default="https://api.ttapi.io").rstrip("/")
TTAPI_TIMEOUT = env.float("TTAPI_TIMEOUT", default=30.0)
TTAPI_DISABLED_ACTIONS = env.list("TTAPI_DISABLED_ACTIONS", default=[])
# Producer API model names offered and accepted; empty means the ones the provider documents
# (the eight FUZZ models and Lyria 3 preview).
TTAPI_MODELS = env.list("TTAPI_MODELS", default=[])
# Flow Music model names offered and accepted; empty means Lyria 3 Pro.
FLOWMUSIC_MODELS = env.list("FLOWMUSIC_MODELS", default=[])
# Engines switched off: producer, flowmusic. Their models are not offered, their songs keep
# playing but cannot be remixed.
TTAPI_DISABLED_ENGINES = env.list("TTAPI_DISABLED_ENGINES", default=[])
# Running jobs one workspace may have at once; more wait with a clear message.
WORKSPACE_MAX_RUNNING_JOBS = env.int("WORKSPACE_MAX_RUNNING_JOBS", default=10)
# What one person may spend on TTAPI_API_KEY per calendar month, across every workspace, in
# the quota credits the ledger counts (staff change it per person in the admin), and how
# many workspaces one person may own.
PERSON_MONTHLY_BUDGET = env.int("PERSON_MONTHLY_BUDGET", default=100)
PERSON_MAX_WORKSPACES = env.int("PERSON_MAX_WORKSPACES", default=3)
# A job still running after this many minutes is marked failed (retry offered).
JOB_MAX_AGE_MINUTES = env.int("JOB_MAX_AGE_MINUTES", default=30)
# Polling a running job: first after this many seconds, then 1.5x longer each time, capped.
JOB_POLL_FIRST_SECONDS = env.float("JOB_POLL_FIRST_SECONDS", default=2.0)
JOB_POLL_MAX_SECONDS = env.float("JOB_POLL_MAX_SECONDS", default=60.0)
# A claimed poll not finished by then is taken again by another worker.
JOB_POLL_LEASE_SECONDS = env.float("JOB_POLL_LEASE_SECONDS", default=120.0)
# Sends refused with 429/499 (nothing created) are tried again this many times in all,
# the first after JOB_RESEND_SECONDS, then twice as long each time (capped at 5 minutes).
JOB_MAX_SUBMIT_ATTEMPTS = env.int("JOB_MAX_SUBMIT_ATTEMPTS", default=8)
JOB_RESEND_SECONDS = env.float("JOB_RESEND_SECONDS", default=15.0)
# Copying result files into storage: attempts before giving up (the provider URL is kept).
ARCHIVE_MAX_ATTEMPTS = env.int("ARCHIVE_MAX_ATTEMPTS", default=6)
# A failed copy is tried again after this many seconds, then twice as long each time (≤ 1 h).
ARCHIVE_RETRY_SECONDS = env.float("ARCHIVE_RETRY_SECONDS", default=30.0)
ARCHIVE_MAX_BYTES = env.int("ARCHIVE_MAX_BYTES", default=1024 * 1024 * 1024)
# One copy gives up after this many seconds in all (a file that trickles in is cut off).
ARCHIVE_DEADLINE_SECONDS = env.float("ARCHIVE_DEADLINE_SECONDS", default=900.0)
WEBHOOK_MAX_BYTES = env.int("WEBHOOK_MAX_BYTES", default=256 * 1024)

# The built-in emulator of the Producer and Flow Music APIs, mounted at /emulator/.
# Off by default in production: anyone could otherwise make it fetch URLs and post webhooks.
EMULATOR_ENABLED = env.bool("EMULATOR_ENABLED", default=not PRODUCTION)
EMULATOR_BASE_URL = env.str(
    "EMULATOR_BASE_URL", default=f"http://127.0.0.1:{PORT}/emulator"
).rstrip("/")
EMULATOR_API_KEY = env.str("EMULATOR_API_KEY", default="emulator-key")
# Jobs on the emulator get a webhook URL on EMULATOR_BASE_URL's host when PUBLIC_BASE_URL is
# unset; off, they are polled (as a studio the provider cannot reach is).
EMULATOR_WEBHOOKS = env.bool("EMULATOR_WEBHOOKS", default=True)
EMULATOR_JOB_SECONDS = env.float("EMULATOR_JOB_SECONDS", default=6.0)
EMULATOR_RUNNING_CAP = env.int("EMULATOR_RUNNING_CAP", default=20)
EMULATOR_FAULT_RATE = env.float("EMULATOR_FAULT_RATE", default=0.0)
# Makes the random faults reproducible; unset, they differ on every run.
EMULATOR_FAULT_SEED = env.str("EMULATOR_FAULT_SEED", default="")
# How long the `slow` fault holds an answer (seconds).
EMULATOR_SLOW_SECONDS = env.float("EMULATOR_SLOW_SECONDS", default=3.0)
EMULATOR_MEDIA_ROOT = Path(env.str("EMULATOR_MEDIA_ROOT", default=str(MEDIA_ROOT / "emulator")))
# Processes of each web process that render the emulator's media (0: in the web process
# itself, which then grows by the size of a song's stems).
EMULATOR_RENDER_PROCESSES = env.int("EMULATOR_RENDER_PROCESSES", default=1)
# Result files answer 404 this many seconds after their job ended, as the provider's CDN
# links expire (0: kept).
EMULATOR_FILES_EXPIRE_SECONDS = env.float("EMULATOR_FILES_EXPIRE_SECONDS", default=0.0)
# Quota each key may spend (charged plus running jobs); past it, 402 (0: unlimited).
EMULATOR_KEY_BALANCE = env.int("EMULATOR_KEY_BALANCE", default=0)

# Hosts (host or host:port) the studio and the emulator may fetch from or post to although
# they resolve to internal addresses. The emulator's own host and port (when enabled) and
# TTAPI_BASE_URL's (when it is a local or internal name) are always allowed; see
# docs/deployment.md, "Outbound requests".
OUTBOUND_ALLOWED_HOSTS = env.list("OUTBOUND_ALLOWED_HOSTS", default=[])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{levelname} {name}: {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
}

# Content Security Policy: no inline scripts or styles anywhere (htmx is configured by
# a meta tag not to inject its indicator style).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    # The nonce lets the waveform player (wavesurfer) add its own <style> on the song page.
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "media-src": [CSP.SELF, "blob:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
