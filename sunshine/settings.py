"""Settings for Sunshine, read from environment variables.

With no variables set, Sunshine runs in its embedded mode: SQLite under
``var/``, local-memory cache, DEBUG on. Production sets ``DATABASE_URL``
(PostgreSQL), ``REDIS_URL``, ``SUNSHINE_SECRET_KEY`` and the field keys.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("SUNSHINE_DATA_DIR", REPO_DIR / "var"))
DEBUG = env_bool("SUNSHINE_DEBUG", default=True)

# The development key is public, so a production profile must set its own.
# The deploy check sunshine.E004 fails while the development key is in use.
SECRET_KEY = os.environ.get(
    "SUNSHINE_SECRET_KEY", "dev-only-insecure-key-0f6c1c7e9a2b4d8f-change-me-in-production"
)
ALLOWED_HOSTS = env_list("SUNSHINE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("SUNSHINE_CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "sunshine.portal.views.csrf_failure"
# Reverse proxies whose X-Forwarded-For header is believed, as addresses or
# CIDR networks (sunshine.lib.client_address). Empty: the header is ignored.
SUNSHINE_TRUSTED_PROXIES = env_list("SUNSHINE_TRUSTED_PROXIES")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "sunshine.organisation",
    "sunshine.audit",
    "sunshine.rules",
    "sunshine.funds",
    "sunshine.petitions",
    "sunshine.portal",
    "sunshine.api",
    "sunshine.dashboard",
    "sunshine.demo",
    "sunshine.duties",
    "sunshine.notify",
    "sunshine.merit",
    "sunshine.assessment",
]

MIDDLEWARE = [
    # Three shortcuts for repeated reads, each for its own paths, most requested first.
    "sunshine.petitions.status_reads.StatusReadMiddleware",
    "sunshine.lib.staff_pages.StaffPageCacheMiddleware",
    "sunshine.portal.cache.PublicCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which reads form bodies: see sunshine.lib.too_large.
    "sunshine.lib.too_large.TooLargeMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sunshine.urls"
WSGI_APPLICATION = "sunshine.wsgi.application"

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

DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'sunshine.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh clone has no var/ yet, and SQLite cannot create the folder itself.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of
    # failing with "database is locked" half-way through an audit-chain append.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "TIMEOUT": 300,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The model backend with the lockout of sunshine.organisation.lockout.
AUTHENTICATION_BACKENDS = ["sunshine.organisation.lockout.LockoutModelBackend"]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/staff/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# One catalogue per product area under locale/parts/, then the shared one.
LOCALE_PATHS = [
    *sorted(p for p in (BASE_DIR / "locale" / "parts").glob("*") if p.is_dir()),
    BASE_DIR / "locale",
]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("SUNSHINE_STATIC_ROOT", DATA_DIR / "static"))
# The shared stylesheet lives in sunshine/static/, which is not an app folder.
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("SUNSHINE_MEDIA_ROOT", DATA_DIR / "media"))

SESSION_COOKIE_HTTPONLY = True
# Staff are logged out after 30 idle minutes, because every request saves the
# session and so moves its expiry 30 minutes on.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
if REDIS_URL:
    # Sessions live in Redis only, with the expiry as their time-to-live, so a
    # staff request costs a Redis read and write instead of a database read, an
    # UPDATE and a COMMIT. A Redis restart logs every user out. Without Redis
    # the cache is per process, so sessions stay in the database.
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SUNSHINE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Respond to plainly valid reports of the report API with their receipt and register them
# right after, in the registrar process (`sunshine register_reports --follow`), which
# must run wherever this is on (sunshine.petitions.deferred_intake).
PETITIONS_DEFERRED_REGISTRATION = env_bool("SUNSHINE_DEFERRED_REGISTRATION")

# Upload limits for the staff Excel import: a 100,000-row workbook is ~8 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
SUNSHINE_MAX_UPLOAD_BYTES = int(os.environ.get("SUNSHINE_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))

# Keys for personal fields (SM4-GCM) and keyed hashes (HMAC-SM3). Each entry
# is "key_id:hex"; the first one encrypts, all of them decrypt, so keys rotate
# by prepending a new one. The development keys are public.
SUNSHINE_FIELD_KEYS = env_list(
    "SUNSHINE_FIELD_KEYS", "dev1:000102030405060708090a0b0c0d0e0f"
)
SUNSHINE_HASH_KEY = os.environ.get(
    "SUNSHINE_HASH_KEY", "dev-only-hash-key-7d1e5b3a9c2f4e6d"
)

# Outgoing e-mail of the notification outbox (sunshine.notify.email). The
# default is an SMTP server on this machine.
EMAIL_HOST = os.environ.get("SUNSHINE_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("SUNSHINE_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("SUNSHINE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("SUNSHINE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("SUNSHINE_EMAIL_TLS")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("SUNSHINE_EMAIL_FROM", "sunshine@localhost")

# The site's address as users reach it, e.g. https://sunshine.example.gov.cn. Links in
# DingTalk messages and e-mail start with it; without it they are paths only.
SUNSHINE_SITE_URL = os.environ.get("SUNSHINE_SITE_URL", "")

# 浙政钉 (Zhejiang government DingTalk) work notices of the outbox
# (sunshine.notify.zzd). Until the app key, app secret and tenant id are all
# set, work notices wait in the outbox. The gateway default is the
# production address, reachable from the government network.
SUNSHINE_ZZD_GATEWAY = os.environ.get(
    "SUNSHINE_ZZD_GATEWAY", "https://openplatform-pro.ding.zj.gov.cn"
)
SUNSHINE_ZZD_APP_KEY = os.environ.get("SUNSHINE_ZZD_APP_KEY", "")
SUNSHINE_ZZD_APP_SECRET = os.environ.get("SUNSHINE_ZZD_APP_SECRET", "")
SUNSHINE_ZZD_TENANT_ID = os.environ.get("SUNSHINE_ZZD_TENANT_ID", "")
# The caller's address, sent in the X-Hmac-Auth-IP and X-Hmac-Auth-MAC
# headers. An empty MAC is replaced by this machine's (uuid.getnode()).
SUNSHINE_ZZD_CLIENT_IP = os.environ.get("SUNSHINE_ZZD_CLIENT_IP", "127.0.0.1")
SUNSHINE_ZZD_CLIENT_MAC = os.environ.get("SUNSHINE_ZZD_CLIENT_MAC", "")
SUNSHINE_ZZD_TIMEOUT_SECONDS = float(os.environ.get("SUNSHINE_ZZD_TIMEOUT_SECONDS", "10"))

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "sunshine": {"handlers": ["console"], "level": os.environ.get("SUNSHINE_LOG_LEVEL", "INFO")},
    },
}

SUNSHINE_SITE_NAME = _("Sunshine")
