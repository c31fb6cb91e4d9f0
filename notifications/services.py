"""Delivering notices: one inbox message per recipient and event, and its e-mail."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from portal import clock
from proposals.models import Event

from .models import Notification
from .recipients import recipients_of


def proposal_url(proposal) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("proposals:detail", args=[proposal.pk])


@transaction.atomic
def notify_event(event: Event) -> list[Notification]:
    """Put the event's notice in each recipient's inbox; return the messages created now.

    Running it again for the same event creates nothing new, so a retried
    task does not duplicate messages.
    """
    found = recipients_of(event)
    if found is None:
        return []
    users, notice = found
    url = proposal_url(event.proposal)
    already = set(Notification.objects.filter(event=event).values_list("recipient_id", flat=True))
    fresh = [
        Notification(
            recipient=user,
            event=event,
            proposal=event.proposal,
            title=notice.title,
            body=notice.body,
            url=url,
            created_at=clock.now(),
        )
        for user in users.distinct()
        if user.pk not in already and (event.actor_id is None or user.pk != event.actor_id)
    ]
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    created = list(
        Notification.objects.filter(event=event, emailed_at=None)
        .exclude(recipient__email="")
        .values_list("pk", flat=True)
    )
    if created:
        from .tasks import email_notification

        for pk in created:
            transaction.on_commit(lambda pk=pk: email_notification.delay(pk))
    return fresh


def email_notification(notification_id: int) -> bool:
    """Send one message by e-mail unless it was sent already; return whether it was sent now.

    The message is claimed by a conditional update before sending, so two
    workers never both send it; if sending fails the claim is released and
    the error propagates for the task to retry.
    """
    claimed = Notification.objects.filter(pk=notification_id, emailed_at=None).update(
        emailed_at=clock.now()
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    text = f"{notification.recipient}:\n\n{notification.body}\n\n查看详情:{notification.url}\n"
    try:
        send_mail(
            subject=f"[建议提案办理] {notification.title}",
            message=text,
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
    except Exception:
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True
