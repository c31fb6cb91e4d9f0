"""Settings for the proposal portal, read from the environment.

With nothing set the portal runs embedded: SQLite in the project folder, Celery
tasks executed eagerly in the web process, mail printed to the console. Set
``DATABASE_URL`` and ``REDIS_URL`` to run on PostgreSQL and Redis, and
``DJANGO_DEBUG=0`` with ``DJANGO_SECRET_KEY`` and ``DJANGO_ALLOWED_HOSTS`` in
production.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)

_DEV_SECRET_KEY = "insecure-development-key-do-not-use-in-production"
SECRET_KEY = env("DJANGO_SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "portal",
    "accounts",
    "agencies",
    "proposals",
    "responses",
    "deadlines",
    "notifications",
    "disclosure",
    "stats",
]

MIDDLEWARE = [
    # First: its one JSON line a request times everything below it.
    "portal.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A kept public page is answered here, before the rest of the stack runs.
    "disclosure.caching.PublicPageCacheMiddleware",
    # Before anything reads the database: an anonymous public read may go to the replica.
    "portal.replica.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's, with the API in the portal's language whatever the client asks for.
    "portal.api.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A signed-in page, or one holding a CSRF token, is said private: no shared cache keeps it.
    "portal.http.PrivatePagesMiddleware",
    "portal.script.TraditionalScriptMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in.
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread_notifications",
                "portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["TEST"] = {"TEMPLATE": "template0", "CHARSET": "UTF8"}
    # PostgreSQL's JIT compiles a plan it expects to be costly; the statistics' aggregations
    # are, and compiling took a second where running takes tens of milliseconds.
    if not env.bool("DATABASE_JIT", default=False):
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the lock rather than fail when the eager Celery task and a request write at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

# A read replica (a PostgreSQL streaming standby) for the public pages, when there is one:
# ``portal.replica`` sends only anonymous public reads there, everything else to the primary.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "OPTIONS"):
        if key in DATABASES["default"]:
            DATABASES["replica"].setdefault(key, DATABASES["default"][key])
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["portal.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workspace"
LOGOUT_REDIRECT_URL = "home"
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"

# Failed sign-ins: five in a row for one name from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env.int("PORTAL_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("PORTAL_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# Celery: Redis when REDIS_URL is set; otherwise tasks run eagerly in-process.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"

# Public pages are cached: in Redis when it is configured, else in the process.
CACHES = {
    "default": (
        {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            # Redis down is a cache miss, not an error: the pages are rendered from the
            # database, and the process does not wait long to learn it is down.
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 1.0,
            },
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged when done, so a worker lost mid-task leaves it to another: a child
# process that dies is seen at once (reject on worker lost); a whole worker that dies leaves
# its task unacknowledged in Redis, handed out again after the visibility timeout. It is set
# above the longest task (the nightly rewrite of the statistics' facts), as a task still
# running then is handed out a second time; every task is written to run twice harmlessly.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("PORTAL_TASK_VISIBILITY_TIMEOUT", default=900),
    # Each worker looks for such tasks every 10 s (one small Redis read), not every 100 s.
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
    # Sending gives up at once when the broker is out of reach: the task waits in the
    # database (``portal.outbox``) and the request does not wait on the broker.
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
_REMINDER_HOUR = env.int("PORTAL_REMINDER_HOUR", default=8)
CELERY_BEAT_SCHEDULE = {
    # From the first hour on, hourly until the evening: each reminder is claimed once a day,
    # so the later sweeps send only what an earlier one could not (the broker was down).
    "deadline-reminders": {
        "task": "deadlines.tasks.sweep_reminders",
        "schedule": crontab(
            hour=f"{_REMINDER_HOUR}-{max(_REMINDER_HOUR, 18)}",
            minute=env.int("PORTAL_REMINDER_MINUTE", default=0),
        ),
    },
    # Tasks written while the broker could not be reached (``portal.outbox``).
    "relay-queued-tasks": {
        "task": "portal.tasks.relay_queued_tasks",
        "schedule": env.float("PORTAL_TASK_RELAY_SECONDS", default=60.0),
    },
    "deliver-emails": {"task": "notifications.tasks.deliver_emails", "schedule": 60.0},
    "daily-digests": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=env.int("PORTAL_DIGEST_HOUR", default=17), minute=30),
    },
    # The statistics' facts: refresh what changed, and once a night rewrite them all.
    "stats-settle": {"task": "stats.tasks.settle_facts", "schedule": 60.0},
    "stats-rebuild": {"task": "stats.tasks.rebuild_facts", "schedule": crontab(hour=2, minute=30)},
    "stats-old-exports": {
        "task": "stats.tasks.forget_old_exports",
        "schedule": crontab(hour=3, minute=0),
    },
}

# The REST API (/api/v1/): the portal's sessions or personal tokens, the portal's rules.
REST_FRAMEWORK = {
    # The first class answers 401s with its challenge (WWW-Authenticate: Bearer); the
    # session class has none, and first it would turn every 401 into a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("PORTAL_API_ANON_RATE", default="120/min"),
        "user": env("PORTAL_API_USER_RATE", default="600/min"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "建议提案办理平台 API",
    "DESCRIPTION": (
        "人大代表建议、政协委员提案从提交到答复公开的办理接口。工作接口使用平台登录会话或"
        "个人接口令牌(请求头 Authorization: Bearer <令牌>),权限与网页相同;"
        "/api/v1/public/ 下的已公开答复无需登录。错误统一为 "
        '{"error": {"status", "code", "message", "fields"}}。'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No call to the online validator: intranets are offline.
    "SWAGGER_UI_SETTINGS": {
        "validatorUrl": None,
        "deepLinking": True,
        "persistAuthorization": True,
    },
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation's refusals (400/401/403/404/415/429) in the one error shape.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.schema.document_errors",
    ],
    # Enums are named after their field: choice sets that share a field name, or one set
    # under several names, get one name each here.
    "ENUM_NAME_OVERRIDES": {
        "BodyEnum": "agencies.models.Body",
        "AssignmentStatusEnum": "proposals.models.Assignment.Status",
        "ReplyLetterStatusEnum": "responses.models.ReplyLetter.Status",
        "ProposalStatusEnum": "proposals.models.Proposal.Status",
        "ProposalKindEnum": "proposals.models.Proposal.Kind",
        "ProposerKindEnum": "proposals.models.Proposer.Kind",
        "AssignmentModeEnum": "proposals.models.Assignment.Mode",
        "DeadlineStepEnum": "deadlines.models.Step",
        "DeadlineStatusEnum": "deadlines.models.Deadline.Status",
        "ExtensionRequestStatusEnum": "deadlines.models.ExtensionRequest.Status",
    },
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="建议提案办理平台 <noreply@localhost>")
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# The handling rules that differ between places (see ../shared/DOMAIN.md).
PORTAL = {
    # Bodies whose items go through 立案审查 (accept, merge, reject); the others are registered.
    "REVIEW_BODIES": env.list("PORTAL_REVIEW_BODIES", default=["cppcc"]),
    # How many times an item may be handled again after a 不满意 rating.
    "MAX_REHANDLING_ROUNDS": env.int("PORTAL_MAX_REHANDLING_ROUNDS", default=1),
    # A reply addresses this many signers or more as "张钜等人大代表" instead of naming each.
    "ADDRESS_MANY_FROM": env.int("PORTAL_ADDRESS_MANY_FROM", default=4),
    # Remind this many working days before a deadline (0: on the day); overdue then weekly.
    "REMINDER_DAYS_BEFORE": [
        int(n) for n in env.list("PORTAL_REMINDER_DAYS_BEFORE", default=["5", "1", "0"])
    ],
    "REMIND_ON_REST_DAYS": env.bool("PORTAL_REMIND_ON_REST_DAYS", default=False),
    # Attachments to proposals: PDF, Word and images, each at most this size.
    "ATTACHMENT_MAX_MB": env.int("PORTAL_ATTACHMENT_MAX_MB", default=20),
    # Imports with more rows than this run in the background with a progress bar.
    "IMPORT_BACKGROUND_ROWS": env.int("PORTAL_IMPORT_BACKGROUND_ROWS", default=50),
    # An imported assignment list (交办清单) may have at most this many rows and megabytes.
    "IMPORT_MAX_ROWS": env.int("PORTAL_IMPORT_MAX_ROWS", default=5000),
    "IMPORT_MAX_MB": env.int("PORTAL_IMPORT_MAX_MB", default=5),
    # Digits of the serial in a published reply's index number (索引号): 002489524/2023-00364.
    "INDEX_SERIAL_DIGITS": env.int("PORTAL_INDEX_SERIAL_DIGITS", default=5),
    # Statistics exports covering more items than this are made in the background.
    "STATS_BACKGROUND_ITEMS": env.int("PORTAL_STATS_BACKGROUND_ITEMS", default=20000),
    # The read replica serves public pages only while it is at most this far behind, and a
    # browser that wrote reads from the primary for this long after.
    "REPLICA_MAX_LAG_SECONDS": env.float("PORTAL_REPLICA_MAX_LAG_SECONDS", default=10.0),
    "REPLICA_PIN_SECONDS": env.int("PORTAL_REPLICA_PIN_SECONDS", default=10),
    # How long a front server's microcache and the browser may keep an anonymous public page.
    "PUBLIC_MAX_AGE": env.int("PORTAL_PUBLIC_MAX_AGE", default=10),
    # How many public pages each web process holds in front of Django (0: none), and how
    # often it asks the shared cache whether a publication retired them (seconds; within
    # PUBLIC_MAX_AGE, which front caches and browsers may keep a page anyway).
    "PUBLIC_HELD_PAGES": env.int("PORTAL_PUBLIC_HELD_PAGES", default=200),
    "PUBLIC_RECHECK_SECONDS": env.float("PORTAL_PUBLIC_RECHECK_SECONDS", default=1.0),
    # Whether the public summary (/stats/) shows the agencies side by side; off by default,
    # so the public page ranks no agency unless a place decides it should.
    "PUBLIC_AGENCY_STATS": env.bool("PORTAL_PUBLIC_AGENCY_STATS", default=False),
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Intranet host names cannot be on the browsers' preload list; opting in is a choice.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "portal.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "json": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {
        "handlers": ["json" if env("LOG_FORMAT", default="text") == "json" else "console"],
        "level": env("LOG_LEVEL", default="INFO"),
    },
    "loggers": {
        # In the embedded run every eager task would log its success line.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
        "axes": {"level": "WARNING"},
        # One JSON line a request (``portal.logs``): on in production, where runserver's own
        # request lines are not; PORTAL_REQUEST_LOG=1 or 0 says otherwise.
        "portal.requests": {
            "handlers": ["json"],
            "level": "INFO" if env.bool("PORTAL_REQUEST_LOG", default=not DEBUG) else "WARNING",
            "propagate": False,
        },
    },
}
