"""Settings for the hotline platform, read from the environment.

Defaults are safe for the demo: an embedded SQLite database under ./var, DEBUG off unless
asked for, and the personal-data key in a file outside the database.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from hotline.env import env_bool, env_float, env_int, env_list, env_str, read_or_create_secret

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("HOTLINE_VAR_DIR", str(Path.cwd() / "var"))).resolve()

DEBUG = env_bool("DEBUG", False)
# The demo (`hotline demo` sets HOTLINE_DEMO) and the tests run on plain HTTP with made-up
# secrets; everything else is production: HTTPS only, a real SECRET_KEY required.
HOTLINE_DEMO = env_bool("HOTLINE_DEMO", False)
HOTLINE_TESTING = env_bool("HOTLINE_TESTING", False)
HOTLINE_PRODUCTION = not (HOTLINE_DEMO or HOTLINE_TESTING)
# Production refuses to start without a real SECRET_KEY (or SECRET_KEY_FILE): one that the
# operator keeps, the same in every process, long and random (Django's security.W009 bar). The
# demo and the tests make a random one once and keep it in var/secret.key (never a built-in
# default, so no two installations share a key).
SECRET_KEY = env_str("SECRET_KEY")
if HOTLINE_PRODUCTION and (
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure")
):
    raise ImproperlyConfigured(
        "SECRET_KEY (or SECRET_KEY_FILE) must be set to a random value of at least 50 "
        "characters outside the demo; for example: "
        'python3 -c "import secrets; print(secrets.token_urlsafe(48))"'
    )
SECRET_KEY = SECRET_KEY or read_or_create_secret(VAR_DIR / "secret.key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "hotline.web.errors.csrf_failure"

INSTALLED_APPS = [
    "hotline.web.apps_admin.AdminConfig",  # django.contrib.admin with our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "hotline.web.apps_tasks.TasksConfig",  # django_tasks_db, named in Chinese
    "hotline.accounts",
    "hotline.units",
    "hotline.catalogue",
    "hotline.calendar",
    "hotline.privacy",
    "hotline.audit",
    "hotline.notifications",
    "hotline.knowledge",
    "hotline.orders",
    "hotline.linkage",
    "hotline.incidents",
    "hotline.triage",
    "hotline.callbacks",
    "hotline.cti",
    "hotline.surveys",
    "hotline.stats",
    "hotline.releases",
    "hotline.quality",
    "hotline.api",
    "hotline.portal",
    "hotline.open311",
    "hotline.demo",
    "hotline.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Idle and absolute session limits, then the TOTP step (hotline.accounts.sessions, .otp).
    "hotline.accounts.middleware.SessionLimitsMiddleware",
    "hotline.accounts.middleware.SecondFactorMiddleware",
    # Every page and partial may show personal data: none is kept in a cache (hotline.web.security).
    "hotline.web.security.NoStoreMiddleware",
    "hotline.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a locked-out sign-in into our Chinese page (hotline.web.errors.login_locked).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hotline.urls"
WSGI_APPLICATION = "hotline.wsgi.application"
ASGI_APPLICATION = "hotline.asgi.application"

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
                "hotline.web.context_processors.platform",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------
# SQLite (WAL) is the embedded default; PostgreSQL is chosen by DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"].setdefault("OPTIONS", {})
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "hotline.sqlite3"),
            "OPTIONS": {},
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so two writers queue instead of
    # failing on a lock upgrade; WAL lets readers run beside the writer.
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )
elif DATABASES["default"]["ENGINE"] not in ("django.db.backends.postgresql",):
    raise ImproperlyConfigured("DATABASE_URL must name a postgres:// or sqlite:// database")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# First the lock against guessing passwords (django-axes), then our backend, which checks the
# password and refuses machine accounts (API tokens only).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "hotline.accounts.backends.AccountBackend",
]

# --- brute-force protection (hotline.accounts.login_guard) ---------------------------------
# The audit trail is kept at least this many days (等保 level 3 and the Cybersecurity Law,
# Art. 21: logs kept no less than six months); a shorter setting is refused. Nothing deletes
# audit entries at all today: the database refuses it (core/guards.py), and a purge, should one
# ever be written, must keep every entry younger than this.
HOTLINE_AUDIT_RETENTION_DAYS = env_int("HOTLINE_AUDIT_RETENTION_DAYS", 180, minimum=180)

# 5 failed passwords for one account from one address lock that pair for 15 minutes; a success
# clears the count. Locking the pair, not the account, means someone elsewhere can slow a
# sign-in but not lock its holder out; attempts during a lock do not prolong it. An address
# failing over many accounts is locked after HOTLINE_LOGIN_ADDRESS_FAILURE_LIMIT failures.
# Behind a reverse proxy, REMOTE_ADDR must be the client's address (as for the portal's limits).
AXES_ENABLED = True
AXES_FAILURE_LIMIT = env_int("HOTLINE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("HOTLINE_LOGIN_LOCK_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "hotline.accounts.login_guard.LoginGuardHandler"
AXES_LOCKOUT_CALLABLE = "hotline.web.errors.login_locked"
HOTLINE_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("HOTLINE_LOGIN_ADDRESS_FAILURE_LIMIT", 30)
# The audit trail records failed sign-ins and locks; axes keeps only its counters, shows
# nothing in the admin (the security admin unlocks on the account page) and logs no account
# name or address (AXES_VERBOSE off masks them).
AXES_ENABLE_ADMIN = False
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env_bool("HOTLINE_TESTING", False):
    # Tests create many accounts; a fast hasher keeps the suite quick. Never in production.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "hotline.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- web hardening (issue 13; 等保 level 3, GB/T 22239-2019 8.1.4 intrusion prevention) -----
# Outside the demo and the tests the site is served over HTTPS only. Behind a reverse proxy that
# ends TLS, the proxy must set HOTLINE_PROXY_SSL_HEADER (default X-Forwarded-Proto: https) and
# strip it from clients' requests; set it empty when Django itself sees the HTTPS connection.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HOTLINE_PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", SESSION_COOKIE_SECURE)
# No script reads the CSRF cookie: htmx gets the token from the page (hx-headers in base.html)
# and forms from {% csrf_token %}.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HOTLINE_PRODUCTION)
_PROXY_SSL_HEADER = env_str(
    "HOTLINE_PROXY_SSL_HEADER", "X-Forwarded-Proto" if HOTLINE_PRODUCTION else ""
)
if _PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"), "https")
SECURE_HSTS_SECONDS = env_int(
    "SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HOTLINE_PRODUCTION else 0, minimum=0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading commits the whole domain to HTTPS in browsers' built-in lists for months and
# cannot be undone quickly; a government domain decides it itself (on a closed network the
# lists do not matter). Off by default, so Django's W021 reminder is silenced below.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): only our own scripts and styles, no inline script,
# style attribute or eval; no framing, no plugins, forms post only here. Charts are inline
# SVG with presentation attributes (not style attributes), images our own or data: URLs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
# A session lasts at most SESSION_COOKIE_AGE from its sign-in, however busy (absolute: fixed at
# sign-in, never renewed by activity), and ends after HOTLINE_IDLE_TIMEOUT_MINUTES without a
# request (等保 level 3, 身份鉴别: 登录连接超时自动退出). See hotline.accounts.sessions.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600, minimum=60)
SESSION_SAVE_EVERY_REQUEST = False
HOTLINE_IDLE_TIMEOUT_MINUTES = env_int("HOTLINE_IDLE_TIMEOUT_MINUTES", 30, minimum=1)

# --- second factor (hotline.accounts.otp) ---------------------------------------------------
# TOTP (RFC 6238, 6 digits, 30 s) for `roles.SECOND_FACTOR_ROLES`, with django-otp. A wrong
# code counts as a failed sign-in toward the lock above; django-otp's own throttle doubles the
# wait after each wrong code on the device (1 s, 2 s, 4 s …) and is only reset by a right one.
OTP_TOTP_ISSUER = env_str("HOTLINE_OTP_ISSUER", "12345市民热线")
OTP_TOTP_THROTTLE_FACTOR = 1

# --- language and time ----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("HOTLINE_TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Serve static files from the apps without a collectstatic step (the demo, small installs).
WHITENOISE_USE_FINDERS = True

MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Where the call centre's recordings are (hotline/cti): a recording reference is a path inside
# this directory. Empty: the reference is only shown, never opened.
HOTLINE_RECORDINGS_DIR = env_str("HOTLINE_RECORDINGS_DIR")

# --- background tasks -----------------------------------------------------------------
# The database backend writes the task row inside the transaction that causes it, so a
# rolled-back change enqueues nothing and a crash loses nothing.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- personal data --------------------------------------------------------------------
# The key rings that encrypt personal data (docs/keys.md): the personal ring (callers' names
# and phones) and the confidential ring (content and caller of confidential orders, Art. 23).
# Give each as text in HOTLINE_DATA_KEY / HOTLINE_CONFIDENTIAL_KEY (or *_FILE), or keep it in
# the key file at *_PATH, which `hotline datakey rotate` updates and a running site re-reads;
# the demo writes var/data.key and var/confidential.key.
HOTLINE_DATA_KEY = env_str("HOTLINE_DATA_KEY")
HOTLINE_DATA_KEY_PATH = env_str("HOTLINE_DATA_KEY_PATH", str(VAR_DIR / "data.key"))
# The installed triage model (issue 14): rebuilt from the shipped corpus where missing.
HOTLINE_TRIAGE_MODEL_PATH = env_str(
    "HOTLINE_TRIAGE_MODEL_PATH", str(VAR_DIR / "triage-model.pickle")
)
HOTLINE_CONFIDENTIAL_KEY = env_str("HOTLINE_CONFIDENTIAL_KEY")
HOTLINE_CONFIDENTIAL_KEY_PATH = env_str(
    "HOTLINE_CONFIDENTIAL_KEY_PATH", str(VAR_DIR / "confidential.key")
)
# The cipher of newly sealed values: AES-256-GCM, or SM4-GCM (国密, GB/T 32907) for
# deployments that must use it. Either opens values sealed with the other.
HOTLINE_DATA_CIPHER = env_str("HOTLINE_DATA_CIPHER", "aes-256-gcm")
if HOTLINE_DATA_CIPHER not in ("aes-256-gcm", "sm4-gcm"):
    raise ImproperlyConfigured(
        f"HOTLINE_DATA_CIPHER={HOTLINE_DATA_CIPHER!r}: use aes-256-gcm or sm4-gcm"
    )

# --- the jurisdiction -----------------------------------------------------------------
HOTLINE_ORDER_PREFIX = env_str("HOTLINE_ORDER_PREFIX", "YL")
HOTLINE_NAME = env_str("HOTLINE_NAME", "杨凌12345市民热线")
HOTLINE_DUE_SOON_HOURS = env_int("HOTLINE_DUE_SOON_HOURS", 24)
# Data release (Art. 24, hotline.releases): how long an approved export may be downloaded, how
# many times, and the most rows one order-list export holds.
HOTLINE_RELEASE_VALID_HOURS = env_int("HOTLINE_RELEASE_VALID_HOURS", 72, minimum=1)
HOTLINE_RELEASE_MAX_DOWNLOADS = env_int("HOTLINE_RELEASE_MAX_DOWNLOADS", 3, minimum=1)
HOTLINE_RELEASE_MAX_ROWS = env_int("HOTLINE_RELEASE_MAX_ROWS", 100_000, minimum=1)
# Statistics (hotline/stats): an order counts as signed on time when signed by 24:00 of this
# many working days after its dispatch; a hotspot is flagged when a category's or place's
# requests reach this many times its baseline (and at least HOTSPOT_MIN_ORDERS of them).
HOTLINE_SIGN_LIMIT_WORKING_DAYS = env_int("HOTLINE_SIGN_LIMIT_WORKING_DAYS", 1)
HOTLINE_HOTSPOT_RATIO = env_float("HOTLINE_HOTSPOT_RATIO", 2.0)
HOTLINE_HOTSPOT_MIN_ORDERS = env_int("HOTLINE_HOTSPOT_MIN_ORDERS", 3)
# An Art. 13 emergency is handled at once, around the clock: its unit's limit is counted in
# clock hours from dispatch, not in working days.
HOTLINE_EMERGENCY_LIMIT_HOURS = env_int("HOTLINE_EMERGENCY_LIMIT_HOURS", 2)
# An emergency, or a matter 110 transferred, that nobody has dispatched this many minutes after
# it came in sounds an alarm on every operator's and lead's screen until it is handled.
HOTLINE_EMERGENCY_ALARM_MINUTES = env_int("HOTLINE_EMERGENCY_ALARM_MINUTES", 5)
# An Art. 17 alert not acknowledged in this time goes on to the next on the duty list.
HOTLINE_INCIDENT_ESCALATE_MINUTES = env_int("HOTLINE_INCIDENT_ESCALATE_MINUTES", 10)
# Art. 20: each week's quality check draws this many answered calls and registered orders of
# every operator of the operating centre.
HOTLINE_QUALITY_CALLS_PER_OPERATOR = env_int("HOTLINE_QUALITY_CALLS_PER_OPERATOR", 3)
HOTLINE_QUALITY_ORDERS_PER_OPERATOR = env_int("HOTLINE_QUALITY_ORDERS_PER_OPERATOR", 3)
HOTLINE_SMS_GATEWAY = env_str(
    "HOTLINE_SMS_GATEWAY", "hotline.notifications.gateways.ConsoleGateway"
)
HOTLINE_MAIL_GATEWAY = env_str(
    "HOTLINE_MAIL_GATEWAY", "hotline.notifications.gateways.ConsoleGateway"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
HOTLINE_ATTACHMENT_MAX_BYTES = env_int("HOTLINE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
HOTLINE_ATTACHMENTS_PER_UPLOAD = env_int("HOTLINE_ATTACHMENTS_PER_UPLOAD", 5)
# The portal (hotline.portal.services): submissions one client address may make an hour, and
# failed look-ups one address may make in 15 minutes (other look-up limits are fixed there).
HOTLINE_PORTAL_SUBMISSIONS_PER_HOUR = env_int("HOTLINE_PORTAL_SUBMISSIONS_PER_HOUR", 10, minimum=1)
HOTLINE_PORTAL_LOOKUPS_PER_ADDRESS = env_int("HOTLINE_PORTAL_LOOKUPS_PER_ADDRESS", 30, minimum=1)
# The JSON API: requests one account (token or staff session) may make per window
# (hotline.api.limits); the CTI's event feed counts too, so the default leaves room for it.
HOTLINE_API_REQUESTS_PER_WINDOW = env_int("HOTLINE_API_REQUESTS_PER_WINDOW", 600, minimum=1)
HOTLINE_API_WINDOW_SECONDS = env_int("HOTLINE_API_WINDOW_SECONDS", 60, minimum=1)
HOTLINE_ATTACHMENTS_PER_ORDER = env_int("HOTLINE_ATTACHMENTS_PER_ORDER", 30)
# Uploads above this size go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The address residents reach the portal at, for links in SMS messages.
HOTLINE_PUBLIC_URL = env_str("HOTLINE_PUBLIC_URL", "http://127.0.0.1:8000")

# --- 110 linkage (docs/linkage.md, protocols/linkage-110.md) -----------------------------
# The demo (`hotline demo` sets HOTLINE_DEMO) and the tests may run without a 110 desk: their
# messages stay queued. Elsewhere the URL and the secret are required (check linkage.E001-2).
HOTLINE_LINKAGE_110_URL = env_str("HOTLINE_LINKAGE_110_URL")
HOTLINE_LINKAGE_110_SECRET = env_str("HOTLINE_LINKAGE_110_SECRET")
HOTLINE_LINKAGE_PEER_ID = env_str("HOTLINE_LINKAGE_PEER_ID", "yl-12345")
HOTLINE_LINKAGE_110_PEER_ID = env_str("HOTLINE_LINKAGE_110_PEER_ID", "yl-110")
if not HOTLINE_LINKAGE_110_SECRET and (HOTLINE_DEMO or HOTLINE_TESTING):
    # Shared with `hotline linkage_simulator` through the var directory.
    HOTLINE_LINKAGE_110_SECRET = read_or_create_secret(VAR_DIR / "linkage-110.secret")
