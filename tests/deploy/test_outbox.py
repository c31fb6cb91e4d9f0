"""A broker that cannot be reached neither fails a request nor loses its task.

The task is written with the change that asks for it and sent once the transaction commits;
with the broker out of reach the row waits, and the beat relay sends it when the broker is
back. Here the broker "down" is a Redis address nothing listens on.
"""

from __future__ import annotations

import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal import clock, health, outbox
from portal.celery import app
from portal.models import QueuedTask
from responses.models import ReplyLetter
from tests import workflow as wf

pytestmark = pytest.mark.django_db(transaction=True)

NOBODY_LISTENS = "redis://127.0.0.1:9/0"


@contextmanager
def broker(url: str, *, queue: str | None = None):
    """Send the app's tasks to ``url`` (and ``queue``) inside the block, not eagerly."""
    conf = app.conf
    saved = conf.task_always_eager, conf.broker_url, conf.task_default_queue

    def reconnect():
        app._pool = None
        app.amqp._producer_pool = None

    conf.task_always_eager, conf.broker_url = False, url
    if queue:
        conf.task_default_queue = queue
    reconnect()
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_url, conf.task_default_queue = saved
        reconnect()


def _ask_for_a_draft(world) -> ReplyLetter:
    lead = wf.lead_of(wf.signed(world))
    client = Client()
    client.force_login(world.lead_clerk)
    response = client.post(reverse("responses:new", args=[lead.pk]), {"generate": "1"})
    assert response.status_code == 302, response.content.decode()[:500]
    return ReplyLetter.objects.get(assignment=lead)


def test_with_the_broker_down_the_request_succeeds_and_the_task_waits(world):
    with broker(NOBODY_LISTENS):
        started = time.monotonic()
        letter = _ask_for_a_draft(world)
        took = time.monotonic() - started
        waiting = QueuedTask.objects.get(name="responses.tasks.generate_draft")
        assert waiting.args == [letter.pk]
        assert waiting.attempts == 1 and "Error" in waiting.error
        QueuedTask.objects.exclude(pk=waiting.pk).delete()  # the step's notice, shown below
        assert letter.generation == ReplyLetter.Generation.QUEUED
        assert took < 3, "the request does not wait long on a broker that is down"

        # The relay leaves a fresh row to its own transaction's send ...
        assert outbox.relay() == {"sent": 0, "waiting": 1}
        # ... and, with the broker still down, keeps an older one for later.
        with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
            assert outbox.relay() == {"sent": 0, "waiting": 1}
            ready = health.readyz(_get("/readyz"))
        assert QueuedTask.objects.get().attempts == 2, "the relay stopped at the first refusal"
    assert ready.status_code == 200
    assert b'"queued_tasks"' in ready.content and b'"degraded"' in ready.content


def test_each_step_queues_its_notice_in_the_same_transaction(world):
    """Timeline notices go the same way: a step taken with the broker down keeps its notice."""
    with broker(NOBODY_LISTENS):
        proposal = wf.assigned(world)
    names = list(QueuedTask.objects.values_list("name", flat=True))
    assert "notifications.tasks.notify_event" in names
    assert proposal.events.count() >= 1


def test_a_task_queued_under_another_days_clock_is_relayed_by_the_real_time(world):
    """Services recording past (or demo) handling set the portal's clock; the queue does not
    follow it, or a task stamped two days ahead would wait two days."""
    with broker(NOBODY_LISTENS):
        with clock.at(timezone.now() + timedelta(days=2)):
            wf.assigned(world)
        assert QueuedTask.objects.exists()
        with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
            outbox.relay()
    assert QueuedTask.objects.filter(attempts=2).exists(), "the relay tried it again"


def test_with_eager_tasks_nothing_is_written(world):
    letter = _ask_for_a_draft(world)
    letter.refresh_from_db()
    assert letter.generation == ReplyLetter.Generation.DONE
    assert not QueuedTask.objects.exists()


@pytest.mark.redis
def test_when_the_broker_is_back_the_relay_sends_and_a_worker_drafts_once(world):
    with broker(NOBODY_LISTENS):
        letter = _ask_for_a_draft(world)
    queued = list(QueuedTask.objects.values_list("name", flat=True))
    assert queued.count("responses.tasks.generate_draft") == 1

    queue = f"test-{uuid.uuid4().hex}"
    with (
        broker(settings.CELERY_BROKER_URL, queue=queue),
        start_worker(app, pool="solo", perform_ping_check=False, queues=[queue]),
    ):
        with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
            assert outbox.relay() == {"sent": len(queued), "waiting": 0}
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            letter.refresh_from_db()
            if letter.generation != ReplyLetter.Generation.QUEUED:
                break
            time.sleep(0.2)
    assert letter.generation == ReplyLetter.Generation.DONE
    assert letter.revisions.filter(note="按模板生成").count() == 1


def _get(path: str):
    from django.test import RequestFactory

    return RequestFactory().get(path)
