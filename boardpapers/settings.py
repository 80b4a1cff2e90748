"""One settings module for every environment, driven by environment variables.

With nothing set, the portal runs for development on a SQLite file under ``var/``.
Production sets ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL`` and ``HTTPS=1``;
``manage.py check --deploy`` then reports nothing (see README, "Deploying").
"""

import datetime as dt
import os
import secrets
import sys
import tempfile
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def _local_secret_key() -> str:
    """A random key kept in var/, so a development machine never runs on a published key."""
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]

DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "django_filters",
    "django_tasks_db",
    "meetings",
    "reports",
    # Sign-in security (issue #7): throttling, two-factor sign-in for clerks and admins.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # The project itself: sign-in security (boardpapers/accounts), the page cache's
    # invalidation in every process, the demo_totp command and the device admin.
    "boardpapers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Whole pages for the public from a shared cache; never for a signed-in request (cache.py).
    "boardpapers.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag on every page and 304 for a conditional request that matches.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which second factor this session passed; clerks and admins without one reach only the
    # public site until they enter their code (boardpapers/accounts/middleware.py).
    "django_otp.middleware.OTPMiddleware",
    "boardpapers.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "boardpapers.urls"
WSGI_APPLICATION = "boardpapers.wsgi.application"

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
                "meetings.context_processors.portal",
            ],
        },
    },
]

# A SQLite file when DATABASE_URL is unset, so the demo needs no server.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The meeting and minutes pages' queries are prepared statements on PostgreSQL, planned once per
# connection (meetings.selectors._Compiled). Set DATABASE_PREPARED_QUERIES=0 behind a pooler in
# transaction mode (PgBouncer's pool_mode=transaction), whose server connections are shared.
DATABASE_PREPARED_QUERIES = os.environ.get("DATABASE_PREPARED_QUERIES", "1") != "0"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing strength is not under test; a fast hasher keeps the suite quick.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# British conventions: the seed prints "2.00 pm on Monday, 22nd September, 2014".
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
if DEBUG or TESTING:
    # whitenoise warns about a missing STATIC_ROOT before the first collectstatic.
    WHITENOISE_AUTOREFRESH = True
    WHITENOISE_USE_FINDERS = True
# Uploaded papers are private until access is checked: they are never served from MEDIA_URL,
# only through views that ask the models who may see them.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
if TESTING and "MEDIA_ROOT" not in os.environ:
    # Tests write uploads to a throwaway folder, never into a developer's demo files.
    MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="boardpapers-test-media-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MAX_UPLOAD_MB = int(os.environ.get("MAX_UPLOAD_MB", "50"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# django.tasks: the database queue in every real deployment, run inline in tests.
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# E-mail (summonses, password resets): the console by default; SMTP when EMAIL_HOST is set.
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "democratic.services@localhost")
# The portal's address for links in e-mail sent by the task worker or a command (alerts).
PORTAL_URL = os.environ.get("PORTAL_URL", "")

# Security headers on every response, from the first page.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Production behind TLS: HTTPS=1 turns on secure cookies, the HTTPS redirect and HSTS.
HTTPS = env_bool("HTTPS")
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Sign-in security (issue #7). Wrong passwords are counted per user name AND address, so an
# attacker can lock only that pair out, and only for the cool-off; password resets still work.
BEHIND_PROXY = env_bool("BEHIND_PROXY")
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("SIGN_IN_COOLOFF_MINUTES", "15")))
# The cool-off runs from the last wrong password, not from the last try while locked out, so
# the lockout page can say when to try again.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "boardpapers.accounts.views.locked_out"
# Behind a proxy, the address the proxy saw (the last X-Forwarded-For entry), else REMOTE_ADDR.
AXES_CLIENT_IP_CALLABLE = "boardpapers.client.client_address"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Two-factor sign-in (TOTP) is required of clerks and admins; the issuer names the portal in
# the authenticator app.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Committee papers")
# Uploaded PDFs are read in a child process with these limits (reports/pdf.py).
PDF_READ_SECONDS = int(os.environ.get("PDF_READ_SECONDS", "60"))
PDF_READ_MEMORY_MB = int(os.environ.get("PDF_READ_MEMORY_MB", "1024"))
# What a paper may ask of a reader (reports/limits.py): pages, page size (inches a side), forms
# and page tree nesting, and the size its streams inflate to (a multiple of the file's size, at
# least the floor, at most the cap).
PDF_MAX_PAGES = int(os.environ.get("PDF_MAX_PAGES", "2000"))
PDF_MAX_PAGE_INCHES = int(os.environ.get("PDF_MAX_PAGE_INCHES", "200"))
PDF_MAX_NESTING = int(os.environ.get("PDF_MAX_NESTING", "32"))
PDF_INFLATION_RATIO = int(os.environ.get("PDF_INFLATION_RATIO", "100"))
PDF_INFLATED_FLOOR_MB = int(os.environ.get("PDF_INFLATED_FLOOR_MB", "100"))
PDF_MAX_INFLATED_MB = int(os.environ.get("PDF_MAX_INFLATED_MB", "1024"))
# Word documents are converted by LibreOffice in its own process group with these limits.
DOCX_CONVERT_SECONDS = int(os.environ.get("DOCX_CONVERT_SECONDS", "120"))
DOCX_CONVERT_MEMORY_MB = int(os.environ.get("DOCX_CONVERT_MEMORY_MB", "4096"))
# A scan is read by OCR (OCRmyPDF and Tesseract) in the task worker: seconds allowed a page
# (the whole paper at least two minutes) and the memory cap of its processes, in MB.
OCR_SECONDS_PER_PAGE = int(os.environ.get("OCR_SECONDS_PER_PAGE", "60"))
OCR_MEMORY_MB = int(os.environ.get("OCR_MEMORY_MB", "2048"))
# A decision subject to call-in takes effect after this many working days (meetings/plans.py).
CALL_IN_WORKING_DAYS = int(os.environ.get("CALL_IN_WORKING_DAYS", "5"))

# Production serving (issue #7): where files are stored, how downloads leave, the page cache.
if os.environ.get("STORAGE", "local").strip().lower() == "s3":
    # Any S3-compatible store (AWS, MinIO, Ceph, ...). Files stay private: no public ACL; a
    # public file is handed out as a short-lived signed URL, a private one through the portal.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("S3_BUCKET", ""),
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY", ""),
            "location": os.environ.get("S3_PREFIX", ""),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": int(os.environ.get("S3_URL_SECONDS", "60")),
            "file_overwrite": False,
        },
    }
# SENDFILE=nginx: after the access check, the portal answers with X-Accel-Redirect and nginx
# sends the file from an `internal` location that maps SENDFILE_PREFIX onto MEDIA_ROOT.
SENDFILE = os.environ.get("SENDFILE", "").strip().lower()
SENDFILE_PREFIX = "/" + os.environ.get("SENDFILE_PREFIX", "/protected/").strip("/") + "/"
# Shared by every gunicorn worker and the task worker: a folder under VAR_DIR by default,
# Redis with CACHE_URL=redis://127.0.0.1:6379/1 (see boardpapers/cache.py, cache_from_url).
from boardpapers.cache import cache_from_url  # noqa: E402

CACHES = {
    "default": cache_from_url(
        os.environ.get("CACHE_URL") or ("locmem://" if TESTING else f"file://{VAR_DIR / 'cache'}")
    )
}
# Seconds a public page is kept in the cache (0: off; off in tests unless a test turns it on),
# and the max-age browsers and proxies are told for it.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "0" if TESTING else "600"))
PAGE_CACHE_MAX_AGE = int(os.environ.get("PAGE_CACHE_MAX_AGE", "60"))
# How long a cached search page may go on missing words newly written into an agenda item the
# public could already read (a title or description edited; nothing made public or private): a
# search page showing that item's meeting, and every other page showing it, is rendered again
# at once (boardpapers/cache.py, "words").
PAGE_CACHE_NEW_WORDS_SECONDS = float(os.environ.get("PAGE_CACHE_NEW_WORDS_SECONDS", "10"))
# A pack build running longer than this is taken for one whose worker died, and queued again.
PACK_BUILD_STALE_MINUTES = float(os.environ.get("PACK_BUILD_STALE_MINUTES", "10"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint's font subsetting logs every table at INFO.
        "fontTools": {"level": "WARNING"},
        # WeasyPrint logs each step of every layout ("Step 5 - Creating layout") at INFO.
        "weasyprint.progress": {"level": "WARNING"},
        # django-axes logs every sign-in at INFO; lockouts and wrong passwords are WARNING.
        "axes": {"level": "WARNING"},
    },
}
