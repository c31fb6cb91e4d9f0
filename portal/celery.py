"""The Celery app. Tasks are thin: they fetch ids and call a service."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Requests served in other threads must send tasks through this app too, not Celery's fallback.
app.set_default()
