from celery import shared_task

from . import outbox


@shared_task
def relay_queued_tasks() -> dict:
    """Send the tasks a broker outage held back."""
    return outbox.relay()
