"""Background tasks that a broker outage neither fails nor loses.

A service that needs work done in the background calls ``send_on_commit(task, *args)``
inside its transaction. The task is written to the database as a ``QueuedTask`` with the
change that asks for it, and sent to the broker once that transaction commits; the row is
deleted once the broker has taken the task. When the broker cannot be reached the request
still succeeds: the row waits, and ``relay`` (a beat task, every minute) sends it when the
broker is back. A task may thus run twice (sent, then the process died before deleting its
row), so every task the portal queues is written to be run again harmlessly.

Rows are stamped with the real time, not the portal's clock (``portal.clock``), which a
service recording past handling may have set back or forward.

With eager tasks (no broker: ``make run`` and the tests) the task runs once the
transaction commits, as Celery's own ``delay`` would, and nothing is written.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from .models import QueuedTask

log = logging.getLogger(__name__)

# A row younger than this is left to the transaction that wrote it: its own send is due.
RELAY_AFTER = timedelta(seconds=30)
RELAY_BATCH = 500
# What a broker that cannot be reached raises when sending.
BROKER_DOWN = (OperationalError, OSError)


def send_on_commit(task, *args) -> None:
    """Have ``task(*args)`` run in the background once the current transaction commits."""
    if task.app.conf.task_always_eager:
        transaction.on_commit(partial(task.delay, *args))
        return
    row = QueuedTask.objects.create(name=task.name, args=list(args), created_at=timezone.now())
    transaction.on_commit(partial(_send, row))


def send_now(task, *args) -> bool:
    """Send a task that nothing is lost without (a periodic task does its work anyway);
    return False, and log it, when the broker cannot be reached."""
    try:
        task.apply_async(args, retry=False)
    except BROKER_DOWN as error:
        log.warning("任务未能发送(%s),由定时任务补做:%s", task.name, error)
        return False
    return True


def _publish(row: QueuedTask) -> bool:
    from .celery import app

    try:
        app.send_task(row.name, args=row.args, retry=False)
    except BROKER_DOWN as error:
        log.warning("任务暂存待发(%s #%s):%s", row.name, row.pk, error)
        QueuedTask.objects.filter(pk=row.pk).update(
            attempts=row.attempts + 1, error=f"{type(error).__name__}: {error}"[:300]
        )
        return False
    return True


def _send(row: QueuedTask) -> None:
    if _publish(row):
        QueuedTask.objects.filter(pk=row.pk).delete()


def relay(*, limit: int = RELAY_BATCH) -> dict:
    """Send the queued tasks the broker did not take when they were written; return how many
    were sent and how many still wait. Two relays at once send disjoint rows."""
    cutoff = timezone.now() - RELAY_AFTER
    sent = 0
    with transaction.atomic():
        rows = list(
            QueuedTask.objects.select_for_update(skip_locked=True)
            .filter(created_at__lte=cutoff)
            .order_by("pk")[:limit]
        )
        done = []
        for row in rows:
            if not _publish(row):
                break  # the broker is still down: the rest wait for the next relay
            done.append(row.pk)
        sent = QueuedTask.objects.filter(pk__in=done).delete()[0]
    return {"sent": sent, "waiting": QueuedTask.objects.count()}


def waiting(*, older_than: timedelta = RELAY_AFTER) -> int:
    """How many queued tasks the broker has not taken for longer than ``older_than``."""
    return QueuedTask.objects.filter(created_at__lte=timezone.now() - older_than).count()
