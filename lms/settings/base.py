"""Settings shared by every environment, switched by environment variables.

The variables are listed in README.md ("Configuration").
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "home",
    "workforce",
    "courses",
    "certificates",
    "mentorship",
    "evaluation",
    "awards",
    "compensation",
    "accounts",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "guardian",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # Django's widget templates, for FORM_RENDERER below
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy header (settings below), then the current request's nonce
    # for templates rendered without the request (Wagtail's widgets): lms/csp.py.
    "csp.middleware.CSPMiddleware",
    "lms.csp.CurrentRequestMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # After django-otp's: staff with an authenticator enter a code before anything else.
    "accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes requires: answers a locked-out sign-in with its lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "lms.nav.personal_nav",
            ],
            # {% load csp_nonce %}{% csp_nonce %}: the nonce of the request being answered.
            "libraries": {"csp_nonce": "lms.csp"},
        },
    },
]
# Widgets render with the templates above, so templates/wagtailadmin/widgets/ can give Wagtail's
# date and time inputs the CSP nonce.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    INSTALLED_APPS.append("django.contrib.postgres")
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the write lock instead of failing at once under concurrent requests.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
# How long a service waits for a row another request holds (lms/locking.py) before it answers
# 系统繁忙，请稍后重试 (PostgreSQL only; SQLite waits on the database file as set above).
try:
    LOCK_TIMEOUT_SECONDS = float(os.environ.get("DJANGO_LOCK_TIMEOUT_SECONDS", "10"))
except ValueError as error:
    raise ImproperlyConfigured(
        "DJANGO_LOCK_TIMEOUT_SECONDS must be a number of seconds."
    ) from error

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first (it refuses a locked username + address before any password is checked),
# then sign-in by username, ID number or mobile (accounts/backends.py), then guardian's rights.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.IdentifierBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# The admin's sign-in form takes an ID number or mobile too, with the site's label and message.
WAGTAILADMIN_USER_LOGIN_FORM = "accounts.login_views.AdminLoginForm"

# Accounts (accounts/): activation links printed on the activation sheet are valid this many days.
ACTIVATION_LINK_DAYS = int(os.environ.get("ACTIVATION_LINK_DAYS", "14"))
# Accounts set up in the Wagtail user admin get no typed password: their owner sets one through
# an activation link (accounts/wagtail_hooks.py sends the admin on to issue it).
WAGTAILUSERS_PASSWORD_ENABLED = False
# Authentication events (认证日志) are deleted after this many days (manage.py prune_auth_events).
AUTH_AUDIT_RETENTION_DAYS = int(os.environ.get("AUTH_AUDIT_RETENTION_DAYS", "365"))
# Password reset links sent by email are valid this long (Django's setting, in seconds).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(3 * 24 * 3600)))

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures of one username from one
# address, that pair is locked for AXES_COOLOFF_MINUTES, even with the right password; failures
# while locked do not extend the lock. Attempts live in the database, shared by every process and
# host. Staff lift a lock on the admin's 登录锁定 screen.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.backends.axes_username"
AXES_CLIENT_IP_CALLABLE = "lms.clientip.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_VERBOSE = False

# Two-factor sign-in (django-otp, TOTP with recovery codes) for staff: when on, everyone holding
# manage_federation (and superusers) must enrol before using the site. Production turns it on.
OTP_REQUIRED_FOR_STAFF = env_bool("OTP_REQUIRED_FOR_STAFF", False)
OTP_TOTP_ISSUER = "社会化工会工作者成长管理平台"
LOGIN_REDIRECT_URL = "workforce:my_page"
LOGOUT_REDIRECT_URL = "/"

# Content-Security-Policy (django-csp): scripts only from our own origin or carrying the
# request's nonce (no inline event handlers: static_src/js/behaviours.js reads data attributes);
# inline styles stay allowed because Wagtail's admin sets style attributes. A script is added as
# a static file, or inline with nonce="{{ request.csp_nonce }}" ({% csp_nonce %} in a widget).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}
# No call from the admin to releases.wagtail.org (blocked by connect-src anyway): upgrades are
# the deployer's job, announced in the changelog.
WAGTAIL_ENABLE_UPDATE_CHECK = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", _("简体中文"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static_src"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@union-pathways.local")

TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            # The database backend needs a worker: `manage.py db_worker` (started by `make run`).
            "DJANGO_TASKS_BACKEND",
            "django_tasks_db.DatabaseBackend",
        )
    }
}

WAGTAIL_SITE_NAME = "社会化工会工作者成长管理平台"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# Absolute base of public links printed on paper (certificate QR codes).
SITE_URL = os.environ.get("SITE_URL", WAGTAILADMIN_BASE_URL).rstrip("/")

# Social evaluation (evaluation/views.py): a poster's QR gives each browser a one-use answer
# token that lives this long; how many tokens one address and one poster may take (django-ratelimit
# rates: count/period, period s, m, h or d).
EVALUATION_ENTRY_MINUTES = 120
EVALUATION_ENTRY_RATE_PER_ADDRESS = os.environ.get("EVALUATION_ENTRY_RATE_PER_ADDRESS", "10/h")
EVALUATION_ENTRY_RATE_PER_POSTER = os.environ.get("EVALUATION_ENTRY_RATE_PER_POSTER", "200/h")
# Where django-ratelimit reads the client's address (its key "ip"): REMOTE_ADDR by default.
# Behind a reverse proxy every client has the proxy's address: name the header the proxy sets
# (and overwrites), e.g. HTTP_X_REAL_IP, or all clients share one limit.
RATELIMIT_IP_META_KEY = os.environ.get("RATELIMIT_IP_META_KEY") or None
# Awards (awards/views.py): how many objections to a public notice (公示) one address may send
# (a django-ratelimit rate, as above).
AWARDS_OBJECTION_RATE = os.environ.get("AWARDS_OBJECTION_RATE", "5/h")

# Rate limits and other counters live in the cache: with several server processes or hosts it
# must be shared, so production sets REDIS_URL (without it each process counts alone).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }

# Past one machine (README "Running past one machine"): every gunicorn host and db_worker shares
# one PostgreSQL, one Redis and one media store. With REDIS_URL the sessions are read from the
# cache and written through to the database (cached_db): fast, shared by every host, and a Redis
# restart signs no one out. django-axes counts failed sign-ins in the database, so a lock-out made
# on one host holds on all; django-ratelimit counts in the default cache, i.e. Redis.
if os.environ.get("REDIS_URL"):
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
RATELIMIT_USE_CACHE = "default"

# Media (certificate PDFs and bulk ZIPs, seals, award attachments, Wagtail documents and images):
# local disk under MEDIA_ROOT by default; DJANGO_MEDIA_STORAGE=s3 puts them in an S3-compatible
# bucket (AWS S3, MinIO, Aliyun OSS, Tencent COS) through django-storages: private objects, links
# signed for AWS_QUERYSTRING_EXPIRE seconds, a second file of the same name never replaces the
# first. The code reads media only through the storage (FieldFile.open, storage.open).
MEDIA_STORAGE = os.environ.get("DJANGO_MEDIA_STORAGE", "local").strip().lower() or "local"
if MEDIA_STORAGE == "s3":
    if not os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured(
            "DJANGO_MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME (the bucket for media files)."
        )
    try:
        _querystring_expire = int(os.environ.get("AWS_QUERYSTRING_EXPIRE", "3600"))
    except ValueError as error:
        raise ImproperlyConfigured("AWS_QUERYSTRING_EXPIRE must be a number of seconds.") from error
    _s3_options = {
        "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
        "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
        "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
        "location": os.environ.get("AWS_LOCATION", ""),
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": _querystring_expire,
        "file_overwrite": False,
        "signature_version": "s3v4",
    }
    # Without keys boto3 looks for credentials itself (instance role, ~/.aws/credentials).
    if os.environ.get("AWS_ACCESS_KEY_ID"):
        _s3_options["access_key"] = os.environ["AWS_ACCESS_KEY_ID"]
        _s3_options["secret_key"] = os.environ.get("AWS_SECRET_ACCESS_KEY", "")
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_options}
elif MEDIA_STORAGE != "local":
    raise ImproperlyConfigured(
        f"DJANGO_MEDIA_STORAGE must be 'local' or 's3', got {MEDIA_STORAGE!r}."
    )

WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]

DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint logs every rendering step at INFO: one line per step per certificate.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}
