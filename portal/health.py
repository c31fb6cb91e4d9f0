"""Health endpoints for load balancers and process managers.

``/healthz`` (liveness) answers as soon as the process can serve a request, touching
nothing else: restarting a process because its database is down would not bring the
database back. ``/readyz`` (readiness) checks what serving needs: the database (without it
nothing is served: 503), and reports the read replica, the cache and the task broker,
whose loss the portal survives (the primary serves reads, pages are rendered afresh, tasks
wait in the database), as ``degraded`` with a 200, as are tasks still waiting for the broker.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

TIMEOUT_SECONDS = 2


@never_cache
@require_safe
def healthz(request):
    """Alive: the process answers."""
    return JsonResponse({"status": "ok"})


def _database(alias: str) -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    key = "health:probe"
    cache.set(key, "ok", timeout=10)
    if cache.get(key) != "ok":
        raise RuntimeError("缓存读写不一致")


def _broker() -> None:
    from portal.celery import app

    if not settings.REDIS_URL:
        return  # tasks run eagerly in the web process: no broker to reach
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)


def _queued() -> int:
    """Tasks written while the broker was out of reach and not yet sent (``portal.outbox``)."""
    from portal import outbox

    try:
        return outbox.waiting()
    except Exception:  # the database check reports the database's own failure
        return 0


def _check(probe) -> dict:
    started = time.perf_counter()
    try:
        probe()
    except Exception as error:  # any failure is the answer, said in its own words
        return {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


@never_cache
@require_safe
def readyz(request):
    """Ready: the database answers (else 503); the replica, cache and broker are reported."""
    checks = {"database": _check(lambda: _database("default"))}
    if "replica" in settings.DATABASES:
        checks["replica"] = _check(lambda: _database("replica"))
    checks["cache"] = _check(_cache)
    checks["broker"] = _check(_broker)
    waiting = _queued()
    if waiting:
        checks["queued_tasks"] = {"ok": False, "error": f"{waiting} 个任务等待发送"}
    if not checks["database"]["ok"]:
        status, code = "unavailable", 503
    elif all(check["ok"] for check in checks.values()):
        status, code = "ready", 200
    else:
        status, code = "degraded", 200
    return JsonResponse({"status": status, "checks": checks}, status=code)
