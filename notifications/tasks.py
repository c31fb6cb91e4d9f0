from celery import shared_task

from proposals.models import Event

from . import services


@shared_task(autoretry_for=(Event.DoesNotExist,), max_retries=3, retry_backoff=True)
def notify_event(event_id: int) -> int:
    """Deliver the notices of one timeline event; return how many messages were created."""
    event = Event.objects.select_related("proposal__session", "assignment__agency").get(pk=event_id)
    return len(services.notify_event(event))


@shared_task
def deliver_emails() -> dict:
    """Send owed e-mails in batches; failures wait for their backoff and the next run."""
    delivery = services.deliver_emails()
    if delivery.more and delivery.sent:
        deliver_emails.delay()
    return {"sent": delivery.sent, "failed": delivery.failed}


@shared_task
def send_daily_digests() -> dict:
    delivery = services.send_daily_digests()
    return {"sent": delivery.sent, "failed": delivery.failed}
