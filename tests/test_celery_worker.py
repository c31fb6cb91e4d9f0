"""A task goes through Redis to a real worker, which writes to the database."""

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker

from notifications.models import Notification
from portal.celery import app
from proposals import services as ps
from tests import workflow as wf

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_assignment_notices_are_delivered_by_a_worker_through_redis(world):
    proposal = wf.accepted(world)  # its co-signer was told of the invitation, in process
    assigned = Notification.objects.filter(event__verb="assigned")
    queue = f"test-{uuid.uuid4().hex}"
    conf = app.conf
    saved = conf.task_always_eager, conf.task_default_queue
    conf.task_always_eager, conf.task_default_queue = False, queue
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue]):
            ps.proposal_assign(proposal=proposal, lead=world.lead_agency, by=world.staff)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if assigned.filter(proposal=proposal).count() == 2:
                    break
                time.sleep(0.2)
    finally:
        conf.task_always_eager, conf.task_default_queue = saved
    recipients = set(
        assigned.filter(proposal=proposal).values_list("recipient__username", flat=True)
    )
    assert recipients == {"lead_clerk", "lead_leader"}
