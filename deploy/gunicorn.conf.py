"""Gunicorn for the portal: ``gunicorn -c deploy/gunicorn.conf.py portal.wsgi``.

Workers from the machine's cores (2 × cores + 1, or ``WEB_CONCURRENCY``), each a process of
its own; the application is loaded once before they fork (``portal/wsgi.py`` warms the URLs
and settles the collector), and each worker is replaced after some tens of thousands of
requests (``PORTAL_WEB_MAX_REQUESTS``) so no slow growth lasts: often enough for that, and
seldom enough that a busy worker is not forever starting afresh. Requests are logged by the
portal itself, one JSON line each (``portal.logs``), so Gunicorn's access log is off.
"""

import multiprocessing
import os

bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("PORTAL_WEB_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("PORTAL_WEB_MAX_REQUESTS", 20000))
max_requests_jitter = max_requests // 10
preload_app = True
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# nginx in front on this machine: trust its X-Forwarded-* headers, and only its.
forwarded_allow_ips = os.environ.get("PORTAL_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "portal-web"
