from celery import shared_task

from proposals.models import Event

from . import services
from .models import Notification


@shared_task(autoretry_for=(Event.DoesNotExist,), max_retries=3, retry_backoff=True)
def notify_event(event_id: int) -> int:
    """Deliver the notices of one timeline event; return how many messages were created."""
    event = Event.objects.select_related("proposal__session", "assignment__agency").get(pk=event_id)
    return len(services.notify_event(event))


@shared_task(
    autoretry_for=(OSError,),
    max_retries=8,
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
)
def email_notification(notification_id: int) -> bool:
    """E-mail one inbox message; mail-server errors are retried with backoff."""
    if not Notification.objects.filter(pk=notification_id).exists():
        return False
    return services.email_notification(notification_id)
