"""Public reads from a read replica (``DATABASE_REPLICA_URL``), everything else from the primary.

Only an anonymous visitor's GET or HEAD of a public page or the public API goes to the
replica: no session, no API token, and not within ``PORTAL_REPLICA_PIN_SECONDS`` of a
write by the same browser (each write sets a cookie that pins it to the primary, so
whoever just published reads it back). Inside a transaction every read goes to the
primary, and every write always does.

The replica serves only while it answers and is close behind: its lag is read at most
every few seconds per process, and beyond ``PORTAL_REPLICA_MAX_LAG_SECONDS`` the primary
serves. A request whose replica fails mid-way (the server gone, a connection reset) is
answered again from the primary, and the replica is left alone for a while: the visitor
sees the page, never an error.
"""

from __future__ import annotations

import contextvars
import logging
import sys
import time

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import DatabaseError, connections
from django.dispatch import receiver
from django.urls import Resolver404, resolve

from .http import PIN_COOKIE, anonymous_read

DEFAULT, REPLICA = "default", "replica"
SAFE_METHODS = ("GET", "HEAD")
# The pages and endpoints anyone reads, by URL name (``namespace:name``).
PUBLIC = {
    "home",
    "feed_replies",
    "feed_agency",
    "sitemap",
    "sitemap_section",
    "stats:public",
    "public-reply-list",
    "public-reply-detail",
    "public-stats",
}
PUBLIC_NAMESPACES = {"public"}
CHECK_EVERY = 5.0  # seconds between two looks at the replica's lag, per process
REST_AFTER_FAILURE = 30.0  # seconds the replica is left alone after it failed a request

log = logging.getLogger(__name__)
_reading = contextvars.ContextVar("portal_replica_reads", default=False)


def configured() -> bool:
    return REPLICA in settings.DATABASES


def serving() -> bool:
    """Whether this request's reads come from the replica (so it must not write)."""
    return _reading.get()


class ReplicaRouter:
    """Reads to the replica while a public request allows it (``ReplicaReadsMiddleware``)
    and no transaction is open; writes, migrations and everything else to the primary."""

    def db_for_read(self, model, **hints):
        if _reading.get() and not connections[DEFAULT].in_atomic_block:
            return REPLICA
        return DEFAULT

    def db_for_write(self, model, **hints):
        return DEFAULT

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT


class _Health:
    """What this process last learned of the replica."""

    checked_at = -CHECK_EVERY
    usable = True
    resting_until = 0.0

    def usable_now(self) -> bool:
        now = time.monotonic()
        if now < self.resting_until:
            return False
        if now - self.checked_at >= CHECK_EVERY:
            self.checked_at, self.usable = now, _close_behind()
        return self.usable

    def failed(self) -> None:
        self.resting_until = time.monotonic() + REST_AFTER_FAILURE
        self.usable = False


health = _Health()


LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 "
    "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)


def lag_seconds() -> float:
    """How far the replica's replay is behind what it received (0 when caught up)."""
    connection = connections[REPLICA]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute(LAG_SQL)
        return float(cursor.fetchone()[0])


def _close_behind() -> bool:
    try:
        lag = lag_seconds()
    except DatabaseError as error:
        log.warning("只读副本不可用,公开页面改由主库提供:%s", error)
        connections[REPLICA].close()
        return False
    if lag > settings.PORTAL["REPLICA_MAX_LAG_SECONDS"]:
        log.warning("只读副本落后 %.1f 秒,公开页面改由主库提供", lag)
        return False
    return True


def _public(request) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.view_name in PUBLIC or bool(set(match.namespaces) & PUBLIC_NAMESPACES)


class ReplicaReadsMiddleware:
    """Serve an anonymous public read from the replica when it is fit to; pin a browser that
    writes to the primary for a few seconds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not configured():
            return self.get_response(request)
        if request.method not in SAFE_METHODS:
            response = self.get_response(request)
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.PORTAL["REPLICA_PIN_SECONDS"],
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
            return response
        if not (anonymous_read(request) and _public(request) and health.usable_now()):
            return self.get_response(request)
        request.replica_failed = False
        token = _reading.set(True)
        try:
            response = self.get_response(request)
        finally:
            _reading.reset(token)
        if request.replica_failed:
            health.failed()
            connections[REPLICA].close()
            log.warning("只读副本读取失败,由主库重新答复 %s", request.path)
            response = self.get_response(request)
        return response


@receiver(got_request_exception)
def _note_replica_failure(sender, request=None, **kwargs):
    """A database error while the replica serves the request: answer it again from the
    primary (``ReplicaReadsMiddleware``)."""
    error = sys.exc_info()[1]
    if request is not None and _reading.get() and isinstance(error, DatabaseError):
        request.replica_failed = True
