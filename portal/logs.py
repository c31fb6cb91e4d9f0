"""Structured logs: one JSON line per request, and a formatter that writes any record so.

The request line carries what an operator filters and adds up by: the method, the path
(without its query, which may carry a search or a token), the status, the duration in
milliseconds, the response's size, the signed-in user's id and the client's address.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime

requests = logging.getLogger("portal.requests")


class JsonFormatter(logging.Formatter):
    """Each record as one line of JSON: time, level, logger, message, and its ``fields``."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def log_request(*, method: str, path: str, status: int, started: float, size, user, client):
    """The request's one line: what the middleware below and the WSGI front
    (``disclosure.caching.KeptPagesFront``) write for each request they answer."""
    if requests.isEnabledFor(logging.INFO):
        requests.info(
            "%s %s %s",
            method,
            path,
            status,
            extra={
                "fields": {
                    "method": method,
                    "path": path,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "bytes": size,
                    "user": user,
                    "client": client,
                }
            },
        )


class RequestLogMiddleware:
    """Log every request once it is answered; first in the stack, so its time is the whole."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        if requests.isEnabledFor(logging.INFO):
            user = getattr(request, "user", None)
            log_request(
                method=request.method,
                path=request.path,
                status=response.status_code,
                started=started,
                size=None if response.streaming else len(response.content),
                user=user.pk if user is not None and user.is_authenticated else None,
                client=request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR"),
            )
        return response
