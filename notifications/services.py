"""Delivering notices: one inbox message per recipient and event, and the e-mails.

E-mail is sent by a sweep over undelivered messages. Each batch is claimed
with a conditional update and a lease, so two workers never send the same
message, and a worker that dies leaves its batch to be taken up again once
the lease runs out. A failed message waits with growing backoff and is
tried again; it is marked sent only after the mail server accepted it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from portal import clock, outbox
from proposals.models import Event

from .models import Notification
from .recipients import recipients_of

LEASE = timedelta(minutes=10)
BATCH = 200


def proposal_url(proposal) -> str:
    return reverse("proposals:detail", args=[proposal.pk])


def absolute(path: str) -> str:
    """A link as e-mails carry it, on the portal's public address."""
    return settings.PORTAL_BASE_URL.rstrip("/") + path


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
    if any(n.recipient.email for n in fresh):
        schedule_delivery()
    return fresh


def schedule_delivery() -> None:
    """Send the waiting e-mails once the current transaction commits."""
    from .tasks import deliver_emails

    transaction.on_commit(partial(outbox.send_now, deliver_emails))


def _unclaimed(now) -> Q:
    return Q(emailed_at=None) & (Q(email_claimed_at=None) | Q(email_claimed_at__lt=now - LEASE))


def _undelivered(now, mode: str):
    """Messages whose e-mail is owed now to users who want ``mode`` delivery."""
    return Notification.objects.filter(
        _unclaimed(now),
        Q(email_next_try_at=None) | Q(email_next_try_at__lte=now),
        recipient__is_active=True,
        recipient__email_notices=mode,
    ).exclude(recipient__email="")


def _claim(queryset, now) -> str:
    """Claim up to a batch of the messages of ``queryset``; return the claim token."""
    token = uuid.uuid4().hex
    ids = list(queryset.order_by("id").values_list("id", flat=True)[:BATCH])
    # The update checks the claim columns of each row again as it writes it (PostgreSQL
    # re-reads a row another run changed meanwhile), so no message is claimed twice.
    Notification.objects.filter(_unclaimed(now), pk__in=ids).update(
        email_claim=token, email_claimed_at=now
    )
    return token


def backoff(attempts: int) -> timedelta:
    """30 s after the first failure, doubling each time, at most an hour."""
    return min(timedelta(seconds=30 * 2 ** (attempts - 1)), timedelta(hours=1))


def _failed(ids: list[int], error: Exception, now) -> None:
    for notification in Notification.objects.filter(pk__in=ids):
        attempts = notification.email_attempts + 1
        Notification.objects.filter(pk=notification.pk).update(
            email_claim="",
            email_claimed_at=None,
            email_attempts=attempts,
            email_next_try_at=now + backoff(attempts),
            email_error=str(error)[:500],
        )


def _sent(ids: list[int], now) -> None:
    Notification.objects.filter(pk__in=ids).update(
        emailed_at=now, email_claim="", email_claimed_at=None, email_error=""
    )


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0
    more: bool = False


def _message(notification: Notification) -> EmailMessage:
    recipient = notification.recipient
    text = (
        f"{recipient}:\n\n{notification.display_title}\n\n{notification.display_body}\n\n"
        f"查看详情:{absolute(notification.link)}\n"
    )
    return EmailMessage(
        subject=f"[建议提案办理] {notification.display_title}"[:200],
        body=text,
        to=[recipient.email],
    )


def deliver_emails() -> Delivery:
    """Send one batch of owed e-mails to users who want them one by one."""
    now = clock.now()
    token = _claim(_undelivered(now, get_user_model().EmailNotices.IMMEDIATE), now)
    batch = list(
        Notification.objects.for_display()
        .select_related("recipient")
        .filter(email_claim=token)
        .order_by("id")
    )
    result = Delivery()
    if not batch:
        return result
    try:
        connection = get_connection()
        connection.open()
    except Exception as error:
        _failed([n.pk for n in batch], error, now)
        result.failed = len(batch)
        return result
    try:
        for notification in batch:
            try:
                connection.send_messages([_message(notification)])
            except Exception as error:
                _failed([notification.pk], error, now)
                result.failed += 1
            else:
                _sent([notification.pk], clock.now())
                result.sent += 1
    finally:
        connection.close()
    result.more = len(batch) == BATCH
    return result


def send_daily_digests() -> Delivery:
    """E-mail each user who asked for a daily digest one message listing their new notices."""
    now = clock.now()
    result = Delivery()
    pending = _undelivered(now, get_user_model().EmailNotices.DAILY)
    for user_id in pending.values_list("recipient_id", flat=True).distinct():
        token = _claim(pending.filter(recipient_id=user_id), now)
        notices = list(
            Notification.objects.for_display()
            .select_related("recipient")
            .filter(email_claim=token)
            .order_by("created_at")
        )
        if not notices:
            continue
        recipient = notices[0].recipient
        lines = [
            f"{i}. {n.display_title}\n   {absolute(n.link)}" for i, n in enumerate(notices, start=1)
        ]
        message = EmailMessage(
            subject=f"[建议提案办理] 今日消息汇总({len(notices)}条)",
            body=f"{recipient}:\n\n您有以下新消息:\n\n" + "\n".join(lines) + "\n",
            to=[recipient.email],
        )
        ids = [n.pk for n in notices]
        try:
            message.send()
        except Exception as error:
            _failed(ids, error, now)
            result.failed += len(ids)
        else:
            _sent(ids, clock.now())
            result.sent += len(ids)
    return result
